"""Cases that follow the procedure step by step (the order Guangxi's 厅发〔2020〕26号
二（七）–（十四） spells out is the national one; what Guangxi adds to each step is
tested in plugins/guangxi/tests/test_workflow.py, the national citations in
test_national_basis.py).

Cases reaching 问责 are opened before 2021-09-01: from then on 问责 follows
国教督〔2021〕2号 (tests/workflow/test_procedure_2021.py)."""

from __future__ import annotations

import pytest
from wf_helpers import (
    INVITEES,
    accountability,
    d,
    ev,
    installed_policies,
    interview,
    meeting,
    notice,
    opened,
    ordered,
    record,
    reinspected,
    supervision,
)

from dudao.errors import DudaoError
from dudao.workflow import (
    Feedback,
    FeedbackMode,
    Interview,
    Reported,
    Step,
    allowed_next,
    overdue,
    replay,
)


def test_report_feedback_rectify_reinspect_close() -> None:
    # 二（七）报告公开 → 二（八）反馈会议 → 二（九）整改 → 二（十）暗访复查 → 结案
    events = [
        opened(),
        ev(Step.REPORTED, "2023-03-05", Reported(published=True, channel="政府门户网站")),
        meeting("2023-03-10"),
        ordered("2023-03-10", "2023-06-30"),
        ev(Step.RECTIFICATION_REPORTED, "2023-06-20"),
        reinspected("2023-07-15", passed=True),
        ev(Step.CLOSED, "2023-07-20"),
    ]
    state = replay(events)
    assert state.closed and state.status == "结案" and state.rank == 0
    assert record(events) == state  # nothing national refuses any of it


def test_escalation_ladder_to_accountability() -> None:
    # 二（九）督办单（主管部门连带责任）→ 二（十二）约谈 → 二（十三）通报 → 二（十四）问责
    events = [
        opened("2020-06-01"),
        meeting("2020-06-10"),
        ordered("2020-06-10", "2020-09-30"),
        supervision("2020-10-05", "2020-11-30"),
        interview("2020-12-05", "2021-01-31"),
        notice("2021-02-03", "2021-03-31"),
        accountability("2021-04-10"),
        ev(Step.CLOSED, "2021-04-20"),
    ]
    state = replay(events[:4])
    assert state.rank == 1 and events[3].payload.joint_liability
    assert events[3].payload.supervising_department == "青秀区教育局"
    assert events[5].payload.consequences[0].label == "领导班子成员不得评优评先"
    assert replay(events).closed


def test_commendation_for_excellent_result() -> None:
    # 二（十一）: an excellent result is commended without rectification.
    state = replay(
        [
            opened(),
            meeting("2023-03-10"),
            ev(Step.COMMENDED, "2023-04-01"),
            ev(Step.CLOSED, "2023-04-02"),
        ]
    )
    assert state.closed


def test_severe_trigger_goes_straight_to_accountability() -> None:
    state = replay([opened("2021-03-01", severe="retaliation")])
    assert allowed_next(state) == [Step.ACCOUNTABILITY]
    # from 2021-09-01 the accountability stage opens with 调查认定 (国教督〔2021〕2号)
    assert allowed_next(replay([opened(severe="retaliation")])) == [Step.INVESTIGATION]
    with pytest.raises(DudaoError) as err:
        replay([opened(severe="major_accident"), meeting("2023-03-10")])
    assert err.value.codes == ["step-not-allowed"]
    severe = opened("2021-03-01", severe="mass_incidents")
    assert replay([severe, accountability("2021-03-02")]).rank == 4


@pytest.mark.regional
def test_meeting_invitees_are_a_region_policy_not_replayed() -> None:
    bad = ev(Step.FEEDBACK, "2023-03-10", Feedback(FeedbackMode.MEETING, ("市纪委监委",)))
    policies = installed_policies()
    with pytest.raises(DudaoError) as err:  # Guangxi (450103) requires three bodies
        record([opened(), bad], policies)
    assert "党委组织部、绩效办" in str(err.value)
    # written notice needs no invitees
    written = ev(Step.FEEDBACK, "2023-03-10", Feedback(FeedbackMode.WRITTEN))
    record([opened(), written], policies)
    full = ev(Step.FEEDBACK, "2023-03-10", Feedback("反馈会议", INVITEES))
    assert record([opened(), full], policies).last is Step.FEEDBACK
    # the invitees are a step policy, checked when recorded, not on replay; nationally
    # (the built-in policy) no body is required at all
    assert replay([opened(), bad]).last is Step.FEEDBACK
    assert record([opened(), bad]).last is Step.FEEDBACK


@pytest.mark.regional
def test_interview_participants_are_a_region_policy() -> None:
    base = [opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-04-30")]
    bad = ev(Step.INTERVIEW, "2023-05-05", Interview(d("2023-06-30"), ("教育局",)))
    with pytest.raises(DudaoError) as err:
        record([*base, bad], installed_policies())
    assert err.value.codes == ["missing-participants", "missing-required"]
    assert record([*base, bad]).last is Step.INTERVIEW  # nothing national requires them


@pytest.mark.parametrize(
    ("events", "code"),
    [
        # escalation never goes backwards
        (
            [
                opened(),
                meeting("2023-03-10"),
                ordered("2023-03-10", "2023-04-30"),
                interview("2023-05-02", "2023-06-30"),
                supervision("2023-07-02", "2023-08-30"),
            ],
            "step-not-allowed",
        ),
        # no escalation for lateness before the deadline has passed
        (
            [
                opened(),
                meeting("2023-03-10"),
                ordered("2023-03-10", "2023-04-30"),
                supervision("2023-04-30", "2023-06-30"),
            ],
            "step-not-allowed",
        ),
        # close only after a passed re-inspection
        (
            [
                opened(),
                meeting("2023-03-10"),
                ordered("2023-03-10", "2023-04-30"),
                ev(Step.RECTIFICATION_REPORTED, "2023-04-20"),
                ev(Step.CLOSED, "2023-04-21"),
            ],
            "step-not-allowed",
        ),
        (
            [
                opened(),
                meeting("2023-03-10"),
                ordered("2023-03-10", "2023-04-30"),
                ev(Step.RECTIFICATION_REPORTED, "2023-04-20"),
                reinspected("2023-05-01", False),
                ev(Step.CLOSED, "2023-05-02"),
            ],
            "step-not-allowed",
        ),
        # an event may not be dated before the previous one
        ([opened(), meeting("2023-02-10")], "date-before-previous"),
        # a deadline comes after the event that sets it
        (
            [opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-03-10")],
            "deadline-not-after-event",
        ),
        # accountability results must be published before closing (二（十四）)
        (
            [
                opened("2021-03-01", severe="retaliation"),
                accountability("2021-03-05", published=False),
                ev(Step.CLOSED, "2021-03-06"),
            ],
            "accountability-unpublished",
        ),
        # a commended unit was never escalated
        (
            [
                opened(),
                meeting("2023-03-10"),
                ordered("2023-03-10", "2023-04-30"),
                supervision("2023-05-02", "2023-06-30"),
                ev(Step.RECTIFICATION_REPORTED, "2023-06-01"),
                reinspected("2023-06-10", True),
                ev(Step.COMMENDED, "2023-06-11"),
            ],
            "step-not-allowed",
        ),
        # nothing after closing
        (
            [
                opened(),
                meeting("2023-03-10"),
                ev(Step.COMMENDED, "2023-03-11"),
                ev(Step.CLOSED, "2023-03-12"),
                ev(Step.REPORTED, "2023-03-13"),
            ],
            "step-not-allowed",
        ),
    ],
)
def test_refused(events: list, code: str) -> None:
    with pytest.raises(DudaoError) as err:
        replay(events)
    assert code in err.value.codes


def test_refusal_names_state_and_allowed_steps() -> None:
    with pytest.raises(DudaoError) as err:
        replay([opened(), ev(Step.CLOSED, "2023-03-02")])
    text = str(err.value)
    assert "当前状态为“立案”" in text and "督导报告、反馈" in text


def test_overdue_names_the_step_due() -> None:
    a = replay([opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-04-30")])
    b = replay(
        [
            opened(case="C2"),
            meeting("2023-03-10", case="C2"),
            ordered("2023-03-10", "2023-04-30", case="C2"),
            supervision("2023-05-02", "2023-05-31", case="C2"),
        ]
    )
    rows = overdue([a, b], d("2023-06-01"))
    assert [(o.case_id, o.due) for o in rows] == [
        ("C1", Step.SUPERVISION_ORDER),
        ("C2", Step.INTERVIEW),
    ]
    assert overdue([a], d("2023-04-30")) == []  # the deadline day itself is in time
