"""``dudao cases``: open, advance and follow accountability cases in a case store.

The store is a SQLite file (default ``dudao-cases.db``, or ``$DUDAO_STORE``) or
any SQLAlchemy URL. Every change is validated against the case's replayed state
and the step policy in force for its target and date (the plugins' ``workflow.*``
parameters, :mod:`dudao.workflow.policy`), and either recorded whole or refused
(exit 2) with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import click
from rich.table import Table

if TYPE_CHECKING:
    from dudao.store import CaseStore

from dudao.cli.output import ReportingGroup, format_option, parse_date, print_json, stderr, stdout
from dudao.errors import DudaoError, Problem
from dudao.workflow import (
    PAYLOAD_TYPE,
    CaseState,
    Event,
    Overdue,
    Step,
    allowed_next,
    payload_from_dict,
    payload_to_dict,
)
from dudao.workflow.policy import LawBookPolicies, Policy
from dudao.workflow.situations import AccountabilitySituation

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
@cases.command("open")
@click.argument("target")
@click.option("--actor", required=True, help="立案的督导机构")
@click.option("--date", "date_", help="立案日期 YYYY-MM-DD（默认今天）")
@click.option("--case-id", help="案件编号（默认自动分配）")
@click.option(
    "--source", type=click.Choice(["finding", "evaluation", "inspection"]), default="inspection"
)
@click.option("--reference", default="", help="来源编号：规则、评价或督导检查的编号")
@click.option("--summary", default="", help="问题摘要")
@click.option(
    "--severe",
    type=click.Choice(["mass_incidents", "major_accident", "retaliation", "obstruction"]),
    help="二（十四）的严重情形：直接进入问责",
)
@click.option(
    "--situation",
    help="问责情景编号：按对象所在地区有效的情景立案，依据取自情景；直接问责的情景按严重情形立案",
)
@click.option("--citation", help="依据（默认 厅发〔2020〕26号 二（七））")
@FORMAT
@click.pass_context
def open_(
    ctx: click.Context,
    target: str,
    actor: str,
    date_: str | None,
    case_id: str | None,
    source: str,
    reference: str,
    summary: str,
    severe: str | None,
    situation: str | None,
    citation: str | None,
    fmt: str,
) -> None:
    """为被督导单位 TARGET 立案。"""
    day = _date(date_)
    if situation is not None:
        sit = _situation(target, situation, day)
        if sit.direct:
            severe = sit.trigger.value if sit.trigger else severe
        citation = citation or str(sit.cite)
        summary = summary or sit.name
        reference = reference or sit.id
    store = _store(ctx)
    record = store.open_case(
        target,
        day,
        actor=actor,
        case_id=case_id,
        source=source,
        reference=reference,
        summary=summary,
        severe=severe,
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
def _parse_sets(step: Step, sets: tuple[str, ...], deadline: str | None) -> dict[str, Any]:
    cls = PAYLOAD_TYPE[step]
    fields = {a.name: a for a in attrs.fields(cls)}
    data: dict[str, Any] = {}
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in fields:
            raise DudaoError(
                Problem(
                    f"无法理解 --set '{item}'",
                    code="bad-field",
                    hint=f"写成 字段=值；“{step.label}”的字段有：{'、'.join(fields) or '（无）'}",
                )
            )
        if str(fields[key].type).startswith("tuple"):
            data.setdefault(key, []).append(value)
        elif fields[key].type in ("bool", bool):
            if value.lower() not in ("true", "false", "是", "否", "yes", "no", "1", "0"):
                raise DudaoError(
                    Problem(f"{key} 应为 true 或 false，而不是 '{value}'", code="bad-field")
                )
            data[key] = value.lower() in ("true", "是", "yes", "1")
        else:
            data[key] = value
    if deadline is not None:
        if "deadline" not in fields:
            raise DudaoError(
                Problem(f"“{step.label}”不设整改期限", code="bad-field", hint="去掉 --deadline")
            )
        data["deadline"] = _date(deadline, "期限").isoformat()
    return data


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


@cases.command()
@click.argument("case_id")
@click.argument("step")
@click.option("--date", "date_", help="事件日期 YYYY-MM-DD（默认今天）")
@click.option("--actor", help="办理的督导机构（默认沿用上一事件）")
@click.option("--citation", help="依据（默认取该步骤在 厅发〔2020〕26号 中的条款）")
@click.option(
    "--deadline",
    help="整改期限 YYYY-MM-DD（下达整改、督办单、约谈、通报；"
    "不给时按地区参数 workflow.<步骤>.deadline_days 推算）",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="字段=值",
    help="事件内容，可多次给出；列表字段重复给出，如 --set invitees=市纪委监委",
)
@click.option(
    "--extra",
    "extras",
    multiple=True,
    metavar="名称=内容",
    help="地区要求的其他内容（workflow.<步骤>.required 中不属于事件字段的项目）",
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
    fmt: str,
) -> None:
    """为案件 CASE_ID 记录下一步 STEP（英文或中文，如 feedback、反馈、督办单）。"""
    try:
        kind = Step.parse(step)
    except ValueError as exc:
        raise DudaoError(Problem(str(exc), code="bad-step")) from None
    store = _store(ctx)
    current = store.case(case_id)
    day, target = _date(date_), current.state.target or ""
    data = _parse_sets(kind, sets, deadline)
    if "deadline" in {a.name for a in attrs.fields(PAYLOAD_TYPE[kind])} and "deadline" not in data:
        policy = ctx.obj["policies"].policy(target, day, current.state.procedure)
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
    cited = {"citation": citation} if citation else {}
    event = Event(
        case_id,
        kind,
        day,
        actor or current.events[-1].actor,
        target,
        payload=payload,
        extra=_parse_extras(extras),
        **cited,
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
    table = Table(title=f"案件 {case_id}（被督导单位 {state.target}）", title_justify="left")
    for header in ("序号", "日期", "步骤", "办理机构", "内容", "依据"):
        table.add_column(header, overflow="fold")
    for e in events:
        table.add_row(
            str(e.seq), str(e.date), e.step.label, e.actor, _payload_text(e), str(e.citation)
        )
    stdout.print(table)
    deadline = f"；整改期限 {state.deadline}" if state.deadline else ""
    nxt = "、".join(s.label for s in allowed_next(state)) or "（已结案）"
    stdout.print(f"当前状态：{state.status}{deadline}；可记录：{nxt}")


@cases.command()
@click.argument("case_id")
@FORMAT
@click.pass_context
def show(ctx: click.Context, case_id: str, fmt: str) -> None:
    """显示案件 CASE_ID 的全部事件和当前状态。"""
    record = _store(ctx).case(case_id)
    _print_record(record.case_id, record.events, record.state, fmt)


@cases.command("list")
@click.option("--target", help="只列出该被督导单位的案件")
@click.option("--step", help="只列出最近一步为该步骤的案件")
@click.option("--open/--closed", "is_open", default=None, help="只列出未结案/已结案的案件")
@click.option("--limit", type=int, help="最多列出多少件")
@FORMAT
@click.pass_context
def list_(
    ctx: click.Context,
    target: str | None,
    step: str | None,
    is_open: bool | None,
    limit: int | None,
    fmt: str,
) -> None:
    """列出案件及其当前状态。"""
    if step is not None:
        try:
            step = Step.parse(step).value
        except ValueError as exc:
            raise DudaoError(Problem(str(exc), code="bad-step")) from None
    closed = None if is_open is None else not is_open
    rows = _store(ctx).cases(target=target, step=step, closed=closed, limit=limit)
    if fmt == "json":
        print_json({"cases": [_state_json(s) for s in rows]})
        return
    table = Table(title=f"案件（{len(rows)} 件）", title_justify="left")
    for header in ("案件", "被督导单位", "状态", "最近日期", "事件数", "整改期限"):
        table.add_column(header)
    for s in rows:
        table.add_row(
            s.case_id or "",
            s.target or "",
            s.status,
            str(s.last_date or ""),
            str(s.count),
            str(s.deadline or "—"),
        )
    stdout.print(table)


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
    table = Table(title=f"截至 {day} 逾期案件（{len(rows)} 件）", title_justify="left")
    for header in ("案件", "被督导单位", "状态", "整改期限", "逾期天数", "应当"):
        table.add_column(header)
    for o in rows:
        table.add_row(o.case_id, o.target, o.status, str(o.deadline), str(o.days), o.due.label)
    stdout.print(table)
