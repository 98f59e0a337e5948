"""Process management (过程管理): accountability cases through the existing case store
(:class:`dudao.store.cases.CaseStore`) and state machine (:mod:`dudao.workflow`),
scoped to the account's subtree.

A case's unit is its target. Steps are recorded by staff of a level above it —
督办单, 约谈, 通报 and 问责 go from the level above to the level below — except 报告整改,
which the unit reports itself (:func:`dudao.server.access.can_write_case`). Each step
is cited: the store records the step's basis in force for the unit and date when
none is given. Concurrency is optimistic: a case's ETag is its number of events; a
step sent with ``If-Match`` is recorded as the next event only if nobody recorded
one since (the store checks ``Event.seq`` in the same transaction). A step's audit
row is written inside the store's transaction (``within``): a crash leaves both or
neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa

from dudao.errors import DudaoError
from dudao.server import access
from dudao.server.accounts import Account
from dudao.server.audit import record
from dudao.server.problems import fail
from dudao.server.service import Service
from dudao.store import CaseRecord
from dudao.workflow import (
    PAYLOAD_TYPE,
    CaseState,
    Event,
    Overdue,
    allowed_next,
    parse_step,
    payload_from_dict,
    payload_to_dict,
    step_problem,
)
from dudao.workflow.steps import Step


def etag(state: CaseState) -> str:
    """The case's version as an ETag: its id and number of events."""
    return f'"{state.case_id}.{state.count}"'


def event_json(e: Event) -> dict[str, Any]:
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


def state_json(s: CaseState, service: Service) -> dict[str, Any]:
    h = service.hierarchy
    return {
        "case_id": s.case_id,
        "target": s.target,
        "target_name": h.get(s.target).name if s.target and s.target in h else None,
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


def record_json(r: CaseRecord, service: Service) -> dict[str, Any]:
    return {"case": state_json(r.state, service), "events": [event_json(e) for e in r.events]}


def _not_found(case_id: str) -> DudaoError:
    return fail(
        "unknown-case",
        f"没有案件 {case_id}，或它不在本账号的管辖范围内",
        hint="GET /api/v1/cases 列出本账号可见的案件",
    )


def visible_case(service: Service, account: Account, case_id: str) -> CaseRecord:
    """The case if its unit is in the account's subtree; 404 otherwise."""
    try:
        rec = service.store.case(case_id)
    except DudaoError as exc:
        if "unknown-case" in exc.codes or "empty-case-id" in exc.codes:
            raise _not_found(case_id) from None
        raise
    target = rec.state.target or ""
    if not access.can_view(account, target, service.hierarchy):
        raise _not_found(case_id)
    return rec


def listing(
    service: Service,
    account: Account,
    *,
    unit: str | None = None,
    closed: bool | None = None,
    step: str | None = None,
) -> list[CaseState]:
    """The cases of units in the account's subtree (or of ``unit``'s, inside it)."""
    return case_page(service, account, unit=unit, closed=closed, step=step)[1]


def case_page(
    service: Service,
    account: Account,
    *,
    unit: str | None = None,
    closed: bool | None = None,
    step: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[CaseState]]:
    """The number of cases of units in the account's subtree (or ``unit``'s, inside
    it) and one page of them by case id: :meth:`~dudao.store.CaseStore.page` over the
    case store's summary table, narrowed to the subtree's unit codes in SQL (no
    summary outside it is read), through the service's read-only connection."""
    h = service.hierarchy
    scope = unit or account.unit
    if scope not in h or not access.can_view(account, scope, h):
        return 0, []
    with service.read() as conn:
        page = service.store.page(
            targets=h.subtree_codes(scope),
            step=parse_step(step) if step else None,
            closed=closed,
            offset=offset,
            limit=limit,
            connection=conn,
        )
    return page.total, page.cases


def overdue(service: Service, account: Account, as_of: dt.date) -> list[Overdue]:
    """Rectifications past their deadline in units below the account's: what the
    level above must follow up (督办单 next, then 约谈 …)."""
    h = service.hierarchy
    return [o for o in service.store.overdue(as_of) if access.below(account, o.target, h)]


def _actor(account: Account, actor: str | None) -> str:
    text = (actor or account.display_name).strip()
    if not text or len(text) > 200:
        raise fail("invalid-value", "办理机构须为 1–200 个字符", path=("actor",))
    return text


def open_case(
    service: Service,
    account: Account,
    *,
    target: str,
    date: dt.date,
    summary: str = "",
    reference: str = "",
    source: str = "inspection",
    severe: str | None = None,
    citation: str | None = None,
    actor: str | None = None,
    address: str = "",
) -> CaseRecord:
    """立案 on ``target``, by staff of a level above it."""
    h = service.hierarchy
    if target not in h or not access.can_view(account, target, h):
        raise fail("unknown-unit", f"没有单位 {target}，或它不在本账号的管辖范围内")
    if not access.can_write_case(account, target, h):
        raise fail(
            "forbidden",
            f"本账号无权对 {target} 立案",
            hint="案件由上级督导办对下级单位立案（需要督导办工作人员角色）",
        )

    def audit(conn: sa.Connection, rec: CaseRecord) -> None:
        record(
            conn,
            account,
            address=address,
            action="open",
            resource="case",
            resource_id=rec.case_id,
            unit=target,
            detail={"step": "opened", "seq": 1, "summary": summary[:200]},
        )

    return service.store.open_case(
        target,
        date,
        actor=_actor(account, actor),
        source=source,
        reference=reference,
        summary=summary,
        severe=severe,
        citation=citation or None,
        within=audit,  # the audit row commits with the event, or neither does
    )


def advance(
    service: Service,
    account: Account,
    case_id: str,
    *,
    if_match: str | None,
    step: str,
    date: dt.date,
    payload: dict[str, Any],
    actor: str | None = None,
    citation: str | None = None,
    extra: dict[str, str] | None = None,
    address: str = "",
) -> CaseRecord:
    """Record the next step of a case. ``if_match`` must be the case's current ETag
    (428 without it, 412 when the case has moved on)."""
    current = visible_case(service, account, case_id)
    state = current.state
    target = state.target or ""
    kind = parse_step(step)
    if not access.can_write_case(account, target, service.hierarchy, kind):
        who = "本单位或上级" if kind is Step.RECTIFICATION_REPORTED else "上级"
        raise fail(
            "forbidden",
            f"本账号无权在案件 {case_id} 中记录“{kind.label}”",
            hint=f"此步骤由{who}督导办工作人员记录",
        )
    if not if_match:
        raise fail(
            "precondition-required",
            "缺少 If-Match 头：须给出所读案件的 ETag",
            hint="先 GET 案件，把响应的 ETag 放进 If-Match",
        )
    if if_match.strip() not in (etag(state), "*"):
        raise fail(
            "stale-seq",
            f"案件 {case_id} 已被他人推进（当前版本 {etag(state)}）",
            hint="重新读取案件后再决定是否记录",
        )
    problem = step_problem(state, kind, date, case_id)
    if problem is not None:
        raise DudaoError(problem)
    data = dict(payload)
    if "deadline" in attrs.fields_dict(PAYLOAD_TYPE[kind]) and not data.get("deadline"):
        policies: Any = service.store.policies
        default = policies.policy(target, date, state.procedure).default_deadline(kind, date)
        if default is None:
            raise fail(
                "missing-deadline",
                f"“{kind.label}”须给出整改期限",
                path=("payload", "deadline"),
                hint=f"给出 payload.deadline（YYYY-MM-DD）；或由地区参数 workflow.{kind.value}."
                "deadline_days 规定天数",
            )
        data["deadline"] = default.isoformat()
    event = Event(
        case_id,
        kind,
        date,
        _actor(account, actor),
        target,
        payload=payload_from_dict(kind, data),
        seq=state.count + 1,
        # Event.extra is converter=dict, which mypy's attrs plugin types from dict's overloads
        extra=dict(extra or {}),  # type: ignore[arg-type]
        citation=citation or None,
    )

    def audit(conn: sa.Connection, rec: CaseRecord) -> None:
        last = rec.events[-1]
        record(
            conn,
            account,
            address=address,
            action="advance",
            resource="case",
            resource_id=case_id,
            unit=target,
            detail={
                "step": kind.value,
                "seq": last.seq,
                "status": [state.status, rec.state.status],
                "citation": str(last.citation),
            },
        )

    return service.store.append(case_id, event, within=audit)
