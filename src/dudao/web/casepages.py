"""Cases (督导问责案件): the list of the account's cases, opening cases from a
subtree's findings, a case's page with a form for each step the account may take
next, and taking one. A case outside the account's subtree is answered 404."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dudao.errors import DudaoError, Problem
from dudao.server import analysis, casework
from dudao.web import backend, unitdata
from dudao.web.backend import Account
from dudao.web.caseforms import read_form, step_fields
from dudao.web.guards import PageDenied, SignedIn, VisibleUnit, check_csrf
from dudao.web.render import named, problems_text, render, unit_path
from dudao.workflow.machine import allowed_next
from dudao.workflow.steps import Step, field_label, payload_to_dict

router = APIRouter(include_in_schema=False)
NO_CASE = "没有这个案件，或它不在您的管辖范围内"


@router.get("/cases", response_model=None)
def cases_page(request: Request, account: SignedIn, show: str = "open") -> Response:
    return _cases(request, account, show)


def _cases(
    request: Request, account: Account, show: str, message: str | None = None
) -> HTMLResponse:
    h = backend.hierarchy(request)
    closed = {"open": False, "closed": True}.get(show)
    states = casework.listing(backend.service(request), account, closed=closed)
    context = {
        "cases": states,
        "show": show if closed is not None else "all",
        "names": unitdata.names(h, {s.target or "" for s in states}),
        "path": unit_path(request, account, account.unit),
        "message": message,
        "day": backend.today(),
    }
    return render(request, "cases.html", context)


@router.post("/units/{code}/route-findings", response_model=None)
def route_findings(
    request: Request, account: SignedIn, unit: VisibleUnit, csrf_token: str = Form("")
) -> Response:
    """Open cases from the findings of the unit's subtree for the units below the
    account's (one per unit and rule; cases already open are left as they are)."""
    check_csrf(request, csrf_token)
    try:
        routed = analysis.route_findings(
            backend.service(request),
            account,
            unit.code,
            date=backend.today(),
            address=request.client.host if request.client else "",
        )
    except DudaoError as exc:
        status = 403 if "forbidden" in exc.codes else 422
        raise PageDenied(problems_text(exc), status) from exc
    message = f"已对{unit.name}及下级单位的“错误”级问题立案 {len(routed.opened)} 件"
    if routed.skipped:
        message += f"；{len(routed.skipped)} 件此前已立案，未重复立案"
    return _cases(request, account, "open", message)


def case_context(request: Request, account: Account, case_id: str) -> dict[str, Any]:
    """What a case's page shows: its state, history and the forms of the steps the
    account may take; :class:`PageDenied` (404) for a case it may not see."""
    h = backend.hierarchy(request)
    try:
        record = casework.visible_case(backend.service(request), account, case_id)
    except DudaoError as exc:
        raise PageDenied(NO_CASE) from exc
    state = record.state
    target = state.target or ""
    day = backend.today()
    forms = []
    for step in allowed_next(state, day):
        if not backend.can_write_case(request, account, target, step):
            continue
        fields = step_fields(step)
        defaults = {}
        if any(f.name == "deadline" for f in fields):
            defaults["deadline"] = _default_deadline(request, state, step, day)
        forms.append({"step": step, "fields": fields, "defaults": defaults})
    events = [
        {
            "seq": e.seq,
            "label": e.step.label,
            "date": e.date,
            "actor": e.actor,
            "citation": str(e.citation) if e.citation else "—",
            "details": _payload_text(e.step, payload_to_dict(e.payload)),
        }
        for e in record.events
    ]
    return {
        "case": state,
        "case_id": record.case_id,
        "etag": casework.etag(state),
        "target": target,
        "target_name": named(h, target),
        "events": events,
        "forms": forms,
        "next_steps": [s.label for s in allowed_next(state, day)],
        "path": unit_path(request, account, target) if target in h else [],
        "problems": [],
        "day": day,
        "actor_default": account.display_name,
        "documents": _case_documents(state),
    }


def _default_deadline(request: Request, state: Any, step: Step, day: dt.date) -> str:
    """The region's default deadline for the step (its ``deadline_days``), else 90 days."""
    policies: Any = backend.cases(request).policies
    try:
        found = policies.policy(state.target, day, state.procedure).default_deadline(step, day)
    except (AttributeError, DudaoError):
        found = None
    return (found or day + dt.timedelta(days=90)).isoformat()


def _case_documents(state: Any) -> list[tuple[str, str]]:
    """The documents a case can give: 整改通知书 once rectification is ordered,
    督办单 once one is issued."""
    out = []
    if state.deadline is not None or state.rank > 0:
        out.append(("rectification", "整改通知书"))
    if state.rank >= 1:
        out.append(("order", "督办单"))
    return out


def _payload_text(step: Step, data: dict[str, Any]) -> list[tuple[str, str]]:
    fields = {f.name: f for f in step_fields(step)}
    out = []
    for key, value in data.items():
        if value in (None, "", [], ()):
            continue
        f = fields.get(key)
        labels = {c.value: c.label for c in f.choices} if f else {}
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list | tuple):
            text = "、".join(labels.get(str(v), str(v)) for v in value)
        else:
            text = labels.get(str(value), str(value))
        out.append((field_label(key), text))
    return out


@router.get("/cases/{case_id}", response_model=None)
def case_page(request: Request, account: SignedIn, case_id: str) -> Response:
    return render(request, "case.html", case_context(request, account, case_id))


@router.post("/cases/{case_id}/advance", response_model=None)
async def advance_case(request: Request, account: SignedIn, case_id: str) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    multi = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    check_csrf(request, values.get("csrf_token"))
    ctx = case_context(request, account, case_id)
    try:
        step = Step.parse(values.get("step", ""))
    except ValueError:
        ctx["problems"] = [Problem("所选步骤不存在", code="bad-step")]
        return render(request, "case.html", ctx, 422)
    problems: list[Problem] = []
    try:
        day = dt.date.fromisoformat(values.get("date") or backend.today().isoformat())
    except ValueError:
        problems = [
            Problem("“日期”不是有效日期", path=("date",), code="bad-date", hint="如 2023-06-30")
        ]
    if not problems:
        try:
            casework.advance(
                backend.service(request),
                account,
                case_id,
                if_match=values.get("etag") or None,
                step=step.value,
                date=day,
                payload=read_form(step, values, multi),
                actor=(values.get("actor") or "").strip() or None,
                address=request.client.host if request.client else "",
            )
        except DudaoError as exc:
            problems = exc.problems
    if problems:
        ctx["problems"] = problems
        ctx["failed_step"] = step
        status = 409 if any(p.code == "stale-seq" for p in problems) else 422
        if any(p.code == "forbidden" for p in problems):
            status = 403
        return render(request, "case.html", ctx, status)
    return RedirectResponse(f"/cases/{quote(case_id, safe='')}", status_code=303)
