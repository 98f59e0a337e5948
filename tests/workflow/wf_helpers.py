"""Builders shared by the workflow tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao.errors import DudaoError
from dudao.store import CaseStore
from dudao.workflow import (
    Accountability,
    CaseState,
    DefaultPolicies,
    Event,
    Feedback,
    FeedbackMode,
    Interview,
    Investigation,
    LawBookPolicies,
    Notice,
    Opened,
    RectificationOrdered,
    Reinspected,
    Review,
    Statement,
    Step,
    SupervisionOrder,
    apply,
)

ACTOR = "南宁市人民政府教育督导室"
TARGET = "450103"
INVITEES = ("南宁市纪委监委", "市委组织部", "市绩效办")
PARTICIPANTS = ("南宁市纪委监委", "市委组织部")
# What Guangxi requires a 约谈 and a 通报 to state (厅发〔2020〕26号 二（十二）、二（十三））
FILED_WITH = ("所在地党委和政府", "上级主管部门")
CONSEQUENCES = ("no_commendation", "no_promotion")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ev(step: Step, date: str, payload: object = None, case: str = "C1", **kw: object) -> Event:
    extra = {"payload": payload} if payload is not None else {}
    return Event(case, step, d(date), ACTOR, kw.pop("target", TARGET), **extra, **kw)


def opened(date: str = "2023-03-01", case: str = "C1", target: str = TARGET, **kw: object) -> Event:
    return ev(Step.OPENED, date, Opened(**kw), case=case, target=target)


def meeting(date: str, case: str = "C1") -> Event:
    return ev(Step.FEEDBACK, date, Feedback(FeedbackMode.MEETING, INVITEES), case=case)


def ordered(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(Step.RECTIFICATION_ORDERED, date, RectificationOrdered(d(deadline)), case=case)


def reinspected(date: str, passed: bool, case: str = "C1") -> Event:
    return ev(Step.REINSPECTED, date, Reinspected(passed, unannounced=True), case=case)


def supervision(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(
        Step.SUPERVISION_ORDER, date, SupervisionOrder(d(deadline), "青秀区教育局"), case=case
    )


def interview(date: str, deadline: str, case: str = "C1", **kw: object) -> Event:
    payload = Interview(d(deadline), PARTICIPANTS, record_filed_with=FILED_WITH)
    return ev(Step.INTERVIEW, date, payload, case=case, **kw)


def notice(date: str, deadline: str, case: str = "C1", **kw: object) -> Event:
    payload = Notice(d(deadline), FILED_WITH, CONSEQUENCES)
    return ev(Step.NOTICE, date, payload, case=case, **kw)


def accountability(date: str, published: bool = True, case: str = "C1") -> Event:
    return ev(Step.ACCOUNTABILITY, date, Accountability(["通报批评"], published), case=case)


def record(events: list[Event], policies: object = None) -> CaseState:
    """Replay with the step policy checked (default: the built-in, national one), as
    the store records events."""
    state, policies = CaseState(), policies or DefaultPolicies()
    for e in events:
        state = apply(state, e, policies.for_event(state, e))  # type: ignore[attr-defined]
    return state


def installed_policies() -> LawBookPolicies:
    """The step policies of the installed plugins (Guangxi's among them)."""
    from dudao.plugins.manager import load_plugins

    return LawBookPolicies(load_plugins().law_book())


# ---- the 2021 procedure (国教督〔2021〕2号): cases opened from 2021-09-01
def investigation(date: str, responsible: bool = True, case: str = "C1") -> Event:
    group = "南宁市教育督导问责调查认定工作组"
    return ev(Step.INVESTIGATION, date, Investigation(responsible, group=group), case=case)


def statement(date: str, case: str = "C1") -> Event:
    return ev(Step.STATEMENT, date, Statement("对认定的事实无异议，请求从轻"), case=case)


def decision(date: str, published: bool = True, case: str = "C1") -> Event:
    payload = Accountability(
        ["约谈", "督导通报"],
        published,
        facts="整改期满仍未完成校舍安全隐患整改",
        basis="国教督〔2021〕2号",
        effective=d(date),
    )
    return ev(Step.ACCOUNTABILITY, date, payload, case=case)


def review(
    date: str, applied: str, kind: str = "review", outcome: str = "upheld", **kw: object
) -> Event:
    case = str(kw.pop("case", "C1"))
    return ev(Step.REVIEW, date, Review(d(applied), kind, outcome, **kw), case=case)


# ---- writers run in other processes by tests/workflow/test_store.py
def shared_writer(path: str, worker: int, n: int) -> None:
    # Everyone advances one shared case through re-inspection loops; the
    # replayed state must serialise them.
    store = CaseStore.open(path)
    done = 0
    while done < n:
        try:
            state = store.case("S").state
            nxt = _next_loop_event(state)
            store.append("S", nxt)
            done += 1
        except DudaoError:
            continue  # another writer moved the case first; re-read and retry
        store.append_many([opened(case=f"W{worker}-{done}")])


def _next_loop_event(state: CaseState) -> Event:
    assert state.last_date is not None
    date = state.last_date.isoformat()
    if state.last is Step.RECTIFICATION_REPORTED:
        return reinspected(date, False, case="S")
    if state.last is Step.REINSPECTED:
        return supervision(date, "2099-01-01", case="S")
    return ev(Step.RECTIFICATION_REPORTED, date, case="S")


def racing_opener(url: str, worker: int, results: Any) -> None:
    # Every worker opens the same new case, then ten cases numbered by the store.
    store = CaseStore.open(url)
    try:
        store.open_case("450103", d("2023-03-01"), actor=ACTOR, case_id="X")
        results.put((worker, "opened"))
    except DudaoError as exc:
        results.put((worker, ",".join(exc.codes)))
    for _ in range(10):
        rec = store.open_case("450103", d("2023-03-01"), actor=ACTOR)
        results.put((worker, rec.case_id))
