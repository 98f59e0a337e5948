"""问责 under 《教育督导问责办法》 (国教督〔2021〕2号, in force 2021-09-01), step by step:
调查认定 → 陈述申辩 → 问责决定 → 复核 / 申诉; earlier cases keep the 2020 path."""

from __future__ import annotations

import pytest
from wf_helpers import (
    accountability,
    d,
    decision,
    ev,
    interview,
    investigation,
    meeting,
    notice,
    opened,
    ordered,
    record,
    review,
    statement,
    supervision,
)

from dudao.errors import DudaoError
from dudao.store import CaseStore
from dudao.workflow import Accountability, Step, allowed_next, overdue, replay


def ladder(start: str = "2023-03-01") -> list:
    """Opened on ``start`` (a 2023 date by default), escalated to 通报 whose deadline
    2023-12-31 then passes."""
    return [
        opened(start),
        meeting("2023-03-10"),
        ordered("2023-03-10", "2023-06-30"),
        supervision("2023-07-05", "2023-08-31"),
        interview("2023-09-05", "2023-10-31"),
        notice("2023-11-03", "2023-12-31"),
    ]


def test_accountability_walkthrough_with_review_and_appeal() -> None:
    events = [
        *ladder(),
        investigation("2024-01-10"),
        statement("2024-01-20"),
        decision("2024-02-01"),
        review("2024-03-15", applied="2024-02-20"),  # 19 days after the decision
        review(
            "2024-05-01", applied="2024-03-25", kind="appeal", outcome="changed", forms=["约谈"]
        ),  # 10 days after the review; fmt: skip
        ev(Step.CLOSED, "2024-05-10"),
    ]
    states = [record(events[: i + 1]) for i in range(len(events))]
    assert [s.status for s in states[6:]] == [
        "认定应当问责",
        "陈述申辩",
        "问责",
        "复核",
        "申诉",
        "结案",
    ]
    assert [s.rank for s in states] == [0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4]
    assert states[-1].procedure == 2021 and states[-1].closed
    assert replay(events) == states[-1]
    # recorded without a citation, the 2021 steps cite the measures as a whole (their
    # article numbers are unverified)
    store = CaseStore.open(":memory:")
    store.append_many(events)
    stored = store.case("C1").events
    assert {str(e.citation) for e in stored[6:11]} == {"国教督〔2021〕2号"}
    assert stored[6].citation is not None and stored[6].citation.clause is None


def test_the_procedure_is_decided_by_the_opening_date() -> None:
    before = replay([opened("2021-08-31", severe="retaliation")])
    on = replay([opened("2021-09-01", severe="retaliation")])
    assert (before.procedure, allowed_next(before)) == (2020, [Step.ACCOUNTABILITY])
    assert (on.procedure, allowed_next(on)) == (2021, [Step.INVESTIGATION])
    # a case opened before keeps the 2020 path even when 问责 comes later
    assert allowed_next(replay(ladder("2021-08-31")), d("2024-01-05")) == [
        Step.RECTIFICATION_REPORTED,
        Step.NOTICE,
        Step.ACCOUNTABILITY,
    ]
    assert allowed_next(replay(ladder()), d("2024-01-05")) == [
        Step.RECTIFICATION_REPORTED,
        Step.NOTICE,
        Step.INVESTIGATION,
    ]


def test_a_decision_without_investigation_and_statement_is_refused() -> None:
    with pytest.raises(DudaoError) as err:
        replay([*ladder(), decision("2024-01-10")])
    assert err.value.codes == ["step-not-allowed"]
    assert "须先调查认定、听取陈述申辩" in str(err.value) and "调查认定" in str(err.value)
    with pytest.raises(DudaoError) as err:
        replay([*ladder(), investigation("2024-01-10"), decision("2024-01-20")])
    assert "可以记录：陈述申辩" in str(err.value)
    # the 2021 steps do not exist on the 2020 path
    with pytest.raises(DudaoError) as err:
        replay([*ladder("2021-05-01"), investigation("2024-01-10")])
    assert "沿用此前的程序" in str(err.value) and "厅发" not in str(err.value)


def test_no_responsibility_found_or_defence_accepted_closes_the_case() -> None:
    cleared = [*ladder(), investigation("2024-01-10", responsible=False)]
    assert allowed_next(replay(cleared)) == [Step.RECTIFICATION_REPORTED, Step.CLOSED]
    assert replay([*cleared, ev(Step.CLOSED, "2024-01-11")]).closed
    heard = [*ladder(), investigation("2024-01-10"), statement("2024-01-20")]
    assert replay([*heard, ev(Step.CLOSED, "2024-01-25")]).closed
    with pytest.raises(DudaoError):  # responsibility found: the target is heard first
        replay([*ladder(), investigation("2024-01-10"), ev(Step.CLOSED, "2024-01-11")])


DECIDED = [*ladder(), investigation("2024-01-10"), statement("2024-01-20"), decision("2024-02-01")]


@pytest.mark.parametrize(
    ("tail", "code"),
    [
        # 复核 within 30 days of the decision, 申诉 within 15 (built-in policy)
        ([review("2024-03-20", applied="2024-03-03")], "review-too-late"),
        ([review("2024-03-20", applied="2024-02-20"),
          review("2024-04-20", applied="2024-04-05", kind="appeal")], "review-too-late"),
        ([review("2024-03-01", applied="2024-02-17", kind="appeal")], "review-too-late"),
        # one 复核 only; after it, 申诉
        ([review("2024-02-20", applied="2024-02-10"),
          review("2024-03-01", applied="2024-02-25")], "review-repeated"),
        # nothing follows a 申诉 but rectification or closing
        ([review("2024-02-20", applied="2024-02-10", kind="appeal"),
          review("2024-03-01", applied="2024-02-25", kind="appeal")], "step-not-allowed"),
        # applied before the decision, or after its own decision date
        ([review("2024-02-20", applied="2024-01-31")], "review-before-decision"),
        ([review("2024-02-20", applied="2024-02-21")], "review-after-decision"),
        ([review("2024-02-20", applied="2024-02-10", outcome="changed")], "missing-forms"),
    ],
)  # fmt: skip
def test_review_and_appeal_are_refused_out_of_time_or_order(tail: list, code: str) -> None:
    with pytest.raises(DudaoError) as err:
        record([*DECIDED, *tail])
    assert code in err.value.codes


def test_review_windows_are_inclusive() -> None:
    assert record([*DECIDED, review("2024-03-20", applied="2024-03-02")]).reviewed == "review"
    state = record(
        [
            *DECIDED,
            review("2024-03-20", applied="2024-03-02"),
            review("2024-04-20", applied="2024-04-04", kind="appeal"),  # day 15
        ]
    )
    assert state.reviewed == "appeal"


def test_the_2021_decision_states_facts_basis_and_effective_date() -> None:
    bare = ev(Step.ACCOUNTABILITY, "2024-02-01", Accountability(["约谈"]))
    with pytest.raises(DudaoError) as err:
        record([*ladder(), investigation("2024-01-10"), statement("2024-01-20"), bare])
    assert err.value.codes == ["missing-required"]
    text = str(err.value)
    assert "事实（facts）、依据（basis）、生效日期（effective）" in text
    assert "国教督〔2021〕2号（dudao 内置）" in text
    # the 2020 path never required them
    old = [*ladder("2021-05-01"), accountability("2024-01-10")]
    assert record(old).rank == 4


def test_a_revoked_decision_closes_without_publication() -> None:
    unpublished = [
        *ladder(),
        investigation("2024-01-10"),
        statement("2024-01-20"),
        decision("2024-02-01", published=False),
    ]
    with pytest.raises(DudaoError) as err:
        replay([*unpublished, ev(Step.CLOSED, "2024-02-02")])
    assert err.value.codes == ["accountability-unpublished"]
    upheld = [*unpublished, review("2024-02-20", applied="2024-02-10")]
    with pytest.raises(DudaoError):
        replay([*upheld, ev(Step.CLOSED, "2024-02-21")])
    revoked = [*unpublished, review("2024-02-20", applied="2024-02-10", outcome="revoked")]
    state = replay([*revoked, ev(Step.CLOSED, "2024-02-21")])
    assert state.closed and state.revoked


def test_overdue_names_investigation_as_due_from_2021() -> None:
    new, old = replay(ladder()), replay([*ladder("2021-05-01")])
    rows = overdue([new, old], d("2024-01-05"))
    assert {o.due for o in rows} == {Step.INVESTIGATION, Step.ACCOUNTABILITY}
    assert [o.due for o in overdue([new], d("2024-01-05"))] == [Step.INVESTIGATION]
    store = CaseStore.open(":memory:")
    store.append_many([*ladder(), *(attrs_case(e, "OLD") for e in ladder("2021-05-01"))])
    assert [(o.case_id, o.due) for o in store.overdue(d("2024-01-05"))] == [
        ("C1", Step.INVESTIGATION),
        ("OLD", Step.ACCOUNTABILITY),
    ]


def attrs_case(event, case: str):  # type: ignore[no-untyped-def]
    import attrs

    return attrs.evolve(event, case_id=case)
