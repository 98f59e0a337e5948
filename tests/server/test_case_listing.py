"""Case listing narrowed to the caller's subtree in SQL, paginated (issue 14, item 4).

Many cases across two cities and the province: each account's pages, put together,
are exactly the cases of its subtree in case-id order — counted by hand from how
the cases were made — and the listing never reads the whole summary table
(``CaseStore.cases`` is not called).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from dudao.plugins.manager import PluginSet
from dudao.server import accounts as acc
from dudao.server import casework
from dudao.server.app import create_app
from dudao.server.service import Service
from dudao.server.settings import Settings
from dudao.workflow import Event, Feedback, Opened
from dudao.workflow.steps import Step

DAY = dt.date(2023, 3, 1)
#: (unit, how many cases): 450100 南宁 and two of its counties, 450200 柳州 and one
#: of its counties, and the province itself.
MADE = {"450100": 40, "450103": 120, "450102": 90, "450200": 60, "450202": 150, "450000": 5}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, plugins: PluginSet) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("listing")
    svc = Service(Settings(data=tmp / "data", secret="s", plugins=plugins, cheap_hashing=True))
    events: list[Event] = []
    n = 0
    for unit, count in MADE.items():
        for _ in range(count):
            n += 1
            cid = f"DD2023{n:06d}"
            events.append(Event(cid, Step.OPENED, DAY, "督导办", unit, payload=Opened()))
            if n % 3 == 0:  # every third case has had feedback
                events.append(
                    Event(cid, Step.FEEDBACK, DAY, "督导办", unit, payload=Feedback(mode="written"))
                )
    svc.store.append_many(events)
    yield svc
    svc.close()


def _account(service: Service, name: str, unit: str) -> acc.Account:
    with service.begin() as conn:
        found = acc.find_account(conn, name)
        if found is not None:
            return found
        return acc.create_account(
            conn,
            username=name,
            password="pw-123456789",
            unit=unit,
            roles=("staff",),
            hierarchy=service.hierarchy,
            password_hasher=service.password_hasher,
        )


def _all_pages(service: Service, account: acc.Account, size: int, **kw: object) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        total, rows = casework.case_page(service, account, offset=offset, limit=size, **kw)  # type: ignore[arg-type]
        assert len(rows) <= size
        ids += [s.case_id or "" for s in rows]
        offset += size
        if offset >= total:
            assert len(ids) == total
            return ids


def _expected(*units: str) -> list[str]:
    ids, n = [], 0
    for unit, count in MADE.items():
        for _ in range(count):
            n += 1
            if unit in units:
                ids.append(f"DD2023{n:06d}")
    return ids


def test_each_account_pages_through_exactly_its_subtree(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole_table(*_: object, **__: object) -> None:
        raise AssertionError("the listing read every summary")

    monkeypatch.setattr(service.store, "cases", whole_table)
    nn = _account(service, "nn", "450100")
    lz = _account(service, "lz", "450200")
    gx = _account(service, "gx", "450000")
    qx = _account(service, "qx", "450103")
    assert _all_pages(service, nn, 37) == _expected("450100", "450103", "450102")
    assert _all_pages(service, lz, 50) == _expected("450200", "450202")
    assert _all_pages(service, gx, 100) == _expected(*MADE)
    assert _all_pages(service, qx, 7) == _expected("450103")
    # a unit inside the scope narrows it; one outside gives nothing
    assert _all_pages(service, nn, 25, unit="450102") == _expected("450102")
    assert casework.case_page(service, nn, unit="450202") == (0, [])
    assert casework.case_page(service, qx, unit="450100") == (0, [])
    # 450103's cases are numbers 41..160; every third has had feedback
    with_feedback = [f"DD2023{i:06d}" for i in range(41, 161) if i % 3 == 0]
    assert _all_pages(service, qx, 9, step="feedback") == with_feedback
    assert len(with_feedback) == 40
    total, rows = casework.case_page(service, qx, offset=115, limit=50)
    assert total == 120 and [s.case_id for s in rows] == _expected("450103")[115:]
    assert casework.case_page(service, qx, offset=500, limit=50) == (120, [])


def test_the_api_answers_a_page_with_the_subtree_total(service: Service) -> None:
    nn = _account(service, "nn", "450100")
    with service.begin() as conn:
        token = acc.issue_token(conn, nn)
    settings = service.settings
    with TestClient(create_app(settings, service=service)) as client:
        got = client.get(
            "/api/v1/cases",
            params={"offset": 240, "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["total"], body["offset"], body["limit"]) == (250, 240, 100)
    assert [c["case_id"] for c in body["items"]] == _expected("450100", "450103", "450102")[240:]
    assert {c["target"] for c in body["items"]} == {"450102"}
