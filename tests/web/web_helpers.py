"""Builders shared by the page tests (importable: the tests use importlib mode).

The pages run on the real service (:func:`dudao.web.app.create_app`) with a SQLite
database in a temporary folder, the bundled Nanning sample dataset imported as the
city's approved data, three accounts, two open cases and one county submission
awaiting the city.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

OUTPUT = Path(__file__).parent / "output"
CHROMIUM = "/usr/bin/chromium"  # Debian's, never a downloaded one
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "示例-密码-2023"
#: A name with markup in it: the pages must show it as text.
HOSTILE = '<script>alert("x")</script>&<b>粗</b>'

#: username → (unit, roles, display name)
ACCOUNTS = {
    "qingxiu": ("450103", ("staff",), "青秀区教育督导室"),
    "nanning": ("450100", ("staff",), "南宁市教育督导室"),
    "viewer": ("450103", ("viewer",), HOSTILE),
}


@functools.cache
def _plugins() -> Any:
    from dudao.plugins.manager import load_plugins

    return load_plugins()


def make_app(folder: Path) -> FastAPI:
    """``dudao serve``'s app on a data folder under ``folder`` (cheap password hashing;
    the installed plugins, loaded once for all the tests)."""
    from dudao.server.settings import Settings
    from dudao.web.app import create_app

    settings = Settings(
        data=folder / "data", secret="t" * 48, cheap_hashing=True, plugins=_plugins()
    )
    return create_app(settings)


def seed(app: FastAPI) -> None:
    """Accounts, the sample data, cases and a waiting submission (run once the app's
    lifespan has made its service)."""
    from dudao.examples import example_path
    from dudao.server import submissions
    from dudao.server.accounts import create_account, find_account

    service = app.state.service
    with service.begin() as conn:
        for username, (unit, roles, name) in ACCOUNTS.items():
            if find_account(conn, username) is None:
                create_account(
                    conn,
                    username=username,
                    password=PASSWORD,
                    unit=unit,
                    roles=roles,
                    hierarchy=service.hierarchy,
                    display_name=name,
                    password_hasher=service.password_hasher,
                )
    submissions.import_dataset(service, example_path("nanning"))
    store = service.store
    if not store.cases():
        store.open_case(
            "450103",
            dt.date(2023, 3, 1),
            actor="南宁市人民政府教育督导室",
            summary="督学配备不足",
            case_id="DD2023000001",
        )
        store.open_case(
            "450102",
            dt.date(2023, 3, 1),
            actor="南宁市人民政府教育督导室",
            case_id="DD2023000002",
        )
        overdue_case(store)
        with service.begin() as conn:
            county = find_account(conn, "qingxiu")
        budgets = b"jurisdiction,year,amount\n450103,2023,40.0\n"
        submissions.submit(
            service,
            county,
            unit="450103",
            year=2023,
            files=[submissions.Upload("budgets.csv", budgets)],
        )


def overdue_case(store: Any) -> None:
    """DD2023000003: 宾阳县 was to rectify by 2023-05-31 and has not reported."""
    from dudao.workflow.steps import Event, Feedback, RectificationOrdered, Step

    actor = "南宁市人民政府教育督导室"
    store.open_case(
        "450126", dt.date(2023, 3, 1), actor=actor, summary="督学配备不足", case_id="DD2023000003"
    )
    store.append(
        "DD2023000003",
        Event(
            "DD2023000003",
            Step.FEEDBACK,
            dt.date(2023, 3, 10),
            actor,
            "450126",
            payload=Feedback(mode="written", issues=("督学配备不足",)),
        ),
    )
    store.append(
        "DD2023000003",
        Event(
            "DD2023000003",
            Step.RECTIFICATION_ORDERED,
            dt.date(2023, 3, 15),
            actor,
            "450126",
            payload=RectificationOrdered(dt.date(2023, 5, 31), ("补足专职督学",)),
        ),
    )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "every form carries a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def browser_sign_in(browser: Any, base: str, username: str, width: int = 1280) -> Any:
    """A new page (own cookies) of ``width`` px, signed in as ``username``."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", base_url=base
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/$"))
    return page
