"""``dudao cases``: open, advance and follow accountability cases in a case store.

The store is a SQLite file (default ``dudao-cases.db``, or ``$DUDAO_STORE``) or
any SQLAlchemy URL. Every change is validated against the case's replayed state
and the step policy in force for its target and date (the plugins' ``workflow.*``
parameters, :mod:`dudao.workflow.policy`), and either recorded whole or refused
(exit 2) with nothing changed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

if TYPE_CHECKING:
    from dudao.model.hierarchy import Hierarchy
    from dudao.model.labels import LabelledEnum
    from dudao.store import CaseStore

from dudao.cli.output import ReportingGroup, format_option, parse_date, print_json, stderr, stdout
from dudao.errors import DudaoError, Problem
from dudao.workflow import (
    EXPLICIT_FIELDS,
    FIELD_NAMES,
    PAYLOAD_TYPE,
    CaseState,
    Event,
    Overdue,
    SevereTrigger,
    Source,
    Step,
    allowed_next,
    field_label,
    parse_step,
    payload_field,
    payload_from_dict,
    payload_to_dict,
    step_names,
    step_problem,
)
from dudao.workflow.policy import LawBookPolicies, Policy
from dudao.workflow.situations import AccountabilitySituation
from dudao.workflow.steps import STEP_IMPLIES

FORMAT = format_option("table", "json")


def _date(value: str | None, what: str = "日期") -> dt.date:
    """A date from the command line; today when not given."""
    return parse_date(value, what) or dt.date.today()


class _PluginPolicies:
    """The plugins' step policies, loaded on the first write (reading needs none)."""

    def __init__(self) -> None:
        self._policies: LawBookPolicies | None = None

    def _get(self) -> LawBookPolicies:
        if self._policies is None:
            from dudao.plugins.manager import load_plugins

            self._policies = LawBookPolicies(load_plugins().law_book())
        return self._policies

    def for_event(self, state: CaseState, event: Event) -> Policy:
        return self._get().for_event(state, event)

    def policy(self, target: str, on: dt.date, procedure: int) -> Policy:
        return self._get().policy(target, on, procedure)


def _store(ctx: click.Context) -> CaseStore:
    # SQLAlchemy is imported only by the cases commands (0.3 s on every other command)
    from dudao.store import CaseStore

    policies = ctx.obj.setdefault("policies", _PluginPolicies())
    return CaseStore.open(ctx.obj["store"], policies=policies)


@click.group(cls=ReportingGroup)
@click.option(
    "--store",
    envvar="DUDAO_STORE",
    default="dudao-cases.db",
    show_default=True,
    help="案件库：SQLite 文件路径或 SQLAlchemy URL（也可用环境变量 DUDAO_STORE）",
)
@click.pass_context
def cases(ctx: click.Context, store: str) -> None:
    """督导问责案件：立案、推进（反馈、整改、督办、复查、约谈、通报、问责、表彰、结案）、查询、逾期。"""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


# ------------------------------------------------------------------ open
#: Severe triggers offered on the command line: those a 问责情景 may open straight
#: into 问责. 阻挠督导 is not among them (厅发〔2020〕26号 二（十四） puts it in the
#: first tier: 约谈、通报 and accountability); a region that treats a situation as
#: direct says so in its accountability.yaml, used through --situation.
SEVERE_CHOICES = tuple(t for t in SevereTrigger if t is not SevereTrigger.OBSTRUCTION)


def _choices(enum: Any, members: Any = None) -> str:
    return "、".join(f"{m.label}（{m.value}）" for m in (members or enum))


def _parse_choice(enum: Any, value: str, option: str, members: Any = None) -> Any:
    allowed = tuple(members or enum)
    try:
        member = enum.parse(value.strip())
    except ValueError:
        member = None
    if member not in allowed:
        raise DudaoError(
            Problem(
                f"{option} 的取值 '{value}' 无法识别",
                code="bad-option",
                hint=f"可选：{_choices(enum, allowed)}",
            )
        )
    return member


@cases.command("open")
@click.argument("target")
@click.option("--actor", required=True, help="立案的督导机构")
@click.option("--date", "date_", help="立案日期 YYYY-MM-DD（默认今天）")
@click.option("--case-id", help="案件编号（默认自动分配，如 DD2023000001）")
@click.option(
    "--source",
    help="案件来源（必填）：" + _choices(Source),
)
@click.option("--reference", default="", help="来源编号：规则、评价或督导检查的编号")
@click.option("--summary", default="", help="问题摘要")
@click.option(
    "--severe",
    help="直接进入问责的严重情形："
    + _choices(SevereTrigger, SEVERE_CHOICES)
    + "；各地哪些情形直接问责以其问责情景为准，宜用 --situation",
)
@click.option(
    "--situation",
    help="问责情景编号：按对象所在地区有效的情景立案，依据取自情景；直接问责的情景按严重情形立案",
)
@click.option(
    "--citation",
    help="依据（默认取当地立案步骤的依据：地区参数 workflow.opened.basis，否则《教育督导条例》）",
)
@FORMAT
@click.pass_context
def open_(
    ctx: click.Context,
    target: str,
    actor: str,
    date_: str | None,
    case_id: str | None,
    source: str | None,
    reference: str,
    summary: str,
    severe: str | None,
    situation: str | None,
    citation: str | None,
    fmt: str,
) -> None:
    """为被督导单位 TARGET 立案。"""
    if source is None:
        raise DudaoError(
            Problem(
                "立案须写明案件来源",
                code="missing-option",
                hint=f"加 --source，可选：{_choices(Source)}",
            )
        )
    kind = _parse_choice(Source, source, "--source")
    trigger = (
        None if severe is None else _parse_choice(SevereTrigger, severe, "--severe", SEVERE_CHOICES)
    )
    if not actor.strip():
        raise DudaoError(
            Problem("--actor 不能为空", code="missing-option", hint="写明立案的督导机构")
        )
    day = _date(date_)
    if situation is not None:
        sit = _situation(target, situation, day)
        if sit.direct:
            trigger = sit.trigger or trigger
        citation = citation or str(sit.cite)
        summary = summary or sit.name
        reference = reference or sit.id
    store = _store(ctx)
    record = store.open_case(
        target,
        day,
        actor=actor,
        case_id=case_id,
        source=kind,
        reference=reference,
        summary=summary,
        severe=trigger,
        citation=citation,
    )
    _print_record(record.case_id, record.events, record.state, fmt)


def _situation(target: str, situation_id: str, day: dt.date) -> AccountabilitySituation:
    """The 问责情景 ``situation_id`` in force for ``target`` on ``day``."""
    from dudao.plugins.manager import load_plugins

    in_force = {s.id: s for s in load_plugins().accountability_situations(target, day)}
    if situation_id not in in_force:
        raise DudaoError(
            Problem(
                f"{target} 在 {day} 没有有效的问责情景 '{situation_id}'",
                code="unknown-situation",
                hint="可选：" + ("、".join(sorted(in_force)) or "（无）"),
            )
        )
    return in_force[situation_id]


# ------------------------------------------------------------------ advance
#: The steps ``advance`` records (立案 is ``open``).
ADVANCE_STEPS = tuple(s for s in Step if s is not Step.OPENED)
_TRUE = ("true", "是", "yes", "1")
_FALSE = ("false", "否", "no", "0")


def _field_text(step: Step, name: str) -> str:
    """``mode（反馈方式、方式：反馈会议 meeting / 书面反馈通知 written）``: help and errors."""
    attr = attrs.fields_dict(PAYLOAD_TYPE[step])[name]
    text = f"{name}（{'、'.join(FIELD_NAMES.get(name, ()))}"
    enum = _enum_of(attr)
    if enum is not None:
        text += "：" + " / ".join(f"{m.label} {m.value}" for m in enum)
    elif _is(attr, "bool"):
        text += "：是 / 否"
    return text + "）"


def _type_text(attr: Any) -> str:
    # annotations are strings under `from __future__ import annotations` until
    # cattrs resolves them to classes (it does on first use)
    t = attr.type
    if isinstance(t, str):
        return t
    return t.__name__ if isinstance(t, type) else str(t)


def _is(attr: Any, kind: str) -> bool:
    return _type_text(attr).replace("datetime.", "").replace("dt.", "").startswith(kind)


def _enum_of(attr: Any) -> type[LabelledEnum] | None:
    """The labelled enum a field holds (itself, in a tuple, or optional), if any."""
    from dudao.model.labels import LabelledEnum
    from dudao.workflow import steps

    for name in re.findall(r"\w+", _type_text(attr)):
        enum = getattr(steps, name, None)
        if isinstance(enum, type) and issubclass(enum, LabelledEnum):
            return enum
    return None


def _advance_help() -> str:
    """``advance``'s help, made from the tables the command parses with, so that it
    lists exactly what the command accepts."""
    lines = [
        "为案件 CASE_ID 记录下一步 STEP；事件内容用 --set 名称=值 给出（名称用英文或中文）。",
        "",
        "\b",
        "STEP 可写（每行一步，写其中任一名称）：",
    ]
    for step in ADVANCE_STEPS:
        lines.append(f"  {'、'.join(step_names(step))}")
    lines += [
        "",
        "\b",
        "以下名称同时给出内容："
        + "；".join(
            f"{k} 即 {'、'.join(f'{f}={v}' for f, v in implied.items())}"
            for k, implied in STEP_IMPLIES.items()
        ),
        "",
        "\b",
        "各步骤的字段（* 为必须写明的字段）：",
    ]
    for step in ADVANCE_STEPS:
        need = _needed(step)
        fields = [
            ("*" if a.name in need else "") + _field_text(step, a.name)
            for a in attrs.fields(PAYLOAD_TYPE[step])
        ]
        lines.append(f"  {step.label}：{'、'.join(fields) or '（无）'}")
    lines += ["", "立案用 dudao cases open。"]
    return "\n".join(lines)


def _needed(step: Step) -> set[str]:
    """Fields the command asks for: those without a default, and those whose
    default would decide something an official must state (EXPLICIT_FIELDS)."""
    cls = PAYLOAD_TYPE[step]
    no_default = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    return no_default | set(EXPLICIT_FIELDS.get(step, ()))


def _bad_field(step: Step, item: str) -> DudaoError:
    fields = "、".join(_field_text(step, a.name) for a in attrs.fields(PAYLOAD_TYPE[step]))
    return DudaoError(
        Problem(
            f"无法理解 --set '{item}'",
            code="bad-field",
            hint=f"写成 名称=值；“{step.label}”的字段有：{fields or '（无）'}",
        )
    )


def _parse_sets(step: Step, sets: tuple[str, ...], implied: dict[str, str]) -> dict[str, Any]:
    fields = attrs.fields_dict(PAYLOAD_TYPE[step])
    data: dict[str, Any] = dict(implied)
    for item in sets:
        raw, sep, value = item.partition("=")
        key = payload_field(step, raw.strip()) if sep else None
        if key is None:
            raise _bad_field(step, item)
        attr = fields[key]
        if key in implied and value.strip() != implied[key]:
            enum = _enum_of(attr)
            same = enum is not None and _parses_to(enum, value, implied[key])
            if not same:
                raise DudaoError(
                    Problem(
                        f"步骤名称已说明 {key}={implied[key]}，与 --set '{item}' 矛盾",
                        code="bad-field",
                        hint="去掉这一 --set，或换用不带含义的步骤名称",
                    )
                )
            continue
        if _is(attr, "tuple"):
            data.setdefault(key, []).append(value)
        elif _is(attr, "bool"):
            text = value.strip().lower()
            if text not in _TRUE + _FALSE:
                raise DudaoError(
                    Problem(
                        f"{field_label(key)}（{key}）应为 是 或 否，而不是 '{value}'",
                        code="bad-field",
                        hint="写 是/否 或 true/false",
                    )
                )
            data[key] = text in _TRUE
        else:
            data[key] = value
    return data


def _parses_to(enum: type[LabelledEnum], value: str, expected: str) -> bool:
    try:
        return enum.parse(value.strip()).value == expected
    except ValueError:
        return False


def _parse_extras(items: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DudaoError(
                Problem(f"无法理解 --extra '{item}'", code="bad-field", hint="写成 名称=内容")
            )
        out[key.strip()] = value
    return out


def _missing(step: Step, data: dict[str, Any]) -> None:
    """Every field the command asks for that was not given, in one error."""
    missing = [f for f in _needed(step) if f not in data and f != "deadline"]
    if not missing:
        return
    order = [a.name for a in attrs.fields(PAYLOAD_TYPE[step])]
    missing.sort(key=order.index)
    example = " ".join(f"--set {field_label(f)}=…" for f in missing)
    raise DudaoError(
        Problem(
            f"“{step.label}”须写明：" + "、".join(_field_text(step, f) for f in missing),
            code="missing-field",
            hint=f"加 {example}（不设默认值，以免替办理机构作出判断）",
        )
    )


def _parse_step_arg(text: str) -> Step:
    step = parse_step(text)
    if step is Step.OPENED:
        raise DudaoError(
            Problem("advance 不能立案", code="bad-step", hint="立案用 dudao cases open TARGET")
        )
    return step


def _check_id(case_id: str) -> None:
    if not case_id.strip():
        raise DudaoError(
            Problem(
                "案件编号不能为空", code="empty-case-id", hint="用 dudao cases list 查看案件编号"
            )
        )


@cases.command(help=_advance_help())
@click.argument("case_id")
@click.argument("step")
@click.option("--date", "date_", help="事件日期 YYYY-MM-DD（默认今天）")
@click.option("--actor", help="办理的督导机构（默认沿用上一事件）")
@click.option(
    "--citation",
    help="依据（默认取当地该步骤的依据：地区参数 workflow.<步骤>.basis，否则国家文件）",
)
@click.option(
    "--deadline",
    help="整改期限 YYYY-MM-DD（下达整改、督办单、约谈、通报；"
    "不给时按地区参数 workflow.<步骤>.deadline_days 推算）",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="名称=值",
    help="事件内容，可多次给出；名称用英文或中文（见上）；"
    "列表字段重复给出，如 --set 邀请单位=市纪委监委",
)
@click.option(
    "--extra",
    "extras",
    multiple=True,
    metavar="名称=内容",
    help="地区要求的其他内容（workflow.<步骤>.required 中不属于事件字段的项目）",
)
@click.option(
    "--seq",
    type=click.IntRange(min=1),
    help="本事件应为案件的第几个事件（dudao cases show 所见事件数 + 1）；"
    "默认按本命令读到的案件；案件已被他人推进时拒绝记录",
)
@FORMAT
@click.pass_context
def advance(
    ctx: click.Context,
    case_id: str,
    step: str,
    date_: str | None,
    actor: str | None,
    citation: str | None,
    deadline: str | None,
    sets: tuple[str, ...],
    extras: tuple[str, ...],
    seq: int | None,
    fmt: str,
) -> None:
    _check_id(case_id)
    kind = _parse_step_arg(step)
    day = _date(date_)
    store = _store(ctx)
    current = store.case(case_id)
    state, target = current.state, current.state.target or ""
    # an out-of-order step is reported as such, before any complaint about its content
    problem = step_problem(state, kind, day, case_id)
    if problem is not None:
        raise DudaoError(problem)
    implied = STEP_IMPLIES.get(step.strip(), {})
    data = _parse_sets(kind, sets, implied)
    has_deadline = "deadline" in attrs.fields_dict(PAYLOAD_TYPE[kind])
    if deadline is not None:
        if not has_deadline:
            raise DudaoError(
                Problem(f"“{kind.label}”不设整改期限", code="bad-field", hint="去掉 --deadline")
            )
        data["deadline"] = _date(deadline, "期限").isoformat()
    _missing(kind, data)
    if has_deadline and "deadline" not in data:
        policy = ctx.obj["policies"].policy(target, day, state.procedure)
        default = policy.default_deadline(kind, day)
        if default is None:
            raise DudaoError(
                Problem(
                    f"“{kind.label}”须给出整改期限",
                    code="missing-deadline",
                    hint=f"加 --deadline YYYY-MM-DD；或由地区参数 workflow.{kind.value}."
                    "deadline_days 规定天数",
                )
            )
        data["deadline"] = default.isoformat()
    payload = payload_from_dict(kind, data)
    event = Event(
        case_id,
        kind,
        day,
        actor or current.events[-1].actor,
        target,
        payload=payload,
        # the number this event gets if nobody records one meanwhile
        seq=seq if seq is not None else state.count + 1,
        # Event.extra is converter=dict, which mypy's attrs plugin types from dict's overloads
        extra=_parse_extras(extras),  # type: ignore[arg-type]
        citation=citation or None,  # None (also for ""): the step's basis, filled in by the store
    )
    record = store.append(case_id, event)
    _print_record(record.case_id, record.events, record.state, fmt)


# ------------------------------------------------------------------ show / list
def _event_json(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "step": e.step.value,
        "step_label": e.step.label,
        "date": e.date.isoformat(),
        "actor": e.actor,
        "target": e.target,
        "citation": str(e.citation),
        "payload": payload_to_dict(e.payload),
        "extra": dict(e.extra),
    }


def _state_json(s: CaseState) -> dict[str, Any]:
    return {
        "case_id": s.case_id,
        "target": s.target,
        "status": s.status,
        "last_step": s.last.value if s.last else None,
        "last_date": s.last_date.isoformat() if s.last_date else None,
        "events": s.count,
        "rank": s.rank,
        "deadline": s.deadline.isoformat() if s.deadline else None,
        "closed": s.closed,
        "procedure": s.procedure,
        "allowed_next": [x.value for x in allowed_next(s)],
    }


def _payload_text(e: Event) -> str:
    data = payload_to_dict(e.payload)
    parts = []
    for key, value in data.items():
        if value in ((), [], "", None):
            continue
        if isinstance(value, list):
            value = "、".join(map(str, value))
        parts.append(f"{key}={value}")
    parts += [f"{key}={value}" for key, value in e.extra.items()]
    return "；".join(parts)


def _print_record(case_id: str, events: tuple[Event, ...], state: CaseState, fmt: str) -> None:
    if fmt == "json":
        print_json({"case": _state_json(state), "events": [_event_json(e) for e in events]})
        return
    from dudao.cli.table import Col, layout, paragraph

    columns = (
        Col("序号", "number"),
        Col("日期", "id"),
        Col("步骤", "text", min_text=4),
        Col("办理机构", "text", min_text=6),
        Col("内容", "text", min_text=12),
        Col("依据", "text", keep=1, min_text=10, fold_into="内容"),
    )
    rows = [
        [str(e.seq), str(e.date), e.step.label, e.actor, _payload_text(e), str(e.citation)]
        for e in events
    ]
    hierarchy = _hierarchy()
    unit = state.target or ""
    named = f"{hierarchy.get(unit).name}（{unit}）" if unit in hierarchy else unit
    title = f"案件 {case_id}（被督导单位 {named}）"
    stdout.print(layout(stdout, columns, rows).table(rows, title=title))
    deadline = f"；整改期限 {state.deadline}" if state.deadline else ""
    nxt = "、".join(s.label for s in allowed_next(state)) or "（已结案）"
    stdout.print(paragraph(stdout, f"当前状态：{state.status}{deadline}；可记录：{nxt}"))


@cases.command()
@click.argument("case_id")
@FORMAT
@click.pass_context
def show(ctx: click.Context, case_id: str, fmt: str) -> None:
    """显示案件 CASE_ID 的全部事件和当前状态。"""
    _check_id(case_id)
    record = _store(ctx).case(case_id)
    _print_record(record.case_id, record.events, record.state, fmt)


@cases.command("list")
@click.option("--target", help="只列出该被督导单位的案件")
@click.option("--step", help="只列出最近一步为该步骤的案件")
@click.option("--open/--closed", "is_open", default=None, help="只列出未结案/已结案的案件")
@click.option("--limit", type=int, help="最多列出多少件")
@format_option("table", "json", "xlsx")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Excel 文件名（--format xlsx 时必填），如 案件.xlsx",
)
@click.pass_context
def list_(
    ctx: click.Context,
    target: str | None,
    step: str | None,
    is_open: bool | None,
    limit: int | None,
    fmt: str,
    out: Path | None = None,
) -> None:
    """列出案件及其当前状态（被督导单位附名称）。"""
    from dudao.cli.output import wrote, xlsx_path

    workbook = xlsx_path(fmt, out)
    if step is not None:
        step = parse_step(step).value
    closed = None if is_open is None else not is_open
    rows = _store(ctx).cases(target=target, step=step, closed=closed, limit=limit)
    if fmt == "json":
        print_json({"cases": [_state_json(s) for s in rows]})
        return
    hierarchy = _hierarchy()
    if workbook is not None:
        from dudao.report.excel import write_workbook
        from dudao.report.workbooks import case_sheets

        filters = [
            f"被督导单位 {target}" if target else "",
            f"最近一步 {step}" if step else "",
            {None: "", True: "未结案", False: "已结案"}[is_open],
        ]
        write_workbook(
            workbook,
            case_sheets(rows, hierarchy),
            title="督导问责案件",
            about=[
                ("案件库", ctx.obj["store"]),
                ("筛选", "，".join(f for f in filters if f) or "全部"),
                ("案件数", len(rows)),
            ],
        )
        wrote(workbook)
        return
    _print_cases(rows, hierarchy)


def _hierarchy() -> Hierarchy:
    from dudao.plugins.manager import load_plugins

    return load_plugins().hierarchy()


def _print_cases(rows: list[CaseState], hierarchy: Hierarchy) -> None:
    """The cases as a table that fits the terminal: the supervised unit's name beside its
    code, case ids and codes never broken."""
    from dudao.cli.table import Col, layout

    def unit(code: str | None) -> str:
        if not code:
            return "—"
        return f"{hierarchy.get(code).name}（{code}）" if code in hierarchy else code

    table_rows = [
        [
            s.case_id or "",
            unit(s.target),
            s.status,
            str(s.last_date or "—"),
            str(s.count),
            str(s.deadline or "—"),
        ]
        for s in rows
    ]
    columns = (
        Col("案件", "id"),
        Col("被督导单位", "text", min_text=8),
        Col("状态", "text", min_text=6),
        Col("最近日期", "id", keep=2, fold_into="状态"),
        Col("事件数", "number", keep=1),
        Col("整改期限", "id", keep=3, fold_into="状态"),
    )
    title = f"案件（{len(rows)} 件）"
    stdout.print(layout(stdout, columns, table_rows).table(table_rows, title=title))


@cases.command()
@click.option("--as-of", help="以该日期判断是否逾期 YYYY-MM-DD（默认今天）")
@FORMAT
@click.pass_context
def overdue(ctx: click.Context, as_of: str | None, fmt: str) -> None:
    """列出整改期限已过的未结案案件，以及现在应当采取的步骤。"""
    day = _date(as_of)
    rows: list[Overdue] = _store(ctx).overdue(day)
    if fmt == "json":
        print_json(
            {
                "as_of": day.isoformat(),
                "overdue": [
                    {
                        "case_id": o.case_id,
                        "target": o.target,
                        "status": o.status,
                        "deadline": o.deadline.isoformat(),
                        "days": o.days,
                        "due": o.due.value,
                        "due_label": o.due.label,
                    }
                    for o in rows
                ],
            }
        )
        return
    if not rows:
        stderr.print(f"截至 {day} 没有逾期案件。")
        return
    from dudao.cli.table import Col, layout

    hierarchy = _hierarchy()
    columns = (
        Col("案件", "id"),
        Col("被督导单位", "text", min_text=8),
        Col("状态", "text", min_text=6),
        Col("整改期限", "id", keep=1, fold_into="状态"),
        Col("逾期天数", "number"),
        Col("应当", "text", min_text=4),
    )
    table_rows = [
        [
            o.case_id,
            f"{hierarchy.get(o.target).name}（{o.target}）" if o.target in hierarchy else o.target,
            o.status,
            str(o.deadline),
            str(o.days),
            o.due.label,
        ]
        for o in rows
    ]
    title = f"截至 {day} 逾期案件（{len(rows)} 件）"
    stdout.print(layout(stdout, columns, table_rows).table(table_rows, title=title))


# ------------------------------------------------------------------ open from findings
@cases.command("open-findings")
@click.argument("dataset")
@click.option("--actor", required=True, help="立案的督导机构")
@click.option("--date", "date_", help="立案日期 YYYY-MM-DD（默认今天）")
@click.option("--as-of", help="检查日期 YYYY-MM-DD（默认取 dataset.yaml 的 as_of）")
@click.option("--within", help="只为该区划及其下级单位立案（如 450103）")
@click.option(
    "--severity",
    "severities",
    multiple=True,
    type=click.Choice(["error", "warning"]),
    default=("error",),
    show_default=True,
    help="为哪些严重程度的问题立案（可多次给出）",
)
@FORMAT
@click.pass_context
def open_findings(
    ctx: click.Context,
    dataset: str,
    actor: str,
    date_: str | None,
    as_of: str | None,
    within: str | None,
    severities: tuple[str, ...],
    fmt: str,
) -> None:
    """检查 DATASET，按发现的问题为责任单位批量立案：每个单位每条规则一件，已立过的不重复。"""
    from dudao import api
    from dudao.store.routing import open_cases_for_findings

    plugins = api.load_plugins()
    result = api.check(dataset, plugins, as_of=parse_date(as_of, "检查日期"))
    hierarchy = result.hierarchy
    if within is not None:
        hierarchy.get(within)  # an unknown code: a clear error
    routed = open_cases_for_findings(
        _store(ctx),
        result.findings.to_dict("records"),
        actor=actor,
        date=_date(date_),
        severities=severities,
        within=None if within is None else (lambda u: hierarchy.contains(within, u)),
    )
    if fmt == "json":
        print_json(
            {
                "opened": [_state_json(s) for s in routed.opened],
                "skipped": routed.skipped,
            }
        )
        return
    for s in routed.opened:
        stdout.print(f"已立案 {s.case_id}（{s.target}）")
    if routed.skipped:
        stderr.print(f"已有案件，未重复立案：{len(routed.skipped)} 件")
    stderr.print(f"共立案 {len(routed.opened)} 件。")
