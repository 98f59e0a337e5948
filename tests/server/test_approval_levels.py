"""Approval level by level, as DHIS2's data approval (issue 14, item 5).

A county's submission goes up one level at a time: the city approves, the province
accepts the city's approval (the city can then no longer withdraw it), the province
approves, the nation accepts … An approver may withdraw its approval while the level
above has not accepted it; the acceptor may withdraw its acceptance before approving
further. Only the unit directly above the current approval level acts (the level
itself only to withdraw): never a unit below, beside, or further up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.plugins.manager import PluginSet
from dudao.server import accounts as acc
from dudao.server import submissions as subs
from dudao.server.app import create_app
from dudao.server.db import audit
from dudao.server.service import Service
from dudao.server.settings import Settings

COUNTY, CITY, PROVINCE, NATION = "450103", "450100", "450000", "000000"
#: user name → (unit, roles): the county's chain upwards, a sibling county, another
#: city, and a viewer of the city.
ACCOUNTS = {
    "county": (COUNTY, ("staff",)),
    "city": (CITY, ("staff",)),
    "province": (PROVINCE, ("staff",)),
    "nation": (NATION, ("staff",)),
    "sibling": ("450102", ("staff",)),
    "other-city": ("450200", ("staff",)),
    "city-viewer": (CITY, ("viewer",)),
}
ACTIONS = ["approve", "accept", "unaccept", "unapprove", "return"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, plugins: PluginSet) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("approval")
    svc = Service(Settings(data=tmp / "data", secret="s", plugins=plugins, cheap_hashing=True))
    with svc.begin() as conn:
        for name, (unit, roles) in ACCOUNTS.items():
            acc.create_account(
                conn,
                username=name,
                password="pw-123456789",
                unit=unit,
                roles=roles,
                hierarchy=svc.hierarchy,
                password_hasher=svc.password_hasher,
            )
    yield svc
    svc.close()


def _account(service: Service, name: str) -> acc.Account:
    with service.read() as conn:
        found = acc.find_account(conn, name)
    assert found is not None
    return found


def _new_submission(service: Service) -> int:
    """A county submission awaiting the city (stored directly: validation is tested
    elsewhere; here only the approval steps matter)."""
    with service.begin() as conn:
        return subs._store(
            conn,
            unit=COUNTY,
            year=2023,
            as_of=dt.date(2023, 3, 1),
            files=[subs.Upload("schools.csv", b"x")],
            status=subs.SUBMITTED,
            approver=CITY,
            by="county",
            late=[],
        )


def _do(service: Service, who: str, sid: int, action: str) -> dict[str, Any] | str:
    """The submission after the step, or the refusal's code."""
    try:
        return subs.step(service, _account(service, who), sid, action, reason="理由")
    except DudaoError as exc:
        return str(exc.codes[0])


def _state(sub: dict[str, Any] | str) -> tuple[str, str | None, bool, str | None]:
    assert isinstance(sub, dict), sub
    return sub["status"], sub["approval_level"], sub["accepted"], sub["next_unit"]


def test_up_the_tree_one_level_at_a_time(service: Service) -> None:
    sid = _new_submission(service)
    assert _do(service, "county", sid, "approve") == "forbidden"  # its own data
    assert _do(service, "province", sid, "approve") == "forbidden"  # skipping the city
    assert _do(service, "city-viewer", sid, "approve") == "forbidden"
    assert _do(service, "sibling", sid, "approve") == "unknown-submission"  # beside: 404
    assert _do(service, "other-city", sid, "approve") == "unknown-submission"
    assert _do(service, "province", sid, "accept") == "forbidden"  # nothing to accept yet
    assert _do(service, "city", sid, "accept") == "not-awaiting"

    assert _state(_do(service, "city", sid, "approve")) == ("approved", CITY, False, PROVINCE)
    assert _do(service, "city", sid, "approve") == "not-awaiting"  # now the province's turn
    assert _do(service, "province", sid, "approve") == "not-awaiting"  # accept first
    assert _do(service, "city", sid, "return") == "not-awaiting"
    assert _do(service, "nation", sid, "accept") == "forbidden"  # not its turn: no skipping
    assert _state(_do(service, "province", sid, "accept")) == ("approved", CITY, True, PROVINCE)
    assert _do(service, "city", sid, "unapprove") == "not-awaiting"  # accepted: no longer its own
    assert _do(service, "county", sid, "unapprove") == "forbidden"
    assert _state(_do(service, "province", sid, "approve")) == (
        "approved",
        PROVINCE,
        False,
        NATION,
    )
    assert _state(_do(service, "nation", sid, "accept")) == ("approved", PROVINCE, True, NATION)
    assert _do(service, "province", sid, "unapprove") == "not-awaiting"
    assert _do(service, "nation", sid, "unapprove") == "forbidden"  # not its approval
    assert _state(_do(service, "nation", sid, "unaccept")) == ("approved", PROVINCE, False, NATION)
    # the province withdraws: back to the city's approval, which it had accepted
    assert _state(_do(service, "province", sid, "unapprove")) == (
        "approved",
        CITY,
        True,
        PROVINCE,
    )
    assert _do(service, "city", sid, "unapprove") == "not-awaiting"
    assert _state(_do(service, "province", sid, "unaccept")) == ("approved", CITY, False, PROVINCE)
    assert _state(_do(service, "city", sid, "unapprove")) == ("submitted", None, False, CITY)
    assert _state(_do(service, "city", sid, "return")) == ("returned", None, False, None)
    assert _do(service, "city", sid, "approve") == "not-awaiting"

    with service.read() as conn:
        rows = conn.execute(
            sa.select(audit.c.action, audit.c.account_unit)
            .where(audit.c.resource == "submission", audit.c.resource_id == str(sid))
            .order_by(audit.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("approve", CITY),
        ("accept", PROVINCE),
        ("approve", PROVINCE),
        ("accept", NATION),
        ("unaccept", NATION),
        ("unapprove", PROVINCE),
        ("unaccept", PROVINCE),
        ("unapprove", CITY),
        ("return", CITY),
    ]


def test_the_api_offers_the_steps_and_lists_what_awaits_a_unit(service: Service) -> None:
    sid = _new_submission(service)
    with service.begin() as conn:
        tokens = {n: acc.issue_token(conn, _account(service, n)) for n in ("city", "province")}
    with TestClient(create_app(service.settings, service=service)) as client:

        def post(who: str, action: str) -> Any:
            return client.post(
                f"/api/v1/submissions/{sid}/{action}",
                headers={"Authorization": f"Bearer {tokens[who]}"},
            )

        def awaiting(who: str) -> list[int]:
            r = client.get(
                "/api/v1/submissions",
                params={"awaiting_me": True, "limit": 500},
                headers={"Authorization": f"Bearer {tokens[who]}"},
            )
            assert r.status_code == 200, r.text
            return [s["id"] for s in r.json()["items"]]

        assert sid in awaiting("city") and sid not in awaiting("province")
        assert post("province", "accept").status_code == 403
        assert post("city", "approve").status_code == 200
        assert sid in awaiting("province") and sid not in awaiting("city")
        got = post("province", "accept")
        assert got.status_code == 200
        assert (got.json()["approval_level"], got.json()["accepted"]) == (CITY, True)
        assert post("city", "unapprove").status_code == 409  # accepted above
        assert post("province", "unaccept").status_code == 200
        assert post("city", "unapprove").json()["status"] == "submitted"
        assert post("province", "unapprove").status_code == 403


#: The model: (status, level, accepted) and who may do what, written out by hand.
PARENT = {COUNTY: CITY, CITY: PROVINCE, PROVINCE: NATION, NATION: None}
CHILD = {CITY: COUNTY, PROVINCE: CITY, NATION: PROVINCE}


RANK = {NATION: 0, PROVINCE: 1, CITY: 2, COUNTY: 3}


def _expected(state: tuple[str, str, bool], who: str, action: str) -> tuple[str, str, bool] | str:
    status, level, accepted = state
    unit, roles = ACCOUNTS[who]
    if unit not in RANK:  # beside the county's chain: it does not exist for them
        return "unknown-submission"
    if "staff" not in roles or unit == COUNTY:
        return "forbidden"
    actor = level if action == "unapprove" else (None if status == "returned" else PARENT[level])
    if actor is not None and RANK[unit] < RANK[actor]:  # further up than whose turn it is
        return "forbidden"
    if actor != unit:
        return "not-awaiting"
    if action == "approve" and (status == "submitted" or (status == "approved" and accepted)):
        return ("approved", actor, False)
    if action == "return" and status == "submitted":
        return ("returned", level, False)
    if action == "accept" and status == "approved" and not accepted:
        return (status, level, True)
    if action == "unaccept" and status == "approved" and accepted:
        return (status, level, False)
    if action == "unapprove" and status == "approved" and not accepted and level != COUNTY:
        down = CHILD[level]
        return ("submitted", COUNTY, False) if down == COUNTY else (status, down, True)
    return "not-awaiting"


@given(steps=st.lists(st.tuples(st.sampled_from(list(ACCOUNTS)), st.sampled_from(ACTIONS))))
def test_an_approval_is_only_ever_recorded_by_the_unit_directly_above(
    service: Service, steps: list[tuple[str, str]]
) -> None:
    sid = _new_submission(service)
    state: tuple[str, str, bool] = ("submitted", COUNTY, False)
    for who, action in steps:
        expected = _expected(state, who, action)
        got = _do(service, who, sid, action)
        if isinstance(got, dict):
            got_state = (got["status"], got["approval_level"] or COUNTY, got["accepted"])
            assert got_state == expected, (who, action, state)
            state = got_state
        else:
            assert got == expected, (who, action, state)
    with service.read() as conn:
        rows = conn.execute(
            sa.select(audit.c.account_unit, audit.c.detail).where(
                audit.c.action == "approve", audit.c.resource_id == str(sid)
            )
        ).all()
    for unit, detail in rows:
        before, after = detail["level"]
        assert unit == PARENT[before] == after  # directly above the level it approved
