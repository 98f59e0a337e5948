"""The recorded events of an accountability case.

A case is a sequence of :class:`Event`. Each event has a :class:`Step` (what
happened), a date, who did it (``actor``), the supervised unit (``target``), a
citation and a step-specific payload.

Every recorded event is cited. An event that names no citation acts under the
step's *basis* where and when it is recorded: the region's
``workflow.<step>.basis`` parameter (Guangxi: 厅发〔2020〕26号 二（七）–（十四）),
else the national document of :func:`default_citation`. The store fills it in
(:meth:`dudao.workflow.policy.Policy.citation`).

>>> import datetime as dt
>>> e = Event("C1", Step.FEEDBACK, dt.date(2023, 5, 10), "湘阴县人民政府教育督导室",
...           "430624", payload=Feedback(FeedbackMode.WRITTEN))
>>> e.step.label, e.citation, str(default_citation(e.step, e.date))
('反馈', None, '《教育督导条例》')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.model.documents import Citation
from dudao.model.labels import LabelledEnum

#: 《教育督导条例》 (国务院令第624号), in force 2012-10-01. Its procedure (督导小组 →
#: 初步督导意见 → 反馈 → 申辩 → 督导意见书) is known from the MOE's explanation, not
#: from verified article numbers (domain-facts.md (a) 1), so steps cite it as a whole.
ORDINANCE = "《教育督导条例》"
#: 中办国办《关于深化新时代教育督导体制机制改革的意见》, published 2020-02-19 (the issue
#: date is not verified). It sets the rules for using results — 报告、反馈、整改、复查、
#: 激励、约谈、通报、问责 — but its clause numbers are not verified: cited by title.
OPINIONS = "《关于深化新时代教育督导体制机制改革的意见》"
OPINIONS_SINCE = dt.date(2020, 2, 19)

#: 《教育督导问责办法》: issued 2021-07-20, in force 2021-09-01. Its article numbers are
#: not verified (domain-facts.md, section (c)/(d)), so its steps cite the document only.
MEASURES_2021 = "国教督〔2021〕2号"
MEASURES_2021_SINCE = dt.date(2021, 9, 1)
#: The three as citations (immutable: made once, not for every event recorded).
_CITE_ORDINANCE = Citation(ORDINANCE)
_CITE_OPINIONS = Citation(OPINIONS)
_CITE_MEASURES_2021 = Citation(MEASURES_2021)


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


#: Escalation ladder: a case's level never goes down (督办单 1 < 约谈 2 < 通报 3 < 问责 4).
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

#: Steps the 条例's own procedure names (立案 from a supervision; 反馈 of the initial
#: opinion); the others follow the 意见's rules for using results.
_ORDINANCE_STEPS = frozenset({Step.OPENED, Step.FEEDBACK})


def default_citation(step: Step, on: dt.date | None = None) -> Citation:
    """The national document a step acts under when neither the event nor the
    region (``workflow.<step>.basis``) names one. National documents only: their
    article and clause numbers are unverified, so each is cited as a whole.

    * the 2021 procedure's own steps, and a 问责 decision from 2021-09-01:
      国教督〔2021〕2号;
    * 立案 and 反馈, and every step dated before the 意见 was published: the 条例;
    * the other steps (报告、整改、督办、复查、表彰、约谈、通报、问责): the 意见.

    >>> str(default_citation(Step.ACCOUNTABILITY, dt.date(2021, 8, 31)))
    '《关于深化新时代教育督导体制机制改革的意见》'
    >>> str(default_citation(Step.ACCOUNTABILITY, dt.date(2021, 9, 1)))
    '国教督〔2021〕2号'
    >>> str(default_citation(Step.INTERVIEW, dt.date(2019, 5, 1)))
    '《教育督导条例》'
    """
    if step in PROCEDURE_2021_STEPS or (
        step is Step.ACCOUNTABILITY and on is not None and on >= MEASURES_2021_SINCE
    ):
        return _CITE_MEASURES_2021
    if step in _ORDINANCE_STEPS or (on is not None and on < OPINIONS_SINCE):
        return _CITE_ORDINANCE
    return _CITE_OPINIONS


#: Other words officials use for a step (beside its English value and Chinese
#: label), as ``dudao cases advance`` accepts them. 复核 and 申诉 also say which
#: kind of review it is (:data:`STEP_IMPLIES`).
STEP_ALIASES: dict[Step, tuple[str, ...]] = {
    Step.OPENED: (),
    Step.REPORTED: ("报告",),
    Step.FEEDBACK: ("反馈会议", "书面反馈"),
    Step.RECTIFICATION_ORDERED: ("整改", "限期整改", "整改通知"),
    Step.RECTIFICATION_REPORTED: ("整改报告", "整改情况报告"),
    Step.REINSPECTED: ("复查", "回头看"),
    Step.SUPERVISION_ORDER: ("督办", "下发督办单"),
    Step.INTERVIEW: (),
    Step.NOTICE: ("督导通报",),
    Step.INVESTIGATION: ("调查",),
    Step.STATEMENT: ("申辩", "陈述"),
    Step.ACCOUNTABILITY: ("问责决定",),
    Step.REVIEW: ("复核", "申诉"),
    Step.COMMENDED: ("激励",),
    Step.CLOSED: (),
}
#: Payload fields a step name settles by itself (反馈会议 is a meeting, 申诉 an appeal).
STEP_IMPLIES: dict[str, dict[str, str]] = {
    "反馈会议": {"mode": "meeting"},
    "书面反馈": {"mode": "written"},
    "复核": {"kind": "review"},
    "申诉": {"kind": "appeal"},
}


def step_names(step: Step) -> tuple[str, ...]:
    """Every name a step is accepted under: English value, Chinese label, aliases."""
    return (step.value, step.label, *STEP_ALIASES[step])


def parse_step(text: str) -> Step:
    """The step named ``text`` (English, its Chinese label or a word officials use).

    >>> parse_step("复查"), parse_step("督办"), parse_step("reinspected")
    (<Step.REINSPECTED: 'reinspected'>, <Step.SUPERVISION_ORDER: 'supervision_order'>, \
<Step.REINSPECTED: 'reinspected'>)
    """
    name = text.strip() if isinstance(text, str) else text
    for step in Step:
        if name in step_names(step):
            return step
    choices = "；".join("、".join(step_names(s)) for s in Step)
    raise DudaoError(
        Problem(f"不认识的步骤 '{text}'", code="bad-step", hint=f"可用的步骤名称：{choices}")
    )


class Source(LabelledEnum):
    """What a case starts from."""

    FINDING = ("finding", "规则发现")
    EVALUATION = ("evaluation", "评价结果")
    INSPECTION = ("inspection", "督导检查")


class SevereTrigger(LabelledEnum):
    """Situations a region may open straight into accountability (a ``direct``
    问责情景, :mod:`dudao.workflow.situations`). Guangxi's 厅发〔2020〕26号 二（十四）
    names the first three; 阻挠、干扰和不配合 is in its first tier (约谈、通报 and
    accountability, not direct) and stays here so that cases recorded with it, and
    regions that do treat it as direct, still read."""

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
    """What a 通报 recommends for the unit's leaders (Guangxi 厅发〔2020〕26号 二（十三））."""

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


# Spellings that count for bodies a region may require at a meeting (the
# ``invitees`` setting of :mod:`dudao.workflow.policy`): regions name the same
# bodies differently (纪委监委 is the usual local name of 纪检监察机关). Vocabulary
# only: no body is required anywhere unless a region's parameter says so.
KNOWN_BODIES: dict[str, tuple[str, ...]] = {
    "纪检监察机关": ("纪检监察", "纪委", "监委", "discipline"),
    "党委组织部": ("组织部", "organisation", "organization"),
    "党委组织部门": ("组织部", "organisation", "organization"),
    "绩效办": ("绩效办", "绩效考评", "performance"),
}


def missing_bodies(present: tuple[str, ...], required: dict[str, tuple[str, ...]]) -> list[str]:
    """The required bodies none of ``present`` names.

    >>> need = {k: KNOWN_BODIES[k] for k in ("纪检监察机关", "党委组织部", "绩效办")}
    >>> missing_bodies(("南宁市纪委监委", "市委组织部"), need)
    ['绩效办']
    """
    return [
        body
        for body, spellings in required.items()
        if not any(s in p or body in p for p in present for s in spellings)
    ]


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


# ---------------------------------------------------------------- payloads
def _source(value: str | Source) -> Source:
    return Source.parse(value)


def _optional_severe_trigger(value: str | SevereTrigger | None) -> SevereTrigger | None:
    return None if value is None else SevereTrigger.parse(value)


@attrs.frozen
class Opened:
    source: Source = attrs.field(default=Source.INSPECTION, converter=_source)
    reference: str = ""  # the finding's rule id, an evaluation or inspection id
    summary: str = ""
    severe: SevereTrigger | None = attrs.field(default=None, converter=_optional_severe_trigger)


@attrs.frozen
class Reported:
    published: bool = True  # the CLI asks for it explicitly (EXPLICIT_FIELDS)
    channel: str = ""


def _feedback_mode(value: str | FeedbackMode) -> FeedbackMode:
    return FeedbackMode.parse(value)


@attrs.frozen
class Feedback:
    mode: FeedbackMode = attrs.field(default=FeedbackMode.MEETING, converter=_feedback_mode)
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


def _lapse(value: str | Lapse) -> Lapse:
    return Lapse.parse(value)


@attrs.frozen
class SupervisionOrder:
    deadline: dt.date
    supervising_department: str  # 主管部门: 承担监督责任，整改不力负连带责任
    reason: Lapse = attrs.field(default=Lapse.LATE, converter=_lapse)
    # the supervising department shares liability if rectification fails
    # (国教督〔2021〕2号; Guangxi 厅发〔2020〕26号 二（九）)
    joint_liability: bool = True


@attrs.frozen
class Interview:
    deadline: dt.date
    participants: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    interviewees: str = "相关负责人"
    # where the written record is filed; a region requires it through
    # ``workflow.interview.required`` (Guangxi 二（十二）: 所在地党委和政府、上级主管部门)
    record_filed_with: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


def _consequences(value: Any) -> tuple[Consequence, ...]:
    return tuple(Consequence.parse(x) for x in _tuple(value))


@attrs.frozen
class Notice:
    deadline: dt.date
    # to whom, and what it recommends: stated with each notice; a region requires
    # them through ``workflow.notice.required`` (Guangxi 二（十三）)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    consequences: tuple[Consequence, ...] = attrs.field(default=(), converter=_consequences)


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
    published: bool = True  # the CLI asks for it explicitly (EXPLICIT_FIELDS)
    decision: str = ""
    # 国教督〔2021〕2号: a decision states the facts, the basis, the form and when it
    # takes effect (required from 2021-09-01 by the default step policy).
    facts: str = ""
    basis: str = ""
    effective: dt.date | None = None


def _review_kind(value: str | ReviewKind) -> ReviewKind:
    return ReviewKind.parse(value)


def _review_outcome(value: str | ReviewOutcome) -> ReviewOutcome:
    return ReviewOutcome.parse(value)


@attrs.frozen
class Review:
    """复核 or 申诉 against a 问责 decision; the event date is the date it was decided."""

    applied_on: dt.date
    kind: ReviewKind = attrs.field(default=ReviewKind.REVIEW, converter=_review_kind)
    outcome: ReviewOutcome = attrs.field(default=ReviewOutcome.UPHELD, converter=_review_outcome)
    forms: tuple[AccountabilityForm, ...] = attrs.field(default=(), converter=_forms)


@attrs.frozen
class Commended:
    reason: str = ""


@attrs.frozen
class Closed:
    # why the case closes; required with a cited basis where a region lets a case
    # close after 问责 only once a 复查 has passed (``workflow.closed.reinspection``)
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


#: What officials call each payload field: the first name is its label, the
#: others are accepted too (``dudao cases advance --set 名称=值``). A name may mean
#: different fields of different steps (方式: a feedback's mode, a 复查's method),
#: never two fields of one step.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "source": ("来源",),
    "reference": ("来源编号",),
    "summary": ("摘要", "情况", "内容"),
    "severe": ("严重情形",),
    "published": ("是否公开", "公开", "公布"),
    "channel": ("公开渠道", "渠道"),
    "mode": ("反馈方式", "方式"),
    "invitees": ("邀请单位", "参加单位"),
    "issues": ("问题", "存在的问题"),
    "deadline": ("期限", "整改期限"),
    "requirements": ("整改要求", "要求"),
    "passed": ("是否通过", "通过"),
    "unannounced": ("暗访",),
    "method": ("复查方式", "方式"),
    "supervising_department": ("主管部门",),
    "reason": ("原因", "理由"),
    "joint_liability": ("连带责任",),
    "participants": ("会同单位", "参加单位"),
    "interviewees": ("约谈对象",),
    "record_filed_with": ("备案单位", "报送备案"),
    "recipients": ("通报对象",),
    "consequences": ("建议", "后果"),
    "responsible": ("应当问责", "认定应当问责"),
    "group": ("工作组", "调查认定工作组"),
    "facts": ("事实",),
    "waived": ("放弃陈述申辩", "放弃"),
    "forms": ("问责方式", "方式"),
    "decision": ("决定", "决定文号"),
    "basis": ("依据",),
    "effective": ("生效日期", "生效时间"),
    "applied_on": ("申请日期",),
    "kind": ("类型",),
    "outcome": ("结果", "决定结果"),
}

#: Fields whose default would decide something an official must state: the CLI
#: asks for them instead of recording the default silently.
EXPLICIT_FIELDS: dict[Step, tuple[str, ...]] = {
    Step.REPORTED: ("published",),
    Step.FEEDBACK: ("mode",),
    Step.SUPERVISION_ORDER: ("reason",),
    Step.ACCOUNTABILITY: ("published",),
    Step.REVIEW: ("kind", "outcome"),
}


def field_label(name: str) -> str:
    """The Chinese name of a payload field (or the name itself if it has none)."""
    names = FIELD_NAMES.get(name)
    return names[0] if names else name


def payload_field(step: Step, name: str) -> str | None:
    """The field of ``step``'s payload that ``name`` (English or Chinese) means.

    >>> payload_field(Step.FEEDBACK, "方式"), payload_field(Step.REINSPECTED, "方式")
    ('mode', 'method')
    >>> payload_field(Step.FEEDBACK, "colour") is None
    True
    """
    fields = [a.name for a in attrs.fields(PAYLOAD_TYPE[step])]
    if name in fields:
        return name
    return next((f for f in fields if name in FIELD_NAMES.get(f, ())), None)


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


def _step(value: str | Step) -> Step:
    return Step.parse(value)


def _optional_citation(value: str | Citation | None) -> Citation | None:
    return None if value is None else Citation.parse(value)


@attrs.frozen
class Event:
    """One recorded, cited step of a case. ``seq`` is the event's number in its case
    (1, 2, …): the store sets it on events it reads back; an event to be recorded may
    carry the number it expects to get, and the store then refuses it if the case has
    moved on meanwhile (optimistic concurrency).

    ``extra`` holds what a region requires beyond the payload's fields (named by
    the ``workflow.<step>.required`` parameter, see :mod:`dudao.workflow.policy`).
    """

    case_id: str
    step: Step = attrs.field(converter=_step)
    date: dt.date
    actor: str
    target: str
    # None: the step's basis where and when it is recorded, filled in by the store
    # (a region's ``workflow.<step>.basis``, else :func:`default_citation`)
    citation: Citation | None = attrs.field(default=None, converter=_optional_citation)
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
    from dudao.model.convert import converter

    data: dict[str, Any] = converter.unstructure(payload)
    return data


def payload_from_dict(step: Step, data: dict[str, Any]) -> Any:
    """Structure a payload; bad data becomes a DudaoError naming the step."""
    from dudao.model.convert import converter

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
