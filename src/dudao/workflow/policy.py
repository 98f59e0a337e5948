"""Step policy: what each step must satisfy where and when it is recorded.

The procedure (:mod:`dudao.workflow.machine`) is the same everywhere; what a
step must carry may differ by region and date: the clause it acts under, the
bodies a feedback meeting must invite, how many days a rectification deadline
may run, which fields a step must fill in, how long the target has to ask for
复核 or 申诉, whether a case may close after 问责 without a 复查. Each is a
*parameter* of the law book (:mod:`dudao.law.parameters`), so a region states
it in YAML like every other parameter — scoped, dated, cited, ``sample: true``
when no document gives the number::

    # plugins/<region>/data/parameters/workflow.yaml
    parameters:
      - id: workflow.rectification_ordered.deadline_days
        title: 下达整改时给出的整改期限（天）
        values:
          - value: 60
            since: 2023-01-01
            sample: true

Parameter ids are ``workflow.<step>.<setting>``:

* ``basis`` (any step): the clause the step acts under in the region — the
  value is its wording, the ``cite`` is what an event that names no citation
  cites (without it: the national document of
  :func:`~dudao.workflow.steps.default_citation`);
* ``deadline_days`` (下达整改、督办单、约谈、通报): the longest deadline the step
  may set, in days after the event; also the deadline ``dudao cases advance``
  sets when none is given;
* ``invitees`` (反馈 as a meeting, 约谈): the bodies that must take part — a list
  of names, or a mapping of each name to the other spellings that count;
* ``required``: payload fields that must be filled in, or further items the
  region requires, recorded in the event's ``extra``;
* ``apply_days`` (``workflow.review`` for 复核, ``workflow.appeal`` for 申诉):
  the days after the decision within which the target may apply;
* ``reinspection`` (``workflow.closed``): ``true`` — after 问责 a case closes
  only once the rectification is reported and a 复查 has passed, or with a
  stated reason (``Closed.reason``) and a citation given for closing without one.

``value: null`` switches a built-in requirement off. The built-in policy rests
on national documents only: for cases under 国教督〔2021〕2号 the review windows
(30 days for 复核, 15 for 申诉) and a decision that states facts, basis and
effective date. Those values come from reposted summaries of the measures; its
article numbers are not verified, so they cite the document only. Nothing
national requires particular bodies at a feedback meeting or 约谈: those lists
are regional (Guangxi: 厅发〔2020〕26号 二（八）、二（十二）, in its plugin).

Policies are checked when an event is recorded, never on replay: a region that
changes a parameter later does not make recorded histories unreadable.

>>> import datetime as dt
>>> from dudao.workflow.steps import Event, Feedback, FeedbackMode, Step
>>> from dudao.workflow.machine import CaseState
>>> p = default_policy(2020)
>>> e = Event("C1", Step.FEEDBACK, dt.date(2023, 3, 10), "湘阴县督导室", "430624",
...           payload=Feedback(FeedbackMode.MEETING, ("县教育局",)))
>>> p.check(CaseState(), e), str(p.citation(Step.FEEDBACK, e.date))
([], '《教育督导条例》')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Entry, LawBook
from dudao.law.kinds import Kind
from dudao.model.documents import Citation
from dudao.workflow.machine import CaseState
from dudao.workflow.steps import (
    KNOWN_BODIES,
    MEASURES_2021,
    PAYLOAD_TYPE,
    Event,
    FeedbackMode,
    Step,
    default_citation,
    field_label,
    missing_bodies,
)

PREFIX = "workflow."
#: Spellings that count for bodies a region names.
KNOWN_SPELLINGS = KNOWN_BODIES
DEADLINE_STEPS = ("rectification_ordered", "supervision_order", "interview", "notice")

#: Which settings exist for which step (or review kind).
SETTINGS: dict[str, frozenset[str]] = {
    "deadline_days": frozenset(DEADLINE_STEPS),
    "invitees": frozenset({"feedback", "interview"}),
    "required": frozenset(s.value for s in Step),
    "apply_days": frozenset({"review", "appeal"}),
    "basis": frozenset(s.value for s in Step),
    "reinspection": frozenset({"closed"}),
}


@attrs.frozen
class Setting:
    """One requirement in force, with where it comes from."""

    value: Any
    cite: Citation | None = None
    sample: bool = False
    source: str | None = None  # file of the parameter (None: built in)
    line: int | None = None

    def basis(self) -> str:
        """The citation as users see it, marked when it is sample data."""
        if self.cite is None:
            return "示例参数（无文件依据）" if self.sample else "（无依据）"
        return f"{self.cite}（示例数据）" if self.sample else str(self.cite)

    def where(self) -> str:
        """Where the requirement is stated: ``file:line``, or built in."""
        if self.source is None:
            return "dudao 内置"
        return f"{self.source}:{self.line}" if self.line is not None else self.source


def _builtin(value: Any, cite: str) -> Setting:
    return Setting(value, Citation.parse(cite))


# National documents only: no built-in requirement for the 2020 path; the 2021
# measures' review windows and the content of a decision for cases under them.
_DEFAULTS_2020: dict[tuple[str, str], Setting] = {}
_DEFAULTS_2021: dict[tuple[str, str], Setting] = {
    ("review", "apply_days"): _builtin(30, MEASURES_2021),
    ("appeal", "apply_days"): _builtin(15, MEASURES_2021),
    ("accountability", "required"): _builtin(("facts", "basis", "effective"), MEASURES_2021),
}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | tuple | list | dict) and not value)


@attrs.frozen
class Policy:
    """The settings in force for one event: ``(step, setting) → Setting``."""

    settings: Mapping[tuple[str, str], Setting] = attrs.field(factory=dict)
    #: The steps (and review kinds) with a setting: :meth:`check` skips the others.
    _named: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_named", frozenset(name for name, _ in self.settings))

    def get(self, name: str, setting: str) -> Setting | None:
        return self.settings.get((name, setting))

    def citation(self, step: Step, on: dt.date) -> Citation:
        """What an event of ``step`` on ``on`` that names no citation cites: the
        region's ``basis`` for the step, else the national document."""
        s = self.get(step.value, "basis")
        if s is not None and s.cite is not None:
            return s.cite
        return default_citation(step, on)

    def default_deadline(self, step: Step, on: dt.date) -> dt.date | None:
        """``on`` plus the step's ``deadline_days``, if a region sets them."""
        s = self.get(step.value, "deadline_days")
        return None if s is None else on + dt.timedelta(days=s.value)

    def check(self, state: CaseState, event: Event) -> list[Problem]:
        """Every requirement of this policy that ``event`` misses."""
        out: list[Problem] = []
        name, p = event.step.value, event.payload
        if name not in self._named and event.step is not Step.REVIEW:
            return out  # nothing required of this step (a 复核's window is the kind's)
        bodies = None
        if event.step is Step.FEEDBACK and p.mode is FeedbackMode.MEETING:
            bodies = (p.invitees, "反馈会议未邀请", "missing-invitees")
        elif event.step is Step.INTERVIEW:
            bodies = (p.participants, "约谈未会同", "missing-participants")
        s = self.get(name, "invitees")
        if bodies is not None and s is not None:
            present, what, code = bodies
            missing = missing_bodies(present, s.value)
            if missing:
                out.append(
                    Problem(
                        f"{what}：{'、'.join(missing)}",
                        code=code,
                        hint=f"依据 {s.basis()}（{s.where()}），须有：{'、'.join(s.value)}",
                    )
                )
        s = self.get(name, "deadline_days")
        if s is not None and event.deadline is not None:
            latest = event.date + dt.timedelta(days=s.value)
            if event.deadline > latest:
                out.append(
                    Problem(
                        f"“{event.step.label}”的期限 {event.deadline} 超过了 {s.value} 天"
                        f"（最迟 {latest}）",
                        code="deadline-too-far",
                        hint=f"依据 {s.basis()}（{s.where()}）",
                    )
                )
        s = self.get(name, "required")
        if s is not None:
            fields = {a.name for a in attrs.fields(PAYLOAD_TYPE[event.step])}
            fields_missing = [f for f in s.value if f in fields and _empty(getattr(p, f))]
            extra_missing = [f for f in s.value if f not in fields and _empty(event.extra.get(f))]
            if fields_missing or extra_missing:
                how = [f"依据 {s.basis()}（{s.where()}）"]
                if fields_missing:
                    how.append("事件字段用 --set 字段=值 给出")
                if extra_missing:
                    how.append("其他项目写在 extra 中（命令行 --extra 名称=内容）")
                named = [f"{field_label(f)}（{f}）" for f in fields_missing]
                out.append(
                    Problem(
                        f"“{event.step.label}”缺少必填内容：" + "、".join(named + extra_missing),
                        code="missing-required",
                        hint="；".join(how),
                    )
                )
        s = self.get(name, "reinspection")
        if s is not None and s.value and event.step is Step.CLOSED:
            out += _close_after_accountability(state, event, s)
        if event.step is Step.REVIEW:
            s = self.get(p.kind.value, "apply_days")
            if s is not None and state.last_date is not None:
                latest = state.last_date + dt.timedelta(days=s.value)
                if p.applied_on > latest:
                    out.append(
                        Problem(
                            f"{p.kind.label}申请日期 {p.applied_on} 已超过决定后 {s.value} 天"
                            f"（最迟 {latest}）",
                            code="review-too-late",
                            hint=f"依据 {s.basis()}；逾期申请不予受理",
                        )
                    )
        return out


def _close_after_accountability(state: CaseState, event: Event, s: Setting) -> list[Problem]:
    """After 问责 (a decision not revoked) the case closes only through 报告整改 and a
    passed 复查 — which the procedure then allows anyway — or for a stated reason
    with its own cited basis."""
    if state.last not in (Step.ACCOUNTABILITY, Step.REVIEW) or state.revoked:
        return []
    given = event.citation
    if event.payload.reason.strip() and given is not None and given != s.cite:
        return []
    if not event.payload.reason.strip():
        why = "未写明理由"
    elif given is None:
        why = "理由未注明依据"
    else:
        why = f"所注依据 {given} 正是要求复查的条款"
    return [
        Problem(
            f"案件 {event.case_id} 已问责（{state.last_date}），尚未报告整改并经复查通过，"
            f"不能结案（{why}）",
            path=("reason",),
            code="close-without-reinspection",
            hint=(
                f"依据 {s.basis()}（{s.where()}）：先记录“报告整改”，再记录“复查”"
                "（是否通过=是）后结案；确因其他原因不经复查结案的，写明理由"
                "（--set 理由=…）并用 --citation 注明其依据"
            ),
        )
    ]


def default_policy(procedure: int) -> Policy:
    """The built-in policy for a case on the 2020 or the 2021 procedure (one shared,
    immutable object each, so the store asks each for a step's basis only once)."""
    return _DEFAULT_2021 if procedure == 2021 else _DEFAULT_2020


_DEFAULT_2020 = Policy(_DEFAULTS_2020)
_DEFAULT_2021 = Policy(_DEFAULTS_2021)


def _procedure(state: CaseState, event: Event) -> int:
    if event.step is Step.OPENED:
        return CaseState(opened_on=event.date).procedure
    return state.procedure


class DefaultPolicies:
    """The built-in policy for every event (no law book)."""

    def for_event(self, state: CaseState, event: Event) -> Policy:
        return default_policy(_procedure(state, event))


def _setting_value(setting: str, entry: Entry) -> Any:
    """The entry's value in the form ``setting`` needs, or raise naming the file."""
    value = entry.value
    ok = True
    if setting in ("deadline_days", "apply_days"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        want = "正整数（天数）"
    elif setting == "basis":
        # the cite is what events cite; the value says what the clause provides
        ok = isinstance(value, str) and bool(value.strip()) and bool(entry.cite)
        want = "该条款的原文或要点（文本），并用 cite 写明条款"
    elif setting == "reinspection":
        ok = isinstance(value, bool)
        want = "true 或 false"
    elif setting == "invitees":
        want = "单位名称的列表，或 名称: [其他写法] 的映射"
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            value = {v: () for v in value}
        elif isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, list | tuple) for k, v in value.items()
        ):
            value = {k: tuple(v) for k, v in value.items()}
        else:
            ok = False
        if ok:  # the built-in spellings of a known body still count
            value = {
                k: tuple(dict.fromkeys((*v, *KNOWN_SPELLINGS.get(k, ())))) for k, v in value.items()
            }
    else:
        want = "字段名称的列表"
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    if not ok:
        raise DudaoError(
            Problem(
                f"流程参数 {entry.id} 的取值 {entry.value!r} 无效",
                source=entry.origin.source,
                line=entry.origin.line,
                path=("values",),
                code="bad-workflow-parameter",
                hint=f"应为{want}",
            )
        )
    return value


def workflow_parameter_problems(book: LawBook) -> list[Problem]:
    """``workflow.*`` parameters whose id names no step setting."""
    out = []
    for id in book.ids(Kind.PARAMETER):
        if not id.startswith(PREFIX):
            continue
        name, _, setting = id[len(PREFIX) :].partition(".")
        if name not in SETTINGS.get(setting, ()):
            entry = book.versions(Kind.PARAMETER, id)[0]
            choices = "；".join(f"{k}：{'、'.join(sorted(v))}" for k, v in SETTINGS.items())
            out.append(
                Problem(
                    f"未知的流程参数 {id}",
                    source=entry.origin.source,
                    line=entry.origin.line,
                    code="unknown-workflow-parameter",
                    hint=f"写成 workflow.<步骤>.<设置>；可用的设置与步骤：{choices}",
                )
            )
    return out


class LawBookPolicies:
    """The built-in policy refined by the ``workflow.*`` parameters of a law book,
    resolved for the event's target and date."""

    def __init__(self, book: LawBook) -> None:
        problems = workflow_parameter_problems(book)
        if problems:
            raise DudaoError(problems)
        self.book = book
        self._ids = [i for i in book.ids(Kind.PARAMETER) if i.startswith(PREFIX)]

    def policy(self, target: str, on: dt.date, procedure: int) -> Policy:
        settings = dict(default_policy(procedure).settings)
        for id in self._ids:
            entry = self.book.resolve(Kind.PARAMETER, id, target, on)
            if entry is None:
                continue
            name, _, setting = id[len(PREFIX) :].partition(".")
            if entry.value is None:  # the law is silent here: no requirement
                settings.pop((name, setting), None)
                continue
            settings[(name, setting)] = Setting(
                _setting_value(setting, entry),
                entry.cite[0] if entry.cite else None,
                entry.sample,
                entry.origin.source,
                entry.origin.line,
            )
        return Policy(settings)

    def for_event(self, state: CaseState, event: Event) -> Policy:
        return self.policy(event.target, event.date, _procedure(state, event))
