"""No endpoint ever returns or changes a resource outside the caller's scope.

Hypothesis makes accounts anywhere on a slice of the tree (the province, two cities,
counties of each) with any roles, and has each call an endpoint on resources spread
over the same slice: cases and submissions of every unit. What comes back must lie in
the account's subtree; a write succeeds exactly when the access rules allow it, and a
refused write changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.server import access
from dudao.server import submissions as subs
from dudao.server.accounts import Account, Role

from .conftest import Live, running, settings_for

UNITS = ["450000", "450100", "450102", "450103", "450105", "450200", "450202", "450203"]
ROLES = ["staff", "inspector", "viewer", "admin"]
_names = itertools.count()


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, plugins: Any
) -> Iterator[tuple[Live, dict[str, str], dict[str, int]]]:
    """The service with one case and one submission awaiting approval per unit."""
    tmp = tmp_path_factory.mktemp("scope-properties")
    with running(settings_for("sqlite", tmp, request, plugins)) as live:
        service = live.service
        root = Account(0, "setup", "setup", "000000", frozenset(Role))
        cases: dict[str, str] = {}
        submissions: dict[str, int] = {}
        for unit in UNITS:
            rec = service.store.open_case(unit, dt.date(2023, 3, 1), actor="上级督导室")
            cases[unit] = rec.case_id
            body = f"jurisdiction,year,amount\n{unit},2023,1\n".encode()
            made = subs.submit(
                service,
                root,
                unit=unit,
                year=2023,
                files=[subs.Upload("budgets.csv", body)],
            )
            submissions[unit] = made["id"]
        yield live, cases, submissions


accounts = st.tuples(
    st.sampled_from(UNITS), st.sets(st.sampled_from(ROLES), min_size=1, max_size=4)
)


def make(live: Live, unit: str, roles: set[str]) -> tuple[Account, httpx.Client]:
    account = live.add_account(f"p{next(_names)}", unit, tuple(sorted(roles)))
    return account, live.client(account.username)


def inside(account: Account, unit: str, live: Live) -> bool:
    return live.service.hierarchy.contains(account.unit, unit)


@given(who=accounts)
def test_lists_hold_only_the_callers_subtree(world: Any, who: Any) -> None:
    live, cases, submissions = world
    account, client = make(live, *who)
    h = live.service.hierarchy
    listed = client.get("/api/v1/cases", params={"limit": 500}).json()["items"]
    assert all(inside(account, c["target"], live) for c in listed)
    # and every case of the slice inside it is listed
    assert {cases[u] for u in UNITS if inside(account, u, live)} <= {c["case_id"] for c in listed}
    sub_rows = client.get("/api/v1/submissions", params={"limit": 500}).json()["items"]
    assert all(inside(account, s["unit"], live) for s in sub_rows)
    assert {submissions[u] for u in UNITS if inside(account, u, live)} <= {
        s["id"] for s in sub_rows
    }
    units = client.get("/api/v1/units", params={"limit": 500}).json()
    assert units["total"] == len(h.subtree_codes(account.unit))
    assert all(inside(account, u["code"], live) for u in units["items"])
    log = client.get("/api/v1/audit", params={"limit": 500})
    if Role.ADMIN in account.roles:
        assert all(inside(account, r["unit"], live) for r in log.json()["items"])
    else:
        assert log.status_code == 403


@given(who=accounts, unit=st.sampled_from(UNITS))
def test_a_resource_is_answered_only_inside_the_scope(world: Any, who: Any, unit: str) -> None:
    live, cases, submissions = world
    account, client = make(live, *who)
    seen = inside(account, unit, live)
    # outside the scope, a resource is answered exactly as one that does not exist
    # (the codes of an id that does not exist: see test_scope.py)
    for path, code in (
        (f"/api/v1/cases/{cases[unit]}", "unknown-case"),
        (f"/api/v1/submissions/{submissions[unit]}", "unknown-submission"),
        (f"/api/v1/units/{unit}", "unknown-unit"),
        (f"/api/v1/units/{unit}/children", "unknown-unit"),
    ):
        r = client.get(path)
        assert r.status_code == (200 if seen else 404), (path, r.text)
        if not seen:
            assert [p["code"] for p in r.json()["problems"]] == [code]
    analysis = client.get(f"/api/v1/analysis/{unit}/findings", params={"limit": 500})
    if seen:  # findings of approved data (404 no-data before any approval)
        assert analysis.status_code in (200, 404)
        if analysis.status_code == 200:
            rows = analysis.json()["items"]
            assert all(inside(account, f["jurisdiction"], live) for f in rows)
    else:
        assert analysis.status_code == 404
        assert analysis.json()["problems"][0]["code"] == "unknown-unit"


@given(
    who=accounts,
    unit=st.sampled_from(UNITS),
    action=st.sampled_from(["open", "step", "approve", "accept", "unapprove", "account"]),
)
def test_a_write_succeeds_exactly_where_the_rules_allow(
    world: Any, who: Any, unit: str, action: str
) -> None:
    live, cases, submissions = world
    account, client = make(live, *who)
    h = live.service.hierarchy
    store = live.service.store
    if action == "open":
        before = len(store.cases(target=unit))
        r = client.post("/api/v1/cases", json={"target": unit, "date": "2023-03-02"})
        allowed = access.can_write_case(account, unit, h)
        assert (r.status_code == 201) == allowed, r.text
        assert len(store.cases(target=unit)) == before + allowed
        if allowed:
            assert r.json()["case"]["target"] == unit
        else:
            assert r.status_code in (403, 404)
    elif action == "step":
        case_id = cases[unit]
        before = store.case(case_id).state.count
        r = client.post(
            f"/api/v1/cases/{case_id}/events",
            headers={"If-Match": "*"},
            json={"step": "reported", "date": "2023-03-03", "payload": {"published": True}},
        )
        allowed = access.can_write_case(account, unit, h, None)
        after = store.case(case_id).state.count
        if not allowed:
            assert r.status_code in (403, 404) and after == before
        else:  # the first such write records it; later ones meet the state machine
            assert r.status_code in (201, 422) and after == before + (r.status_code == 201)
    elif action in ("approve", "accept", "unapprove"):
        # level by level: only the unit directly above the approval level approves or
        # accepts; only the level itself withdraws its approval
        sid = submissions[unit]
        before = subs.visible(live.service, _root(), sid)
        r = client.post(f"/api/v1/submissions/{sid}/{action}")
        after = subs.visible(live.service, _root(), sid)
        level = before["approval_level"] or before["unit"]
        actor = level if action == "unapprove" else before["next_unit"]
        state = ("status", "approval_level", "accepted")
        if r.status_code == 200:
            assert account.has(Role.STAFF) and account.unit == actor, (action, before)
            assert [after[k] for k in state] != [before[k] for k in state]
        else:
            assert r.status_code in (403, 404, 409), r.text
            assert [after[k] for k in state] == [before[k] for k in state]
            if not access.can_view(account, unit, h):
                assert r.status_code == 404
        if action == "approve" and before["status"] == "submitted":
            assert (r.status_code == 200) == access.can_approve(account, unit, h)
    else:
        name = f"n{next(_names)}"
        r = client.post(
            "/api/v1/accounts",
            json={"username": name, "password": "long-enough", "unit": unit, "roles": ["viewer"]},
        )
        allowed = access.can_administer(account, unit, h)
        assert (r.status_code == 201) == allowed, r.text
        with live.service.read() as conn:
            from dudao.server.accounts import find_account

            assert (find_account(conn, name) is not None) == allowed


def _root() -> Account:
    return Account(0, "setup", "setup", "000000", frozenset(Role))
