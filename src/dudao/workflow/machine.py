"""The accountability state machine: a case's state is a fold over its events.

Transitions, from the last recorded step. The order is the national one — the
条例's 督导报告 and 反馈, and the 意见's rules for using results (报告、反馈、整改、复查、
激励、约谈、通报、问责; Guangxi's 厅发〔2020〕26号 二（七）–（十四） spells them out);
what a step must carry in a region is its policy (:mod:`dudao.workflow.policy`):

* (nothing) → 立案
* 立案 → 督导报告 | 反馈; a case opened on a severe trigger (a ``direct`` 问责情景)
  → 问责 only
* 督导报告 → 反馈
* 反馈 → 下达整改 | 表彰 (excellent result, nothing to rectify)
* 下达整改, 督办单, 约谈, 通报 (a deadline is pending) → 报告整改; once the
  deadline has passed also an escalation step (督办单 | 约谈 | 通报 | 问责)
* 报告整改 → 复查 | an escalation step (the report shows 整改不到位)
* 复查 passed → 结案 | 表彰 (only if never escalated); failed → an escalation step
* 问责 → 报告整改 | 结案 (only when the result was published); a region may
  require 报告整改 and a passed 复查 first (``workflow.closed.reinspection``)
* 表彰 → 结案; 结案 → nothing

For a case opened from 2021-09-01 (when 《教育督导问责办法》 国教督〔2021〕2号
came into force) 问责 follows that procedure: wherever 问责 would be next,
调查认定 is instead; then

* 调查认定 finding responsibility → 陈述申辩; finding none → 报告整改 | 结案
* 陈述申辩 → 问责 (the decision) | 结案 (不予问责)
* 问责 → 复核申诉 | 报告整改 | 结案
* 复核 → 申诉 | 报告整改 | 结案; 申诉 → 报告整改 | 结案 (结案 needs the decision
  published, or revoked on review)

A case opened earlier keeps the 2020 path to its end, so the meaning of a
recorded history never depends on when it is replayed.

Escalation never goes backwards: an escalation step's rank (督办单 1, 约谈 2,
通报 3, 问责 4) is at least the case's current rank; repeating a rank (a second
督办单) and skipping ranks (the committee may choose a heavier form) are allowed.

>>> import datetime as dt
>>> from dudao.workflow.steps import Event, Opened, Step
>>> s = replay([Event("C1", Step.OPENED, dt.date(2023, 3, 1), "督导室", "450103",
...                   payload=Opened())])
>>> s.status, [x.label for x in allowed_next(s)]
('立案', ['督导报告', '反馈'])
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from dudao.errors import DudaoError, Problem
from dudao.workflow.steps import (
    ESCALATION,
    ESCALATION_STEPS,
    MEASURES_2021,
    MEASURES_2021_SINCE,
    PROCEDURE_2021_STEPS,
    Event,
    ReviewKind,
    ReviewOutcome,
    Step,
)

if TYPE_CHECKING:
    from dudao.workflow.policy import Policy

#: Steps after which a rectification deadline is pending.
DEADLINE_STEPS = frozenset(
    {Step.RECTIFICATION_ORDERED, Step.SUPERVISION_ORDER, Step.INTERVIEW, Step.NOTICE}
)
#: The step due when the deadline set at each rank has passed (rank = index).
DUE_BY_RANK: tuple[Step, ...] = (
    Step.SUPERVISION_ORDER,
    Step.INTERVIEW,
    Step.NOTICE,
    Step.ACCOUNTABILITY,
)


@attrs.frozen
class CaseState:
    """What the events of one case add up to."""

    case_id: str | None = None
    target: str | None = None
    last: Step | None = None
    last_date: dt.date | None = None
    count: int = 0
    rank: int = 0  # highest escalation reached: 0 none … 4 问责
    deadline: dt.date | None = None  # the pending rectification deadline
    severe: str | None = None  # the severe trigger the case was opened on
    passed: bool | None = None  # outcome of the last 复查
    published: bool | None = None  # whether the last 问责 result was published
    closed: bool = False
    opened_on: dt.date | None = None  # decides the procedure (2020 or 2021)
    found: bool | None = None  # outcome of the last 调查认定 (应当问责)
    reviewed: str | None = None  # kind of the last 复核/申诉 since the decision
    revoked: bool = False  # the decision was revoked on 复核/申诉

    @property
    def procedure(self) -> int:
        """2021 for a case opened from 2021-09-01 (国教督〔2021〕2号), else 2020."""
        if self.opened_on is not None and self.opened_on >= MEASURES_2021_SINCE:
            return 2021
        return 2020

    @property
    def status(self) -> str:
        """The state in Chinese, as users see it."""
        if self.last is None:
            return "未立案"
        if self.last is Step.REINSPECTED:
            return "复查通过" if self.passed else "复查未通过"
        if self.last is Step.INVESTIGATION:
            return "认定应当问责" if self.found else "认定不予问责"
        if self.last is Step.REVIEW and self.reviewed:
            return ReviewKind.parse(self.reviewed).label + ("（撤销）" if self.revoked else "")
        return self.last.label

    def due(self) -> Step | None:
        """The step due once the pending deadline passes (督办单 after 下达整改 …)."""
        if self.deadline is None or self.closed:
            return None
        return due_step(self.rank, self.procedure)


def due_step(rank: int, procedure: int) -> Step:
    """The step due when a deadline set at ``rank`` passes (问责 opens with 调查认定
    under the 2021 procedure)."""
    step = DUE_BY_RANK[min(rank, 3)]
    if step is Step.ACCOUNTABILITY and procedure == 2021:
        return Step.INVESTIGATION
    return step


@functools.cache
def _escalations(floor: int, procedure: int) -> tuple[Step, ...]:
    # a handful of (rank, procedure) pairs exist: computed once each
    skip = Step.ACCOUNTABILITY if procedure == 2021 else Step.INVESTIGATION
    return tuple(s for s in ESCALATION_STEPS if ESCALATION[s] >= max(floor, 1) and s is not skip)


def allowed_next(state: CaseState, on: dt.date | None = None) -> list[Step]:
    """The steps that may be recorded next; ``on`` (the event date) decides
    whether a pending deadline has passed (without it, escalation is listed)."""
    last = state.last
    if last is None:
        return [Step.OPENED]
    if state.closed:
        return []
    p = state.procedure
    if last is Step.OPENED:
        if state.severe:
            return [Step.INVESTIGATION if p == 2021 else Step.ACCOUNTABILITY]
        return [Step.REPORTED, Step.FEEDBACK]
    if last is Step.REPORTED:
        return [Step.FEEDBACK]
    if last is Step.FEEDBACK:
        return [Step.RECTIFICATION_ORDERED, Step.COMMENDED]
    if last in DEADLINE_STEPS:
        late = on is None or (state.deadline is not None and on > state.deadline)
        return [Step.RECTIFICATION_REPORTED, *(_escalations(state.rank, p) if late else [])]
    if last is Step.RECTIFICATION_REPORTED:
        return [Step.REINSPECTED, *_escalations(state.rank, p)]
    if last is Step.REINSPECTED:
        if state.passed:
            return [Step.CLOSED, *([Step.COMMENDED] if state.rank == 0 else [])]
        return [*_escalations(state.rank, p)]
    if last is Step.INVESTIGATION:
        return [Step.STATEMENT] if state.found else [Step.RECTIFICATION_REPORTED, Step.CLOSED]
    if last is Step.STATEMENT:
        return [Step.ACCOUNTABILITY, Step.CLOSED]
    if last is Step.ACCOUNTABILITY:
        review = [Step.REVIEW] if p == 2021 else []
        return [*review, Step.RECTIFICATION_REPORTED, Step.CLOSED]
    if last is Step.REVIEW:
        again = [Step.REVIEW] if state.reviewed == ReviewKind.REVIEW.value else []
        return [*again, Step.RECTIFICATION_REPORTED, Step.CLOSED]
    if last is Step.COMMENDED:
        return [Step.CLOSED]
    raise AssertionError(last)  # pragma: no cover - every step is handled above


def _labels(steps: Iterable[Step]) -> str:
    return "、".join(s.label for s in steps) or "（无）"


def step_problem(state: CaseState, step: Step, on: dt.date, case_id: str) -> Problem | None:
    """Why ``step`` may not be recorded next on ``on`` (None when it may): the state,
    and what may be recorded instead."""
    allowed = allowed_next(state, on)
    if step in allowed:
        return None
    if state.last is None:
        hint = "先立案（dudao cases open），或检查案件编号"
    elif state.closed:
        hint = "案件已结案，不能再记录事件；如需继续，请另立新案"
    elif step in ESCALATION and step in allowed_next(state):
        hint = (
            f"整改期限 {state.deadline} 尚未届满，不能以整改不及时为由升级；"
            f"现在可以记录：{_labels(allowed)}"
        )
    elif step in ESCALATION and ESCALATION[step] < state.rank:
        hint = f"问责只能逐级加重，不能回退；现在可以记录：{_labels(allowed)}"
    elif state.procedure == 2021 and step is Step.ACCOUNTABILITY:
        hint = (
            f"本案立案于 {state.opened_on}，按《教育督导问责办法》（{MEASURES_2021}，"
            f"{MEASURES_2021_SINCE} 起施行）须先调查认定、听取陈述申辩，再作问责决定；"
            f"现在可以记录：{_labels(allowed)}"
        )
    elif state.procedure == 2020 and step in PROCEDURE_2021_STEPS:
        hint = (
            f"本案立案于 {state.opened_on}，早于《教育督导问责办法》（{MEASURES_2021}）"
            f"施行之日 {MEASURES_2021_SINCE}，沿用此前的程序（问责不经调查认定、陈述申辩）；"
            f"现在可以记录：{_labels(allowed)}"
        )
    elif step is Step.CLOSED:
        hint = f"复查通过或问责结束后才能结案；现在可以记录：{_labels(allowed)}"
    else:
        hint = f"现在可以记录：{_labels(allowed)}"
    return Problem(
        f"案件 {case_id} 当前状态为“{state.status}”，不能记录“{step.label}”",
        code="step-not-allowed",
        hint=hint,
    )


def check(state: CaseState, event: Event, policy: Policy | None = None) -> list[Problem]:
    """Every reason ``event`` may not follow ``state`` (empty when it may).

    ``policy`` adds the requirements in force where and when the event is
    recorded (:func:`dudao.workflow.policy.default_policy` or a region's, from
    the law book); without it only the procedure itself is checked.
    """
    problems: list[Problem] = []
    cid = event.case_id
    if state.case_id is not None and cid != state.case_id:
        problems.append(Problem(f"事件属于案件 {cid}，不属于 {state.case_id}", code="wrong-case"))
    out_of_order = step_problem(state, event.step, event.date, cid)
    if out_of_order is not None:
        problems.append(out_of_order)
    if state.last_date is not None and event.date < state.last_date:
        problems.append(
            Problem(
                f"事件日期 {event.date} 早于上一事件的日期 {state.last_date}",
                code="date-before-previous",
                hint="按发生顺序记录事件；日期不能倒退",
            )
        )
    if state.target is not None and event.target != state.target:
        problems.append(
            Problem(
                f"被督导单位 {event.target} 与案件的被督导单位 {state.target} 不一致",
                code="wrong-target",
            )
        )
    problems += _check_payload(state, event)
    if policy is not None:
        problems += policy.check(state, event)
    return problems


def _check_payload(state: CaseState, event: Event) -> list[Problem]:
    """What the procedure itself requires of a payload, wherever the case is.
    Requirements a region may refine (invitees, deadline days, required fields,
    review windows) are in :mod:`dudao.workflow.policy`."""
    p = event.payload
    out: list[Problem] = []
    deadline = event.deadline
    if deadline is not None and deadline <= event.date:
        out.append(
            Problem(
                f"整改期限 {deadline} 不晚于设定它的事件日期 {event.date}",
                code="deadline-not-after-event",
                hint="期限应在下达之日以后",
            )
        )
    if event.step is Step.SUPERVISION_ORDER and not p.supervising_department.strip():
        out.append(
            Problem(
                "督办单未写明被督导单位的主管部门",
                code="missing-supervising-department",
                hint=f"主管部门承担监督责任，整改不力的负连带责任（{MEASURES_2021}）",
            )
        )
    if event.step is Step.ACCOUNTABILITY and not p.forms:
        out.append(Problem("问责未写明问责方式", code="missing-forms"))
    if event.step is Step.REVIEW:
        out += _check_review(state, event)
    closing = event.step is Step.CLOSED and state.last in (Step.ACCOUNTABILITY, Step.REVIEW)
    if closing and not state.published and not state.revoked:
        out.append(
            Problem(
                "问责结果尚未向社会公布，不能结案",
                code="accountability-unpublished",
                hint=f"问责决定按情节轻重在相应范围公开（{MEASURES_2021}）；公开后再结案",
            )
        )
    return out


def _check_review(state: CaseState, event: Event) -> list[Problem]:
    p = event.payload
    out = []
    if state.last is Step.REVIEW and p.kind is ReviewKind.REVIEW:
        out.append(
            Problem(
                "已经复核过，不能再次复核",
                code="review-repeated",
                hint=f"对复核决定不服的，可以向上一级申诉（{MEASURES_2021}）",
            )
        )
    if state.last_date is not None and p.applied_on < state.last_date:
        out.append(
            Problem(
                f"{p.kind.label}申请日期 {p.applied_on} 早于它针对的决定（{state.last_date}）",
                code="review-before-decision",
            )
        )
    if p.applied_on > event.date:
        out.append(
            Problem(
                f"{p.kind.label}申请日期 {p.applied_on} 晚于{p.kind.label}决定日期 {event.date}",
                code="review-after-decision",
                hint="事件日期是作出复核或申诉决定的日期，applied_on 是申请日期",
            )
        )
    if p.outcome is ReviewOutcome.CHANGED and not p.forms:
        out.append(
            Problem(
                f"{p.kind.label}变更了问责决定，却未写明变更后的问责方式",
                code="missing-forms",
                hint="给出 forms",
            )
        )
    return out


def fold(state: CaseState, event: Event) -> CaseState:
    """The state after ``event``, which must already have passed :func:`check`."""
    # Built directly rather than with attrs.evolve: fold runs once per event appended
    # or replayed, and evolve's generic field walk cost more than the rest of it.
    step = event.step
    p = event.payload
    case_id, target, severe, opened_on = state.case_id, state.target, state.severe, state.opened_on
    if step is Step.OPENED:
        case_id, target, opened_on = event.case_id, event.target, event.date
        severe = p.severe.value if p.severe else None
    rank = state.rank
    if step in ESCALATION:
        rank = max(rank, ESCALATION[step])
    deadline = state.deadline
    if step in DEADLINE_STEPS:
        deadline = event.deadline
    elif step is not Step.REINSPECTED:
        # Reporting, accountability or closing discharges the pending deadline.
        deadline = None
    passed, published, found = state.passed, state.published, state.found
    reviewed, revoked = state.reviewed, state.revoked
    if step is Step.REINSPECTED:
        passed = p.passed
    elif step is Step.INVESTIGATION:
        found = p.responsible
    elif step is Step.ACCOUNTABILITY:
        published, reviewed, revoked = p.published, None, False
    elif step is Step.REVIEW:
        reviewed, revoked = p.kind.value, p.outcome is ReviewOutcome.REVOKED
    return CaseState(
        case_id=case_id,
        target=target,
        last=step,
        last_date=event.date,
        count=state.count + 1,
        rank=rank,
        deadline=deadline,
        severe=severe,
        passed=passed,
        published=published,
        closed=state.closed or step is Step.CLOSED,
        opened_on=opened_on,
        found=found,
        reviewed=reviewed,
        revoked=revoked,
    )


def apply(state: CaseState, event: Event, policy: Policy | None = None) -> CaseState:
    """Check ``event`` against ``state`` (and ``policy``) and return the new state, or raise."""
    problems = check(state, event, policy)
    if problems:
        raise DudaoError(problems)
    return fold(state, event)


def replay(events: Sequence[Event] | Iterable[Event]) -> CaseState:
    """The state a case's events add up to. Each is checked against the procedure
    on the way; the step policy (regional requirements) was checked when the event
    was recorded, so a later change of a region's parameters never makes a
    recorded history unreadable."""
    state = CaseState()
    for event in events:
        state = apply(state, event)
    return state


@attrs.frozen
class Overdue:
    """A case whose pending deadline has passed, and the step now due."""

    case_id: str
    target: str
    status: str
    deadline: dt.date
    days: int
    due: Step


def overdue(states: Iterable[CaseState], as_of: dt.date) -> list[Overdue]:
    """Cases whose deadline passed before ``as_of`` (the deadline day itself is
    still in time), oldest deadline first. For a store use
    :meth:`dudao.store.CaseStore.overdue`, which asks the database instead."""
    rows = [
        Overdue(s.case_id or "", s.target or "", s.status, s.deadline, (as_of - s.deadline).days, d)
        for s in states
        if s.deadline is not None and (d := s.due()) is not None and s.deadline < as_of
    ]
    return sorted(rows, key=lambda o: (o.deadline, o.case_id))
