"""The recorded events of an accountability case (厅发〔2020〕26号 二（七）–（十四）).

A case is a sequence of :class:`Event`. Each event has a :class:`Step` (what
happened), a date, who did it (``actor``), the supervised unit (``target``), a
citation (required: every event says which clause it acts under; each step has
a default) and a step-specific payload.

>>> import datetime as dt
>>> e = Event("C1", Step.FEEDBACK, dt.date(2023, 5, 10), "南宁市教育督导委员会办公室",
...           "450103", payload=Feedback(FeedbackMode.WRITTEN))
>>> e.step.label, str(e.citation)
('反馈', '厅发〔2020〕26号 二（八）')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.model.documents import Citation
from dudao.model.labels import LabelledEnum

#: The document whose clauses 二（七）–（十四） lay down the procedure.
DOCUMENT = "厅发〔2020〕26号"

#: 《教育督导问责办法》: issued 2021-07-20, in force 2021-09-01. Its article numbers are
#: not verified (domain-facts.md, section (c)/(d)), so its steps cite the document only.
MEASURES_2021 = "国教督〔2021〕2号"
MEASURES_2021_SINCE = dt.date(2021, 9, 1)


class Step(LabelledEnum):
    """The kinds of event in a case, in their usual order."""

    OPENED = ("opened", "立案")
    REPORTED = ("reported", "督导报告")
    FEEDBACK = ("feedback", "反馈")
    RECTIFICATION_ORDERED = ("rectification_ordered", "下达整改")
    RECTIFICATION_REPORTED = ("rectification_reported", "报告整改")
    REINSPECTED = ("reinspected", "复查（回头看）")
    SUPERVISION_ORDER = ("supervision_order", "督办单")
    INTERVIEW = ("interview", "约谈")
    NOTICE = ("notice", "通报")
    INVESTIGATION = ("investigation", "调查认定")
    STATEMENT = ("statement", "陈述申辩")
    ACCOUNTABILITY = ("accountability", "问责")
    REVIEW = ("review", "复核申诉")
    COMMENDED = ("commended", "表彰")
    CLOSED = ("closed", "结案")


#: Escalation ladder: a case's level never goes down (二（九）、（十二）–（十四）).
ESCALATION: dict[Step, int] = {
    Step.SUPERVISION_ORDER: 1,
    Step.INTERVIEW: 2,
    Step.NOTICE: 3,
    Step.ACCOUNTABILITY: 4,
    # Under the 2021 measures 问责 starts with 调查认定: the rank-4 step there.
    Step.INVESTIGATION: 4,
}
ESCALATION_STEPS: tuple[Step, ...] = tuple(ESCALATION)
#: Steps of the 2021 accountability procedure (国教督〔2021〕2号).
PROCEDURE_2021_STEPS = frozenset({Step.INVESTIGATION, Step.STATEMENT, Step.REVIEW})

#: The clause each step acts under when the event names none.
DEFAULT_CLAUSE: dict[Step, str] = {
    Step.OPENED: "二（七）",
    Step.REPORTED: "二（七）",
    Step.FEEDBACK: "二（八）",
    Step.RECTIFICATION_ORDERED: "二（九）",
    Step.RECTIFICATION_REPORTED: "二（九）",
    Step.REINSPECTED: "二（十）",
    Step.SUPERVISION_ORDER: "二（九）",
    Step.INTERVIEW: "二（十二）",
    Step.NOTICE: "二（十三）",
    Step.ACCOUNTABILITY: "二（十四）",
    Step.COMMENDED: "二（十一）",
    Step.CLOSED: "二（十）",
}


def default_citation(step: Step, on: dt.date | None = None) -> Citation:
    """The clause a step acts under by default. The 2021 procedure's own steps, and
    a 问责 decision from 2021-09-01, cite 国教督〔2021〕2号 as a whole (article
    numbers unverified).

    >>> str(default_citation(Step.ACCOUNTABILITY, dt.date(2021, 8, 31)))
    '厅发〔2020〕26号 二（十四）'
    >>> str(default_citation(Step.ACCOUNTABILITY, dt.date(2021, 9, 1)))
    '国教督〔2021〕2号'
    """
    if step in PROCEDURE_2021_STEPS or (
        step is Step.ACCOUNTABILITY and on is not None and on >= MEASURES_2021_SINCE
    ):
        return Citation(MEASURES_2021)
    return Citation(DOCUMENT, DEFAULT_CLAUSE[step])


class Source(LabelledEnum):
    """What a case starts from."""

    FINDING = ("finding", "规则发现")
    EVALUATION = ("evaluation", "评价结果")
    INSPECTION = ("inspection", "督导检查")


class SevereTrigger(LabelledEnum):
    """二（十四）: situations that go straight to accountability."""

    MASS_INCIDENTS = ("mass_incidents", "教育群体性事件多发高发、应对不力、群众反映强烈")
    MAJOR_ACCIDENT = ("major_accident", "严重失职导致重大安全事故或重大涉校案事件")
    RETALIATION = ("retaliation", "威胁恐吓、打击报复教育督导人员")
    OBSTRUCTION = ("obstruction", "阻挠、干扰和不配合教育督导工作")


class FeedbackMode(LabelledEnum):
    MEETING = ("meeting", "反馈会议")
    WRITTEN = ("written", "书面反馈通知")


class Lapse(LabelledEnum):
    """Why a 督办单 is sent (二（九）: 整改不到位、不及时)."""

    LATE = ("late", "整改不及时")
    INADEQUATE = ("inadequate", "整改不到位")


class ReviewKind(LabelledEnum):
    """国教督〔2021〕2号: 复核 by the deciding body, 申诉 to the next level up."""

    REVIEW = ("review", "复核")
    APPEAL = ("appeal", "申诉")


class ReviewOutcome(LabelledEnum):
    UPHELD = ("upheld", "维持")
    CHANGED = ("changed", "变更")
    REVOKED = ("revoked", "撤销")


class Consequence(LabelledEnum):
    """二（十三）: what a 通报 recommends for the unit's leaders."""

    NO_COMMENDATION = ("no_commendation", "领导班子成员不得评优评先")
    NO_PROMOTION = ("no_promotion", "不得提拔使用或者转任重要职务")


class AccountabilityForm(LabelledEnum):
    """Forms of accountability, 《教育督导问责办法》 (国教督〔2021〕2号)."""

    PUBLIC_CRITICISM = ("public_criticism", "公开批评")
    INTERVIEW = ("interview", "约谈")
    SUPERVISION_NOTICE = ("supervision_notice", "督导通报")
    RESOURCE_ADJUSTMENT = ("resource_adjustment", "资源调整")
    ADMINISTRATIVE_PENALTY = ("administrative_penalty", "行政处罚")
    ORDERED_SELF_CRITICISM = ("ordered_self_criticism", "责令检查")
    CIRCULATED_CRITICISM = ("circulated_criticism", "通报批评")
    ORGANISATIONAL = ("organisational", "组织处理")
    DISCIPLINARY = ("disciplinary", "处分")
    REFERRAL = ("referral", "移交监察机关或司法机关")


# Who must attend, and the spellings that count: regions name the same
# bodies differently (纪委监委 is the usual local name of 纪检监察机关).
FEEDBACK_INVITEES: dict[str, tuple[str, ...]] = {
    "纪检监察机关": ("纪检监察", "纪委", "监委", "discipline"),
    "党委组织部": ("组织部", "organisation", "organization"),
    "绩效办": ("绩效办", "绩效考评", "performance"),
}
INTERVIEW_PARTICIPANTS: dict[str, tuple[str, ...]] = {
    "纪检监察机关": FEEDBACK_INVITEES["纪检监察机关"],
    "党委组织部门": ("组织部", "organisation", "organization"),
}


def missing_bodies(present: tuple[str, ...], required: dict[str, tuple[str, ...]]) -> list[str]:
    """The required bodies none of ``present`` names.

    >>> missing_bodies(("南宁市纪委监委", "市委组织部"), FEEDBACK_INVITEES)
    ['绩效办']
    """
    return [
        body
        for body, spellings in required.items()
        if not any(s in p or body in p for p in present for s in spellings)
    ]


def _tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


# ---------------------------------------------------------------- payloads
@attrs.frozen
class Opened:
    source: Source = attrs.field(default=Source.INSPECTION, converter=Source.parse)
    reference: str = ""  # the finding's rule id, an evaluation or inspection id
    summary: str = ""
    severe: SevereTrigger | None = attrs.field(
        default=None, converter=attrs.converters.optional(SevereTrigger.parse)
    )


@attrs.frozen
class Reported:
    published: bool = True  # 二（七）: 以适当方式向社会公开
    channel: str = ""


@attrs.frozen
class Feedback:
    mode: FeedbackMode = attrs.field(default=FeedbackMode.MEETING, converter=FeedbackMode.parse)
    invitees: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    issues: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class RectificationOrdered:
    deadline: dt.date
    requirements: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class RectificationReported:
    summary: str = ""


@attrs.frozen
class Reinspected:
    passed: bool
    unannounced: bool = False  # 二（十）: 注重通过暗访、走访和实地查看
    method: str = ""


@attrs.frozen
class SupervisionOrder:
    deadline: dt.date
    supervising_department: str  # 主管部门: 承担监督责任，整改不力负连带责任
    reason: Lapse = attrs.field(default=Lapse.LATE, converter=Lapse.parse)
    joint_liability: bool = True


@attrs.frozen
class Interview:
    deadline: dt.date
    participants: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    interviewees: str = "相关负责人"
    record_filed_with: tuple[str, ...] = attrs.field(
        default=("所在地党委和政府", "上级主管部门"), converter=_tuple
    )


@attrs.frozen
class Notice:
    deadline: dt.date
    recipients: tuple[str, ...] = attrs.field(
        default=("所在地党委和政府", "上级主管部门"), converter=_tuple
    )
    consequences: tuple[Consequence, ...] = attrs.field(
        default=(Consequence.NO_COMMENDATION, Consequence.NO_PROMOTION),
        converter=lambda v: tuple(Consequence.parse(x) for x in _tuple(v)),
    )


def _forms(value: Any) -> tuple[AccountabilityForm, ...]:
    return tuple(AccountabilityForm.parse(x) for x in _tuple(value))


@attrs.frozen
class Investigation:
    """调查认定 (国教督〔2021〕2号): the group's finding whether to hold to account."""

    responsible: bool  # 认定应当问责 (the case moves on to 陈述申辩)
    group: str = ""  # 调查认定工作组
    facts: str = ""


@attrs.frozen
class Statement:
    """陈述申辩: the target, informed in writing, states its case before a decision."""

    summary: str = ""
    waived: bool = False  # 放弃陈述申辩 (it was heard, and said nothing)


@attrs.frozen
class Accountability:
    forms: tuple[AccountabilityForm, ...] = attrs.field(converter=_forms)
    published: bool = True  # 二（十四）: 问责和处理结果要及时向社会公布
    decision: str = ""
    # 国教督〔2021〕2号: a decision states the facts, the basis, the form and when it
    # takes effect (required from 2021-09-01 by the default step policy).
    facts: str = ""
    basis: str = ""
    effective: dt.date | None = None


@attrs.frozen
class Review:
    """复核 or 申诉 against a 问责 decision; the event date is the date it was decided."""

    applied_on: dt.date
    kind: ReviewKind = attrs.field(default=ReviewKind.REVIEW, converter=ReviewKind.parse)
    outcome: ReviewOutcome = attrs.field(
        default=ReviewOutcome.UPHELD, converter=ReviewOutcome.parse
    )
    forms: tuple[AccountabilityForm, ...] = attrs.field(default=(), converter=_forms)


@attrs.frozen
class Commended:
    reason: str = ""


@attrs.frozen
class Closed:
    reason: str = ""


Payload = (
    Opened
    | Reported
    | Feedback
    | RectificationOrdered
    | RectificationReported
    | Reinspected
    | SupervisionOrder
    | Interview
    | Notice
    | Investigation
    | Statement
    | Accountability
    | Review
    | Commended
    | Closed
)

PAYLOAD_TYPE: dict[Step, type] = {
    Step.OPENED: Opened,
    Step.REPORTED: Reported,
    Step.FEEDBACK: Feedback,
    Step.RECTIFICATION_ORDERED: RectificationOrdered,
    Step.RECTIFICATION_REPORTED: RectificationReported,
    Step.REINSPECTED: Reinspected,
    Step.SUPERVISION_ORDER: SupervisionOrder,
    Step.INTERVIEW: Interview,
    Step.NOTICE: Notice,
    Step.INVESTIGATION: Investigation,
    Step.STATEMENT: Statement,
    Step.ACCOUNTABILITY: Accountability,
    Step.REVIEW: Review,
    Step.COMMENDED: Commended,
    Step.CLOSED: Closed,
}


def _default_payload(self: Event) -> Any:
    try:
        return PAYLOAD_TYPE[self.step]()
    except TypeError:
        raise DudaoError(
            Problem(
                f"“{self.step.label}”事件缺少必填内容",
                code="missing-payload",
                hint=f"给出 {PAYLOAD_TYPE[self.step].__name__} 的必填字段（如期限）",
            )
        ) from None


@attrs.frozen
class Event:
    """One recorded, cited step of a case. ``seq`` is set by the store (1, 2, …).

    ``extra`` holds what a region requires beyond the payload's fields (named by
    the ``workflow.<step>.required`` parameter, see :mod:`dudao.workflow.policy`).
    """

    case_id: str
    step: Step = attrs.field(converter=Step.parse)
    date: dt.date
    actor: str
    target: str
    citation: Citation = attrs.field(
        default=attrs.Factory(lambda self: default_citation(self.step, self.date), takes_self=True),
        converter=Citation.parse,
    )
    payload: Any = attrs.field(default=attrs.Factory(_default_payload, takes_self=True))
    seq: int | None = None
    extra: dict[str, str] = attrs.field(factory=dict, converter=dict, hash=False)

    def __attrs_post_init__(self) -> None:
        expected = PAYLOAD_TYPE[self.step]
        if not isinstance(self.payload, expected):
            raise DudaoError(
                Problem(
                    f"“{self.step.label}”事件的内容应为 {expected.__name__}，"
                    f"实际为 {type(self.payload).__name__}",
                    code="bad-payload",
                )
            )

    @property
    def deadline(self) -> dt.date | None:
        """The deadline this event sets, if any."""
        return getattr(self.payload, "deadline", None)


def payload_to_dict(payload: Any) -> dict[str, Any]:
    from dudao.io.convert import converter

    return converter.unstructure(payload)


def payload_from_dict(step: Step, data: dict[str, Any]) -> Any:
    """Structure a payload; bad data becomes a DudaoError naming the step."""
    from dudao.io.convert import converter

    try:
        return converter.structure(data, PAYLOAD_TYPE[step])
    except Exception as exc:  # cattrs groups many error kinds; all mean bad input
        detail = "; ".join(_leaf_messages(exc)) or str(exc)
        raise DudaoError(
            Problem(
                f"“{step.label}”事件的内容有误：{detail}",
                code="bad-payload",
                hint=f"字段见 {PAYLOAD_TYPE[step].__name__}："
                + "、".join(a.name for a in attrs.fields(PAYLOAD_TYPE[step])),
            )
        ) from None


def _leaf_messages(exc: BaseException) -> list[str]:
    subs = getattr(exc, "exceptions", None)
    if not subs:
        # cattrs notes say "Structuring class X @ attribute name"; keep the name.
        notes = " ".join(getattr(exc, "__notes__", []) or [])
        field = notes.rsplit("@ attribute ", 1)[-1].split()[0] if "@ attribute" in notes else ""
        if isinstance(exc, KeyError):
            return [f"缺少必填字段 {field or exc}"]
        return [f"{field}: {exc}" if field else str(exc)]
    return [m for sub in subs for m in _leaf_messages(sub)]
