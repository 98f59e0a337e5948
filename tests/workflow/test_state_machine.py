"""Random event sequences against a simple model of 厅发〔2020〕26号 二（七）–（十四）.

Hypothesis proposes any step with any date and deadline; the store either
records it or refuses it. The model (written independently of the machine,
as phases) says which it should be, and after each step the invariants hold:
only allowed transitions happen, escalation never goes backwards, a case
closes only after a passed re-inspection, a published accountability or a
commendation, every event is cited, deadlines come after the events that set
them, and replaying the stored events reproduces the stored state.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from wf_helpers import ACTOR, INVITEES, PARTICIPANTS, TARGET

from dudao.errors import DudaoError
from dudao.store import CaseStore
from dudao.workflow import (
    PAYLOAD_TYPE,
    Accountability,
    Event,
    Feedback,
    FeedbackMode,
    Interview,
    Notice,
    Opened,
    RectificationOrdered,
    Reinspected,
    Step,
    SupervisionOrder,
    replay,
)

RANK = {"supervision_order": 1, "interview": 2, "notice": 3, "accountability": 4}
PENDING = {"rectification_ordered", "supervision_order", "interview", "notice"}


class Model:
    """The procedure as plain phases, for comparison."""

    def __init__(self) -> None:
        self.last: str | None = None
        self.date: dt.date | None = None
        self.rank = 0
        self.deadline: dt.date | None = None
        self.passed = False
        self.published = False
        self.severe = False

    def allows(self, step: str, date: dt.date) -> bool:
        if self.date is not None and date < self.date:
            return False
        last = self.last
        escalate = step in RANK and RANK[step] >= max(self.rank, 1)
        if last is None:
            return step == "opened"
        if last == "closed":
            return False
        if last == "opened":
            return step == "accountability" if self.severe else step in ("reported", "feedback")
        if last == "reported":
            return step == "feedback"
        if last == "feedback":
            return step in ("rectification_ordered", "commended")
        if last in PENDING:
            late = self.deadline is not None and date > self.deadline
            return step == "rectification_reported" or (escalate and late)
        if last == "rectification_reported":
            return step == "reinspected" or escalate
        if last == "reinspected":
            if self.passed:
                return step == "closed" or (step == "commended" and self.rank == 0)
            return escalate
        if last == "accountability":
            return step == "rectification_reported" or (step == "closed" and self.published)
        if last == "commended":
            return step == "closed"
        raise AssertionError(last)

    def record(self, e: Event) -> None:
        step = e.step.value
        if step == "closed":
            assert (self.last == "reinspected" and self.passed) or self.last in (
                "commended",
                "accountability",
            )
        self.rank = max(self.rank, RANK.get(step, 0))
        if step in PENDING:
            self.deadline = e.payload.deadline
        elif step != "reinspected":
            self.deadline = None
        if step == "opened":
            self.severe = e.payload.severe is not None
        self.passed = bool(getattr(e.payload, "passed", False))
        self.published = bool(getattr(e.payload, "published", False))
        self.last, self.date = step, e.date


def payload_for(step: Step, deadline: dt.date, flag: bool, severe: bool) -> object:
    if step is Step.OPENED:
        return Opened(severe="obstruction" if severe else None)
    if step is Step.FEEDBACK:
        return Feedback(FeedbackMode.MEETING, INVITEES) if flag else Feedback(FeedbackMode.WRITTEN)
    if step is Step.RECTIFICATION_ORDERED:
        return RectificationOrdered(deadline)
    if step is Step.REINSPECTED:
        return Reinspected(flag, unannounced=not flag)
    if step is Step.SUPERVISION_ORDER:
        return SupervisionOrder(deadline, "主管教育局")
    if step is Step.INTERVIEW:
        return Interview(deadline, PARTICIPANTS)
    if step is Step.NOTICE:
        return Notice(deadline)
    if step is Step.ACCOUNTABILITY:
        return Accountability(["公开批评"], published=flag)
    return PAYLOAD_TYPE[step]()


# Later steps are proposed more often so that runs get past the opening.
STEPS = st.sampled_from(list(Step) + [Step.RECTIFICATION_REPORTED, Step.REINSPECTED] * 2)


class CaseMachine(RuleBasedStateMachine):
    @initialize(severe=st.booleans())
    def start(self, severe: bool) -> None:
        self.store = CaseStore.open(":memory:")
        self.model = Model()
        self.events: list[Event] = []
        self.ranks: list[int] = []
        self.day = dt.date(2023, 3, 1)
        self.attempt(Step.OPENED, 0, 30, True, severe)

    def attempt(self, step: Step, gap: int, span: int, flag: bool, severe: bool = False) -> None:
        date = self.day + dt.timedelta(days=gap)
        deadline = date + dt.timedelta(days=span)
        event = Event(
            "C", step, date, ACTOR, TARGET, payload=payload_for(step, deadline, flag, severe)
        )
        expected = self.model.allows(step.value, date) and (
            event.deadline is None or event.deadline > date
        )
        if step is Step.OPENED and self.events:
            expected = False
        try:
            self.store.append_many([event])
        except DudaoError:
            assert not expected, f"{step.value} on {date} wrongly refused"
            return
        assert expected, f"{step.value} on {date} wrongly accepted after {self.model.last}"
        self.model.record(event)
        self.events.append(event)
        self.ranks.append(self.model.rank)
        self.day = max(self.day, date)

    @rule(step=STEPS, gap=st.integers(-3, 90), span=st.integers(-5, 90), flag=st.booleans())
    def propose(self, step: Step, gap: int, span: int, flag: bool) -> None:
        self.attempt(step, gap, span, flag)

    @invariant()
    def replay_reproduces_state(self) -> None:
        rec = self.store.case("C")
        assert [e.step for e in rec.events] == [e.step for e in self.events]
        assert replay(rec.events) == rec.state == self.store.cases()[0]
        assert rec.state.rank == self.model.rank
        assert rec.state.deadline == self.model.deadline

    @invariant()
    def history_is_lawful(self) -> None:
        assert self.ranks == sorted(self.ranks)  # escalation never goes backwards
        for prev, e in zip(self.events, self.events[1:], strict=False):
            assert e.date >= prev.date
        for e in self.events:
            assert e.citation.document and e.citation.clause  # every event is cited
            assert e.deadline is None or e.deadline > e.date


CaseMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseMachine = CaseMachine.TestCase
