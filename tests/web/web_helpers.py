"""Builders shared by the page tests (importable: the tests use importlib mode)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dudao.web.backend import Account, LocalBackend, Submission

OUTPUT = Path(__file__).parent / "output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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

ACCOUNTS = {
    "qingxiu": Account("qingxiu", "青秀区教育督导室", "450103", frozenset({"staff"})),
    "nanning": Account("nanning", "南宁市教育督导室", "450100", frozenset({"staff"})),
    "viewer": Account("viewer", HOSTILE, "450103", frozenset({"viewer"})),
}


def make_app(folder: Path) -> FastAPI:
    """The pages on the library alone, with the accounts above and one open case
    (DD2023000001, 青秀区) in a case store under ``folder``."""
    from starlette.middleware.sessions import SessionMiddleware

    from dudao.web.pages import mount

    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="t" * 40, same_site="lax")
    backend = LocalBackend(
        {name: (PASSWORD, account) for name, account in ACCOUNTS.items()},
        folder / "cases.db",
        submissions=[
            Submission("S1", "450103", 2023, "待审核", "青秀区教育督导室", "2023-03-20 10:00"),
            Submission("S2", "450102", 2023, "待审核", HOSTILE, "2023-03-21 09:00"),
        ],
    )
    store = backend.cases()
    store.open_case(
        "450103",
        dt.date(2023, 3, 1),
        actor="南宁市人民政府教育督导室",
        summary="督学配备不足",
        case_id="DD2023000001",
    )
    store.open_case(
        "450102", dt.date(2023, 3, 1), actor="南宁市人民政府教育督导室", case_id="DD2023000002"
    )
    app.state.web_backend = backend
    mount(app)
    return app


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
