"""Scope, on SQLite and PostgreSQL, through the running service: an account reads and
writes inside its subtree, never above or beside it; a unit's submission is approved
by the level above, never by the unit itself (issue 14, "Done when")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

BUDGET = b"jurisdiction,year,amount\n%s,2023,12.5\n"


def submit(client: httpx.Client, unit: str, body: bytes | None = None) -> httpx.Response:
    return client.post(
        "/api/v1/submissions",
        data={"unit": unit, "year": "2023"},
        files=[("files", ("budgets.csv", body or BUDGET % unit.encode()))],
    )


def open_case(client: httpx.Client, target: str, **extra: Any) -> httpx.Response:
    return client.post(
        "/api/v1/cases", json={"target": target, "date": "2023-03-01", "summary": "测试", **extra}
    )


def codes(r: httpx.Response) -> list[str]:
    return [p["code"] for p in r.json()["problems"]]


def test_city_reads_and_writes_inside_and_nothing_of_another_city(live: Any) -> None:
    nn, lz = live.client("nn-staff"), live.client("lz-staff")
    # inside 450100: a county's unit, a case on it, its events
    assert nn.get("/api/v1/units/450103").status_code == 200
    made = open_case(nn, "450103")
    assert made.status_code == 201, made.text
    case_id = made.json()["case"]["case_id"]
    assert nn.get(f"/api/v1/cases/{case_id}").status_code == 200
    step = nn.post(
        f"/api/v1/cases/{case_id}/events",
        headers={"If-Match": made.headers["ETag"]},
        json={"step": "feedback", "date": "2023-03-05", "payload": {"mode": "written"}},
    )
    assert step.status_code == 201, step.text
    # 450200 (柳州市): its unit, its case, a write into it
    other = open_case(lz, "450202")
    assert other.status_code == 201, other.text
    other_id = other.json()["case"]["case_id"]
    assert nn.get("/api/v1/units/450200").status_code == 404
    assert nn.get("/api/v1/units/450202/children").status_code == 404
    assert nn.get(f"/api/v1/cases/{other_id}").status_code == 404
    assert open_case(nn, "450202").status_code in (403, 404)
    wrote = nn.post(
        f"/api/v1/cases/{other_id}/events",
        headers={"If-Match": other.headers["ETag"]},
        json={"step": "feedback", "date": "2023-03-05", "payload": {"mode": "written"}},
    )
    assert wrote.status_code == 404
    assert lz.get(f"/api/v1/cases/{other_id}").json()["case"]["events"] == 1  # unchanged
    assert submit(nn, "450202").status_code in (403, 404)
    listed = {c["case_id"] for c in nn.get("/api/v1/cases", params={"limit": 500}).json()["items"]}
    assert case_id in listed and other_id not in listed
    assert nn.get("/api/v1/cases", params={"unit": "450200"}).status_code == 404
    # nor upwards: the province is not in a city's scope
    assert nn.get("/api/v1/units/450000").status_code == 404


def test_province_reads_both_cities(live: Any) -> None:
    nn, lz, gx = live.client("nn-staff"), live.client("lz-staff"), live.client("gx-staff")
    a = open_case(nn, "450102").json()["case"]["case_id"]
    b = open_case(lz, "450203").json()["case"]["case_id"]
    assert gx.get(f"/api/v1/cases/{a}").status_code == 200
    assert gx.get(f"/api/v1/cases/{b}").status_code == 200
    assert gx.get("/api/v1/units/450100").status_code == 200
    assert gx.get("/api/v1/units/450200").status_code == 200
    listed = {c["case_id"] for c in gx.get("/api/v1/cases", params={"limit": 500}).json()["items"]}
    assert {a, b} <= listed


def test_a_county_cannot_approve_its_own_submission(live: Any) -> None:
    qx, nn, gx = live.client("qx-staff"), live.client("nn-staff"), live.client("gx-staff")
    made = submit(qx, "450103")
    assert made.status_code == 201, made.text
    sub = made.json()
    assert (sub["status"], sub["approver_unit"]) == ("submitted", "450100")
    own = qx.post(f"/api/v1/submissions/{sub['id']}/approve")
    assert own.status_code == 403 and codes(own) == ["forbidden"]
    # the province is above, but not the level directly above
    assert gx.post(f"/api/v1/submissions/{sub['id']}/approve").status_code == 403
    assert qx.get(f"/api/v1/submissions/{sub['id']}").json()["status"] == "submitted"
    done = nn.post(f"/api/v1/submissions/{sub['id']}/approve")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    again = nn.post(f"/api/v1/submissions/{sub['id']}/approve")
    assert again.status_code == 409 and codes(again) == ["not-awaiting"]
    # another city sees nothing of it
    assert live.client("lz-staff").get(f"/api/v1/submissions/{sub['id']}").status_code == 404


def test_a_return_needs_a_reason_and_a_new_version_follows(live: Any) -> None:
    qx, nn = live.client("qx-staff"), live.client("nn-staff")
    first = submit(qx, "450103").json()
    no_reason = nn.post(f"/api/v1/submissions/{first['id']}/return", json={})
    assert no_reason.status_code == 422
    back = nn.post(f"/api/v1/submissions/{first['id']}/return", json={"reason": "金额有误"})
    assert back.json()["status"] == "returned" and back.json()["reason"] == "金额有误"
    second = submit(qx, "450103").json()
    assert second["version"] == first["version"] + 1


def test_an_upload_is_refused_with_located_problems(live: Any) -> None:
    qx = live.client("qx-staff")
    bad = submit(qx, "450103", b"jurisdiction,year,amount\n450103,2023,abc\n")
    assert bad.status_code == 422
    (p,) = bad.json()["problems"]
    assert (p["source"], p["row"], p["path"]) == ("budgets.csv", 2, ["amount"])
    beside = submit(qx, "450103", b"jurisdiction,year,amount\n450102,2023,1\n")
    assert beside.status_code == 422 and codes(beside) == ["out-of-scope"]
    assert beside.json()["problems"][0]["row"] == 2  # the file's line, header being 1
    unknown = qx.post(
        "/api/v1/submissions",
        data={"unit": "450103", "year": "2023"},
        files=[("files", ("../../etc/passwd", b"x"))],
    )
    assert unknown.status_code == 422 and codes(unknown) == ["unknown-file"]


def test_case_steps_go_from_the_level_above_with_if_match(live: Any) -> None:
    nn, qx = live.client("nn-staff"), live.client("qx-staff")
    made = open_case(nn, "450103")
    cid, tag = made.json()["case"]["case_id"], made.headers["ETag"]
    # a county cannot open a case on itself nor issue a step to itself
    assert open_case(qx, "450103").status_code == 403
    feedback = {"step": "feedback", "date": "2023-03-05", "payload": {"mode": "written"}}
    by_self = qx.post(f"/api/v1/cases/{cid}/events", headers={"If-Match": tag}, json=feedback)
    assert by_self.status_code == 403
    assert nn.post(f"/api/v1/cases/{cid}/events", json=feedback).status_code == 428
    stale = nn.post(f"/api/v1/cases/{cid}/events", headers={"If-Match": '"x.0"'}, json=feedback)
    assert stale.status_code == 412
    ok = nn.post(f"/api/v1/cases/{cid}/events", headers={"If-Match": tag}, json=feedback)
    assert ok.status_code == 201 and ok.headers["ETag"] != tag
    assert ok.json()["events"][-1]["citation"]  # every step is cited
    order = {
        "step": "rectification_ordered",
        "date": "2023-03-06",
        "payload": {"deadline": "2023-06-30", "requirements": ["补齐督学"]},
    }
    ordered = nn.post(
        f"/api/v1/cases/{cid}/events", headers={"If-Match": ok.headers["ETag"]}, json=order
    )
    assert ordered.status_code == 201, ordered.text
    # the same If-Match again: the case moved on, nothing recorded
    again = nn.post(f"/api/v1/cases/{cid}/events", headers={"If-Match": tag}, json=feedback)
    assert again.status_code == 412
    # the county reports its rectification itself
    report = {"step": "rectification_reported", "date": "2023-06-20", "payload": {}}
    reported = qx.post(
        f"/api/v1/cases/{cid}/events", headers={"If-Match": ordered.headers["ETag"]}, json=report
    )
    assert reported.status_code == 201, reported.text
    assert [e["step"] for e in reported.json()["events"]] == [
        "opened",
        "feedback",
        "rectification_ordered",
        "rectification_reported",
    ]


def test_overdue_rectifications_are_listed_for_the_level_above(live: Any) -> None:
    nn, qx = live.client("nn-staff"), live.client("qx-staff")
    made = open_case(nn, "450103")
    cid, tag = made.json()["case"]["case_id"], made.headers["ETag"]
    for step in (
        {"step": "feedback", "date": "2023-03-05", "payload": {"mode": "written"}},
        {
            "step": "rectification_ordered",
            "date": "2023-03-06",
            "payload": {"deadline": "2023-04-30"},
        },
    ):
        r = nn.post(f"/api/v1/cases/{cid}/events", headers={"If-Match": tag}, json=step)
        assert r.status_code == 201, r.text
        tag = r.headers["ETag"]
    above = nn.get("/api/v1/cases/overdue", params={"as_of": "2023-05-10", "limit": 500}).json()
    row = next(o for o in above["items"] if o["case_id"] == cid)
    assert (row["days"], row["due"]) == (10, "supervision_order")
    own = qx.get("/api/v1/cases/overdue", params={"as_of": "2023-05-10", "limit": 500}).json()
    assert cid not in {o["case_id"] for o in own["items"]}


@pytest.mark.regional
def test_analysis_runs_on_approved_data_and_routes_findings(live: Any) -> None:
    from dudao import api
    from dudao.examples import example_path
    from dudao.server.submissions import import_dataset

    import_dataset(live.service, example_path("nanning"))
    expected = api.check(example_path("nanning"), live.service.plugins).findings
    nn, lz = live.client("nn-staff"), live.client("lz-staff")
    city = nn.get("/api/v1/analysis/450100/findings", params={"limit": 500}).json()
    assert city["data"]["unit"] == "450100"
    assert [(f["rule"], f["target"]) for f in city["items"]] == list(
        zip(expected["rule"], expected["target"], strict=True)
    )
    county = nn.get("/api/v1/analysis/450126/findings", params={"limit": 500}).json()
    assert county["total"] and all(f["jurisdiction"] == "450126" for f in county["items"])
    assert lz.get("/api/v1/analysis/450100/findings").status_code == 404
    plans = nn.get(
        "/api/v1/analysis/450100/plans", params={"limit": 500, "as_of": "2022-12-31"}
    ).json()
    assert any(t["task"] == "county-plans-filed" for t in plans["items"])
    routed = nn.post("/api/v1/analysis/450100/cases", json={"date": "2023-03-10"}).json()
    # one case per (unit below the city, rule) among the errors: never the city itself
    targets = {nn.get(f"/api/v1/cases/{c}").json()["case"]["target"] for c in routed["opened"]}
    errors = {(f["jurisdiction"], f["rule"]) for f in city["items"] if f["severity"] == "error"}
    assert len(routed["opened"]) == len({e for e in errors if e[0] != "450100"})
    assert "450100" not in targets and "450126" in targets
    again = nn.post("/api/v1/analysis/450100/cases", json={"date": "2023-03-10"}).json()
    assert again["opened"] == [] and sorted(again["skipped"]) == sorted(routed["opened"])


@pytest.mark.regional
def test_deadlines_come_from_the_plans_in_scope(live: Any) -> None:
    nn = live.client("nn-staff")
    county = nn.get("/api/v1/submissions/deadlines", params={"unit": "450103", "year": 2022})
    assert [d["deadline"] for d in county.json()["deadlines"]] == ["2022-04-09"]
    assert county.json()["deadlines"][0]["cite"] == "南府督委办〔2022〕7号"
    lz = live.client("lz-staff")
    other = lz.get("/api/v1/submissions/deadlines", params={"unit": "450202", "year": 2022})
    assert other.json()["deadlines"] == []  # Nanning's plan binds Nanning only


def test_lists_are_paginated(live: Any) -> None:
    gx = live.client("gx-staff")
    whole = gx.get("/api/v1/units", params={"limit": 500}).json()
    first = gx.get("/api/v1/units", params={"limit": 2, "offset": 0}).json()
    second = gx.get("/api/v1/units", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == whole["total"] > 4
    assert [u["code"] for u in first["items"] + second["items"]] == [
        u["code"] for u in whole["items"][:4]
    ]
    assert gx.get("/api/v1/units", params={"limit": 0}).status_code == 422


def test_dates_in_payloads_are_checked(live: Any) -> None:
    nn = live.client("nn-staff")
    made = open_case(nn, "450105")
    cid, tag = made.json()["case"]["case_id"], made.headers["ETag"]
    before = nn.post(
        f"/api/v1/cases/{cid}/events",
        headers={"If-Match": tag},
        json={"step": "feedback", "date": "2023-02-01", "payload": {"mode": "written"}},
    )
    assert before.status_code == 422  # a step before the case was opened
    assert nn.get(f"/api/v1/cases/{cid}").json()["case"]["events"] == 1
    assert dt.date.fromisoformat(made.json()["case"]["last_date"]) == dt.date(2023, 3, 1)


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/units", "/api/v1/submissions"])
def test_nothing_without_signing_in(live: Any, path: str) -> None:
    r = httpx.get(live.url + path)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    bad = httpx.get(live.url + path, headers={"Authorization": "Bearer dd_nope"})
    assert bad.status_code == 401 and codes(bad) == ["bad-token"]


@pytest.mark.regional
def test_a_submission_after_a_plan_deadline_is_marked_late(live: Any) -> None:
    qx = live.client("qx-staff")
    late = qx.post(
        "/api/v1/submissions",
        data={"unit": "450103", "year": "2022"},
        files=[("files", ("budgets.csv", b"jurisdiction,year,amount\n450103,2022,3\n"))],
    ).json()
    # 南府督委办〔2022〕7号: counties file their 2022 plans by 9 April 2022
    assert [d["task"] for d in late["late"]] == ["通知/county-plans-filed"]
    lz = live.client("cz-staff")
    other = lz.post(
        "/api/v1/submissions",
        data={"unit": "450202", "year": "2022"},
        files=[("files", ("budgets.csv", b"jurisdiction,year,amount\n450202,2022,3\n"))],
    ).json()
    assert other["late"] == []


def test_outside_the_scope_is_answered_as_missing(live: Any) -> None:
    nn, lz = live.client("nn-staff"), live.client("lz-staff")
    theirs = open_case(lz, "450203").json()["case"]["case_id"]
    hidden, missing = nn.get(f"/api/v1/cases/{theirs}"), nn.get("/api/v1/cases/NO-SUCH-CASE")
    assert hidden.status_code == missing.status_code == 404
    assert codes(hidden) == codes(missing) == ["unknown-case"]
    sub = submit(live.client("cz-staff"), "450202").json()["id"]
    hidden, missing = nn.get(f"/api/v1/submissions/{sub}"), nn.get("/api/v1/submissions/999999")
    assert codes(hidden) == codes(missing) == ["unknown-submission"]
    hidden, missing = nn.get("/api/v1/units/450200"), nn.get("/api/v1/units/999999")
    assert codes(hidden) == codes(missing) == ["unknown-unit"]
