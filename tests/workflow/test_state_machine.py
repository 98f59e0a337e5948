"""Random event sequences against a simple model of 厅发〔2020〕26号 二（七）–（十四）
and, for cases opened from 2021-09-01, 国教督〔2021〕2号's accountability procedure.

Hypothesis proposes any step with any date and deadline; the store either
records it or refuses it. The model (written independently of the machine,
as phases) says which it should be, and after each step the invariants hold:
only allowed transitions happen, escalation never goes backwards, a case
closes only after a passed re-inspection, a published (or revoked)
accountability, a finding of no responsibility or a commendation, a 2021 case
reaches a 问责 decision only through 调查认定 and 陈述申辩 and a 2020 case never
takes a 2021 step, every event is cited — with the built-in policy, by a national
document only — deadlines come after the events that set them, and replaying the
stored events reproduces the stored state.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from wf_helpers import ACTOR, INVITEES, PARTICIPANTS, TARGET

from dudao.errors import DudaoError
from dudao.store import CaseStore
from dudao.workflow import (
    MEASURES_2021,
    OPINIONS,
    ORDINANCE,
    PAYLOAD_TYPE,
    Accountability,
    Event,
    Feedback,
    FeedbackMode,
    Interview,
    Investigation,
    Notice,
    Opened,
    RectificationOrdered,
    Reinspected,
    Review,
    Statement,
    Step,
    SupervisionOrder,
    allowed_next,
    replay,
)

ESC = {"supervision_order": 1, "interview": 2, "notice": 3}
NATIONAL = {ORDINANCE, OPINIONS, MEASURES_2021}
PENDING = {"rectification_ordered", "supervision_order", "interview", "notice"}
WINDOW = {"review": 30, "appeal": 15}  # days to apply after the decision (2021 measures)


class Model:
    """The procedure as plain phases, for comparison."""

    def __init__(self, opened_on: dt.date) -> None:
        self.p21 = opened_on >= dt.date(2021, 9, 1)
        self.last: str | None = None
        self.date: dt.date | None = None
        self.rank = 0
        self.deadline: dt.date | None = None
        self.passed = False
        self.published = False
        self.severe = False
        self.found = False
        self.reviewed: str | None = None
        self.revoked = False

    def allows(self, e: Event) -> bool:
        step, date = e.step.value, e.date
        if self.date is not None and date < self.date:
            return False
        last = self.last
        top = "investigation" if self.p21 else "accountability"
        escalate = (step in ESC and ESC[step] >= max(self.rank, 1)) or step == top
        if last is None:
            return step == "opened"
        if last == "closed":
            return False
        if last == "opened":
            return step == top if self.severe else step in ("reported", "feedback")
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
        if last == "investigation":
            if self.found:
                return step == "statement"
            return step in ("rectification_reported", "closed")
        if last == "statement":
            return step in ("accountability", "closed")
        if last in ("accountability", "review"):
            if step == "rectification_reported":
                return True
            if step == "closed":
                return self.published or self.revoked
            if step == "review" and self.p21:
                return self.review_allowed(e)
            return False
        if last == "commended":
            return step == "closed"
        raise AssertionError(last)

    def review_allowed(self, e: Event) -> bool:
        p = e.payload
        kind = p.kind.value
        if self.last == "review" and (self.reviewed != "review" or kind != "appeal"):
            return False
        assert self.date is not None
        return (
            self.date <= p.applied_on <= e.date and (p.applied_on - self.date).days <= WINDOW[kind]
        )

    def record(self, e: Event) -> None:
        step = e.step.value
        if step == "closed":
            assert (
                (self.last == "reinspected" and self.passed)
                or self.last in ("commended", "statement")
                or (self.last == "investigation" and not self.found)
                or (self.last in ("accountability", "review") and (self.published or self.revoked))
            )
        self.rank = max(
            self.rank, ESC.get(step, 4 if step in ("accountability", "investigation") else 0)
        )
        if step in PENDING:
            self.deadline = e.payload.deadline
        elif step != "reinspected":
            self.deadline = None
        if step == "opened":
            self.severe = e.payload.severe is not None
        if step == "reinspected":
            self.passed = e.payload.passed
        if step == "investigation":
            self.found = e.payload.responsible
        if step == "accountability":
            self.published, self.reviewed, self.revoked = e.payload.published, None, False
        if step == "review":
            self.reviewed, self.revoked = e.payload.kind.value, e.payload.outcome.value == "revoked"
        self.last, self.date = step, e.date


def payload_for(step: Step, date: dt.date, deadline: dt.date, flag: bool, n: int) -> object:
    if step is Step.OPENED:
        return Opened(severe="retaliation" if flag else None)
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
    if step is Step.INVESTIGATION:
        return Investigation(flag, group="调查认定工作组")
    if step is Step.STATEMENT:
        return Statement(waived=flag)
    if step is Step.ACCOUNTABILITY:
        # a complete decision (facts, basis, effective date: 国教督〔2021〕2号)
        return Accountability(["公开批评"], flag, facts="事实", basis="依据", effective=date)
    if step is Step.REVIEW:
        outcome = ("upheld", "changed", "revoked")[n % 3]
        forms = ["约谈"] if outcome == "changed" else []
        applied = date - dt.timedelta(days=n)
        return Review(applied, "appeal" if flag else "review", outcome, forms)
    return PAYLOAD_TYPE[step]()


# Later steps are proposed more often so that runs get past the opening.
STEPS = st.sampled_from(
    list(Step)
    + [Step.RECTIFICATION_REPORTED, Step.REINSPECTED] * 2
    + [Step.INVESTIGATION, Step.STATEMENT, Step.ACCOUNTABILITY, Step.REVIEW]
)
OPENING = st.sampled_from(
    [dt.date(2021, 3, 1), dt.date(2021, 8, 31), dt.date(2021, 9, 1), dt.date(2023, 3, 1)]
)


class CaseMachine(RuleBasedStateMachine):
    #: The store each run records into (a subclass below uses PostgreSQL).
    url = ":memory:"

    @initialize(severe=st.booleans(), day=OPENING)
    def start(self, severe: bool, day: dt.date) -> None:
        self.store = CaseStore.open(self.url)
        self.cid = f"C{uuid.uuid4().hex[:10]}"  # runs may share one database
        self.model = Model(day)
        self.events: list[Event] = []
        self.ranks: list[int] = []
        self.day = day
        self.attempt(Step.OPENED, 0, 30, severe, 0)

    def attempt(self, step: Step, gap: int, span: int, flag: bool, n: int) -> None:
        date = self.day + dt.timedelta(days=gap)
        deadline = date + dt.timedelta(days=span)
        event = Event(
            self.cid, step, date, ACTOR, TARGET, payload=payload_for(step, date, deadline, flag, n)
        )
        expected = self.model.allows(event) and (event.deadline is None or event.deadline > date)
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

    @rule(
        step=STEPS,
        gap=st.integers(-3, 90),
        span=st.integers(-5, 90),
        flag=st.booleans(),
        n=st.integers(0, 40),
    )
    def propose(self, step: Step, gap: int, span: int, flag: bool, n: int) -> None:
        self.attempt(step, gap, span, flag, n)

    @rule(
        data=st.data(),
        gap=st.integers(0, 60),
        span=st.integers(1, 90),
        flag=st.booleans(),
        n=st.integers(0, 40),
    )
    def follow(self, data: st.DataObject, gap: int, span: int, flag: bool, n: int) -> None:
        """Propose one of the steps the machine lists as next, so that runs reach the
        deep steps (复核, 申诉); the model still judges the event on its own."""
        options = allowed_next(self.store.case(self.cid).state)
        if options:
            self.attempt(data.draw(st.sampled_from(options)), gap, span, flag, n)

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()

    @invariant()
    def replay_reproduces_state(self) -> None:
        rec = self.store.case(self.cid)
        assert [e.step for e in rec.events] == [e.step for e in self.events]
        (summary,) = (s for s in self.store.cases(target=TARGET) if s.case_id == self.cid)
        assert replay(rec.events) == rec.state == summary
        assert rec.state.rank == self.model.rank
        assert rec.state.deadline == self.model.deadline

    @invariant()
    def history_is_lawful(self) -> None:
        assert self.ranks == sorted(self.ranks)  # escalation never goes backwards
        for prev, e in zip(self.events, self.events[1:], strict=False):
            assert e.date >= prev.date
        steps = [e.step for e in self.events]
        stored = self.store.case(self.cid).events if self.events else ()
        for e in stored:
            # every recorded event is cited; the built-in policy cites national
            # documents only, each as a whole (their article numbers are unverified)
            assert e.citation is not None and e.citation.clause is None
            assert e.citation.document in NATIONAL
        for i, e in enumerate(self.events):
            assert e.deadline is None or e.deadline > e.date
            if e.step is Step.ACCOUNTABILITY and self.model.p21:
                assert steps[i - 2 : i] == [Step.INVESTIGATION, Step.STATEMENT]
        if not self.model.p21:
            assert not {Step.INVESTIGATION, Step.STATEMENT, Step.REVIEW} & set(steps)


# max_examples comes from the profile (tests/conftest.py)
CaseMachine.TestCase.settings = settings(
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseMachine = CaseMachine.TestCase


def test_state_machine_on_postgresql(pg_database: Callable[[], str]) -> None:
    """The same machine recording into a real PostgreSQL database (fewer runs: each
    step is a round trip): dates, booleans and JSON payloads come back as written,
    so replay reproduces the stored state there too."""

    class PgMachine(CaseMachine):
        url = pg_database()

    store = CaseStore.open(PgMachine.url)
    run_state_machine_as_test(
        PgMachine,
        settings=settings(
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # the runs really went to the server: every run opened a case there
    assert len(store.cases()) >= 1 and store.count_events() > len(store.cases())
    assert store.verify() == []
    store.close()
