"""The pages officials work in: server-rendered HTML in Chinese, no script needed.

Every page that shows a unit checks that the signed-in account may see it (its own
unit and the units below; never above or beside): a unit or case outside the
account's subtree is answered 404, as if it did not exist (as the service's API
does). Every form carries the session's CSRF token and every POST checks it.
Templates escape everything (Jinja2 autoescape); charts are SVG drawn here
(:mod:`dudao.web.charts`). What the pages take from the service goes through
:mod:`dudao.web.backend`.

The routes are on :data:`router`; :func:`mount` adds them and the static files to
the service's app (:func:`dudao.web.app.create_app`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
import pandas as pd
from fastapi import APIRouter, FastAPI, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from dudao.errors import DudaoError, Problem
from dudao.law.kinds import Kind
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.model.numbers import number
from dudao.server import analysis, casework
from dudao.web import backend, charts, unitdata
from dudao.web.backend import Account, DataSource
from dudao.web.caseforms import read_form, step_fields
from dudao.web.lawview import law_rows
from dudao.workflow.machine import allowed_next
from dudao.workflow.steps import Step, field_label, payload_to_dict

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=PackageLoader("dudao.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_env)
SEVERITY_TONE = {"error": "bad", "warning": "warn", "info": "info"}
LIST_LIMIT = 100  # findings listed one by one on a page; the rest are counted
UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes read of an uploaded file (the service's limit)


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("dudao.web", "static")]), name="static")


# ------------------------------------------------------------ helpers
def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    account = backend.account(request)
    base = {
        "account": account,
        "role_text": backend.role_text(account) if account else "",
        "may_capture": account is not None and backend.can_capture(request, account, account.unit),
        "csrf": backend.csrf_token(request),
        "today": backend.today(),
        "sev_label": {s.value: s.label for s in Severity},
        "sev_tone": SEVERITY_TONE,
        "number": number,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status
    )
    return response


def _signed_in(request: Request) -> Account | RedirectResponse:
    account = backend.account(request)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return account


def _denied(request: Request, what: str, status: int = 404) -> HTMLResponse:
    return _render(request, "denied.html", {"what": what}, status)


NOT_VISIBLE = "没有这个单位，或它不在您的管辖范围内"


def error_page(request: Request, status: int) -> HTMLResponse:
    """The page for an address that does not exist (404) or a method it does not take."""
    what = {404: "没有这个页面", 405: "该页面不支持此操作"}.get(status, "无法完成请求")
    return _denied(request, what, status)


def _unit_or_denied(request: Request, account: Account, code: str) -> Any:
    """The unit ``code`` if the account may see it; else the 404 page, the same for a
    unit outside the subtree and an unknown code (as the service answers)."""
    h = backend.hierarchy(request)
    if code not in h or not backend.can_view(request, account, code):
        return _denied(request, NOT_VISIBLE)
    return h.get(code)


def _path(request: Request, account: Account, code: str) -> list[dict[str, Any]]:
    """The units from the root to ``code``, linked where the account may see them."""
    return [
        {"code": u.code, "name": u.name, "link": backend.can_view(request, account, u.code)}
        for u in backend.hierarchy(request).path(code)
        if u.code != "000000"
    ]


def _named(h: Hierarchy, code: str) -> str:
    return f"{h.get(code).name}（{code}）" if code in h else code


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host) may follow sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ------------------------------------------------------------ sign in
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return _render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    target = _safe_next(next)
    if not backend.csrf_ok(request, csrf_token):
        error = "页面已过期，请重新登录"
        return _render(request, "login.html", {"next": target, "error": error}, 400)
    try:
        backend.sign_in(request, username.strip(), password)
    except DudaoError as exc:
        error = exc.problems[0].message if exc.problems else "登录失败"
        status = 429 if "too-many-attempts" in exc.codes else 401
        return _render(request, "login.html", {"next": target, "error": error}, status)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    if not backend.csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    backend.sign_out(request)
    return RedirectResponse("/login", status_code=303)


# ------------------------------------------------------------- home
@router.get("/", response_model=None)
def home(request: Request) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    return unit_page(request, account.unit)


@router.get("/units/{code}", response_model=None)
def unit_page(request: Request, code: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    h = backend.hierarchy(request)
    plugins = backend.plugins(request)
    source = backend.data_for(request, code)
    children = [{"code": c.code, "name": c.name, "kind": c.kind.label} for c in h.children(code)]
    waiting = backend.waiting(request, account, code)
    overdue = [
        o
        for o in backend.cases(request).overdue(backend.today())
        if o.target in h and h.contains(code, o.target)
    ]
    context: dict[str, Any] = {
        "unit": unit,
        "path": _path(request, account, code),
        "source": source,
        "children": children,
        "overdue": overdue,
        "overdue_names": unitdata.names(h, {o.target for o in overdue}),
        "waiting": waiting,
        "can_capture": backend.can_capture(request, account, code),
        "may_route": bool(children) and "staff" in {r.value for r in account.roles},
        "per_child": {},
        "child_chart": None,
    }
    if source is None:
        return _render(request, "unit.html", context)
    as_of, findings = backend.findings(request, account, code)
    per_child = unitdata.errors_per_child(h, code, findings)
    if any(per_child.values()):
        bars = [
            charts.Bar(c["name"], per_child[c["code"]], "bad")
            for c in children
            if per_child.get(c["code"])
        ]
        context["child_chart"] = Markup(charts.bar_chart(bars, title="下级单位“错误”级问题数"))
    evaluations = unitdata.evaluations(source.evaluation, plugins, code, backend.today())
    context.update(
        {
            "as_of": as_of,
            "counts": unitdata.severity_counts(findings),
            "findings": findings[:LIST_LIMIT],
            "findings_total": len(findings),
            "names": unitdata.names(h, {str(f["jurisdiction"]) for f in findings}),
            "per_child": per_child,
            "plan": _plan_view(request, account, code),
            "evaluations": evaluations,
            "eval_charts": {e.set_id: _evaluation_chart(e) for e in evaluations if e.rows},
        }
    )
    return _render(request, "unit.html", context)


def _evaluation_chart(e: unitdata.EvaluationView) -> Markup:
    bars = [
        charts.Bar(r["name"], r["total"], "good" if r["grade"] == "达标" else "bad", r["grade"])
        for r in e.rows
    ]
    title = f"{e.label}：总分与等级"
    return Markup(charts.bar_chart(bars, title=title, maximum=e.maximum))


def _plan_view(request: Request, account: Account, code: str) -> dict[str, Any]:
    """The work plans in force for the unit, measured within its subtree (the
    service's :func:`dudao.server.analysis.plan_status`)."""
    try:
        as_of, rows = backend.plan_rows(request, account, code)
    except DudaoError as exc:
        return {"problem": "；".join(p.message for p in exc.problems)}
    if not rows:
        return {"problem": "没有适用于本单位的工作要点"}
    titles = backend.plan_titles(request)
    tone = {"达成": "good", "未达成": "bad", "未到期": "info", "无法度量": "base"}
    counts = Counter(str(r["status_label"]) for r in rows)
    bars = [charts.Bar(label, counts.get(label, 0), t) for label, t in tone.items()]
    today = backend.today().isoformat()
    tasks = [
        {
            **r,
            "plan_title": titles.get(r["plan"], r["plan"]),
            "late": r["status"] == "not_met" and str(r["deadline"]) < today,
        }
        for r in rows
    ]
    rank = {"not_met": 0, "pending": 1, "met": 2}
    tasks.sort(key=lambda t: (rank.get(t["status"], 3), str(t["deadline"])))
    return {
        "problem": None,
        "measured": [t for t in tasks if t["status"] != "not_measurable"],
        "unmeasured": [t for t in tasks if t["status"] == "not_measurable"],
        "chart": Markup(charts.bar_chart(bars, title="工作要点任务完成情况（项）")),
        "as_of": as_of,
    }


# ------------------------------------------------------------- tree
@router.get("/units/{code}/tree", response_model=None)
def tree_page(request: Request, code: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    h = backend.hierarchy(request)
    source = backend.data_for(request, code)
    per_unit: Counter[str] = Counter()
    if source is not None:
        _, findings = backend.findings(request, account, code)
        per_unit.update(str(f["jurisdiction"]) for f in findings if f["severity"] == "error")
    limit = h.depth(code) + 3

    def node(c: str) -> dict[str, Any]:
        u = h.get(c)
        kids = [] if h.depth(c) >= limit else h.children(c)
        return {
            "code": u.code,
            "name": u.name,
            "kind": u.kind.label,
            "errors": int(per_unit.get(u.code, 0)),
            "children": [node(k.code) for k in kids],
        }

    context = {"unit": unit, "path": _path(request, account, code), "tree": node(code)}
    return _render(request, "tree.html", {**context, "source": source})


# ------------------------------------------------------------- law
@router.get("/units/{code}/law", response_model=None)
def law_page(request: Request, code: str, on: str | None = None) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    error = None
    day = backend.today()
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            error = f"日期“{on}”无效，请写成 YYYY-MM-DD；下表为今天的规定"
    rows = law_rows(backend.service(request), code, day)
    context = {"unit": unit, "path": _path(request, account, code), "day": day, "rows": rows}
    return _render(request, "law.html", {**context, "error": error})


# ------------------------------------------------------------- upload
def _tables() -> list[tuple[str, str]]:
    from dudao.model.tables import TABLES

    return [(name, spec.label_zh) for name, spec in TABLES.items()]


@router.get("/units/{code}/upload", response_model=None)
def upload_page(request: Request, code: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    if not backend.can_capture(request, account, code):
        return _denied(request, "您的账号没有为该单位报送数据的权限", 403)
    context = {"unit": unit, "path": _path(request, account, code), "tables": _tables()}
    return _render(
        request, "upload.html", {**context, "report": None, "year": backend.today().year}
    )


@attrs.frozen
class _Located:
    file: str
    row: int | None
    field: str
    message: str
    hint: str


@router.post("/units/{code}/upload", response_model=None)
async def upload(
    request: Request,
    code: str,
    files: list[UploadFile],
    year: int = Form(...),
    csrf_token: str = Form(""),
) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    if not backend.csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    if not backend.can_capture(request, account, code):
        return _denied(request, "您的账号没有为该单位报送数据的权限", 403)
    received: list[tuple[str, bytes]] = []
    for f in files:
        data = await f.read(UPLOAD_LIMIT + 1)
        received.append((Path(f.filename or "").name, data))
    located: list[_Located] = []
    submitted: dict[str, Any] | None = None
    try:
        submitted = backend.submit(request, account, code, year, received)
    except DudaoError as exc:
        located = [_locate(p) for p in exc.problems]
    context = {
        "unit": unit,
        "path": _path(request, account, code),
        "tables": _tables(),
        "year": year,
        "deadlines": backend.deadlines(request, code, year),
        "files": sorted(name for name, _ in received),
        "report": {
            "ok": not located,
            "submitted": submitted,
            "problems": located,
            "previews": _previews(received, located),
        },
    }
    return _render(request, "upload.html", context, 200 if not located else 422)


def _locate(p: Problem) -> _Located:
    source = p.source or ""
    # the service names a table's rows as "schools（schools.csv）"
    if "（" in source and source.endswith("）"):
        source = source[source.index("（") + 1 : -1]
    field = ".".join(str(s) for s in p.path)
    return _Located(
        Path(source).name if source else "—", p.row or p.line, field, p.message, p.hint or ""
    )


def _previews(received: list[tuple[str, bytes]], located: list[_Located]) -> list[dict[str, Any]]:
    """Each uploaded CSV's rows around its problems, the bad cells marked (row n of
    the file is the n-th line: the header is row 1)."""
    out = []
    for name, data in received:
        mine = [p for p in located if p.file == name and p.row]
        if not name.lower().endswith(".csv") or not mine:
            continue
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, nrows=100_000)
        except Exception:  # unreadable: the service's own problem says why
            continue
        bad_rows = {p.row for p in mine}
        bad_cells = {(p.row, p.field) for p in mine}
        wanted = sorted({r - 2 + d for r in bad_rows if r for d in (-1, 0, 1)})[:60]
        rows = [
            {
                "row": i + 2,
                "bad": (i + 2) in bad_rows,
                "cells": [
                    {"text": str(v), "bad": (i + 2, str(col)) in bad_cells}
                    for col, v in frame.iloc[i].items()
                ],
            }
            for i in wanted
            if 0 <= i < len(frame)
        ]
        out.append({"file": name, "columns": [str(c) for c in frame.columns], "rows": rows})
    return out


@router.post("/submissions/{submission_id}/decide", response_model=None)
def decide(
    request: Request,
    submission_id: int,
    decision: str = Form(""),
    reason: str = Form(""),
    csrf_token: str = Form(""),
    back: str = Form("/"),
) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    if not backend.csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    try:
        backend.step(request, account, submission_id, decision, reason)
    except DudaoError as exc:
        message = "；".join(str(p.message) for p in exc.problems)
        status = 404 if "unknown-submission" in exc.codes else 422
        status = 409 if "not-awaiting" in exc.codes else status
        status = 403 if "forbidden" in exc.codes else status
        return _denied(request, message, status)
    return RedirectResponse(_safe_next(back) + "#waiting", status_code=303)


# ------------------------------------------------------------- cases
@router.get("/cases", response_model=None)
def cases_page(request: Request, show: str = "open") -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
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
        "path": _path(request, account, account.unit),
        "message": message,
        "day": backend.today(),
    }
    return _render(request, "cases.html", context)


@router.post("/units/{code}/route-findings", response_model=None)
def route_findings(request: Request, code: str, csrf_token: str = Form("")) -> Response:
    """Open cases from the findings of ``code``'s subtree for the units below the
    account's (one per unit and rule; cases already open are left as they are)."""
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    if not backend.csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    try:
        routed = analysis.route_findings(
            backend.service(request),
            account,
            code,
            date=backend.today(),
            address=request.client.host if request.client else "",
        )
    except DudaoError as exc:
        status = 403 if "forbidden" in exc.codes else 422
        return _denied(request, "；".join(p.message for p in exc.problems), status)
    message = f"已对{unit.name}及下级单位的“错误”级问题立案 {len(routed.opened)} 件"
    if routed.skipped:
        message += f"；{len(routed.skipped)} 件此前已立案，未重复立案"
    return _cases(request, account, "open", message)


def _case_context(
    request: Request, account: Account, case_id: str
) -> dict[str, Any] | HTMLResponse:
    h = backend.hierarchy(request)
    try:
        record = casework.visible_case(backend.service(request), account, case_id)
    except DudaoError:
        return _denied(request, "没有这个案件，或它不在您的管辖范围内")
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
        "target_name": _named(h, target),
        "events": events,
        "forms": forms,
        "next_steps": [s.label for s in allowed_next(state, day)],
        "path": _path(request, account, target) if target in h else [],
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
def case_page(request: Request, case_id: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    ctx = _case_context(request, account, case_id)
    if isinstance(ctx, HTMLResponse):
        return ctx
    return _render(request, "case.html", ctx)


@router.post("/cases/{case_id}/advance", response_model=None)
async def advance_case(request: Request, case_id: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    multi = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    if not backend.csrf_ok(request, values.get("csrf_token")):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    ctx = _case_context(request, account, case_id)
    if isinstance(ctx, HTMLResponse):
        return ctx
    try:
        step = Step.parse(values.get("step", ""))
    except ValueError:
        ctx["problems"] = [Problem("所选步骤不存在", code="bad-step")]
        return _render(request, "case.html", ctx, 422)
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
        return _render(request, "case.html", ctx, status)
    return RedirectResponse(f"/cases/{quote(case_id, safe='')}", status_code=303)


# ------------------------------------------------------------- documents
@router.get("/cases/{case_id}/{kind}.{fmt}", response_model=None)
def case_document(request: Request, case_id: str, kind: str, fmt: str) -> Response:
    """督办单 (``order``) or 整改通知书 (``rectification``) of a case, .docx or .pdf."""
    from dudao.report import documents

    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    ctx = _case_context(request, account, case_id)
    if isinstance(ctx, HTMLResponse):
        return ctx
    if fmt not in documents.FORMATS or kind not in ("order", "rectification"):
        return _denied(request, "没有这种文档")
    try:
        doc = documents.case_document(
            kind, backend.cases(request), case_id, hierarchy=backend.hierarchy(request)
        )
        data = documents.render(doc, fmt)
    except DudaoError as exc:
        return _denied(request, "；".join(p.message for p in exc.problems), 422)
    return _download(data, documents.filename(doc, fmt), documents.MEDIA_TYPES[fmt])


def _download(data: bytes, name: str, media: str) -> Response:
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.get("/units/{code}/report", response_model=None)
def report_page(request: Request, code: str) -> Response:
    """The unit's 督导报告 as a page to read — the same document
    (:func:`dudao.report.documents.supervision_report_for`) the .docx and PDF
    downloads lay out after GB/T 9704."""
    from dudao.report.document import document_date

    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    source = backend.data_for(request, code)
    context: dict[str, Any] = {"unit": unit, "path": _path(request, account, code)}
    if source is None:
        return _render(request, "unit.html", {**context, "source": None})
    try:
        doc = _report_document(source, backend.plugins(request), code)
    except DudaoError as exc:
        return _denied(request, "；".join(p.message for p in exc.problems), 422)
    context.update(
        {
            "source": source,
            "doc": doc,
            "parts": list(doc.walk()),
            "attachment_note": doc.attachment_note(),
            "date_text": document_date(doc.date),
        }
    )
    return _render(request, "report.html", context)


@router.get("/units/{code}/{kind}.{fmt}", response_model=None)
def unit_document(request: Request, code: str, kind: str, fmt: str) -> Response:
    """The unit's 督导报告 (``report``) or work-plan progress report (``plan``)."""
    from dudao.report import documents

    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    unit = _unit_or_denied(request, account, code)
    if isinstance(unit, HTMLResponse):
        return unit
    source = backend.data_for(request, code)
    if source is None or fmt not in documents.FORMATS or kind not in ("report", "plan"):
        return _denied(request, "没有这种文档，或本单位还没有已审核的数据")
    plugins = backend.plugins(request)
    try:
        if kind == "report":
            doc = _report_document(source, plugins, code)
        else:
            doc = documents.plan_progress_for(source.folder, plugins, code)
        data = documents.render(doc, fmt)
    except DudaoError as exc:
        return _denied(request, "；".join(p.message for p in exc.problems), 422)
    return _download(data, documents.filename(doc, fmt), documents.MEDIA_TYPES[fmt])


def _report_document(source: DataSource, plugins: Any, code: str) -> Any:
    from dudao import api
    from dudao.report import documents

    evaluations = []
    if source.evaluation is not None:
        for set_id, _ in unitdata.EVALUATION_SETS:
            try:
                evaluations.append(
                    api.evaluate(
                        source.evaluation, plugins, set_id, unit=code, as_of=backend.today()
                    )
                )
            except DudaoError:
                continue  # no data for it: the report leaves it out
    return documents.supervision_report_for(source.folder, plugins, code, evaluations=evaluations)


# ------------------------------------------------------------- simulate
@router.get("/simulate", response_model=None)
def simulate_page(request: Request, ratio: str | None = None) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    h = backend.hierarchy(request)
    code = account.unit
    error = None
    value = 4
    if ratio:
        try:
            value = int(ratio)
            if not 1 <= value <= 50:
                raise ValueError
        except ValueError:
            error = "配比应为 1 至 50 之间的整数（每名督学负责的学校数）"
            value = 4
    source = backend.data_for(request, code)
    context: dict[str, Any] = {
        "unit": h.get(code),
        "path": _path(request, account, code),
        "ratio": value,
        "error": error,
        "source": source,
        "parameter": _ratio_parameter(request, code),
        "rows": [],
    }
    if source is None:
        return _render(request, "simulate.html", context)
    rows, findings = _simulate(request, source.folder, code, value)
    context["rows"] = rows
    context["findings"] = findings
    context["chart"] = Markup(
        charts.paired_chart(
            [(r["name"], r["required_base"], r["required"]) for r in rows],
            title="应配督学数（名）",
            names=("基线", f"方案：每 {value} 所学校 1 名"),
        )
    )
    context["gap"] = Markup(
        charts.paired_chart(
            [(r["name"], r["shortfall_base"], r["shortfall"]) for r in rows],
            title="缺额（名）",
            names=("基线", "方案"),
        )
    )
    return _render(request, "simulate.html", context)


def _ratio_parameter(request: Request, code: str) -> dict[str, Any] | None:
    law = backend.service(request).law
    entry = law.resolve(Kind.PARAMETER, "inspector.schools_per_inspector", code, backend.today())
    if entry is None:
        return None
    return {"value": entry.value, "citation": entry.citation_text(), "plugin": entry.origin.plugin}


@functools.lru_cache(maxsize=32)
def _simulated(key: tuple[str, float], code: str, ratio: int, plugins: Any) -> Any:
    from dudao.simulate.compare import compare
    from dudao.simulate.reform import Reform
    from dudao.simulate.scenario import Scenario

    scenario = Scenario.load(key[0], plugins)
    reform = Reform("ratio", f"督学配比 1:{ratio}").set_parameter(
        "inspector.schools_per_inspector", ratio, scope=code
    )
    return compare(scenario, [reform])


def _simulate(
    request: Request, folder: Path, code: str, ratio: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    h = backend.hierarchy(request)
    result = _simulated(unitdata.version(folder), code, ratio, backend.plugins(request))
    staffing = result.staffing
    staffing = staffing[unitdata.in_subtree(h, code, staffing["jurisdiction"].astype(str))]
    base = staffing[staffing["scenario"] == "baseline"].set_index("jurisdiction")
    reform = staffing[staffing["scenario"] != "baseline"].set_index("jurisdiction")
    rows = []
    for j in base.index:
        rows.append(
            {
                "code": j,
                "name": h.get(j).name if j in h else j,
                "schools": int(base.loc[j, "schools"]),
                "actual": int(base.loc[j, "actual"]),
                "required_base": int(base.loc[j, "required"]),
                "required": int(reform.loc[j, "required"]) if j in reform.index else 0,
                "shortfall_base": int(base.loc[j, "shortfall"]),
                "shortfall": int(reform.loc[j, "shortfall"]) if j in reform.index else 0,
            }
        )
    f = result.findings
    f = f[unitdata.in_subtree(h, code, f["jurisdiction"].astype(str))]
    totals = f.groupby("scenario")["findings"].sum().to_dict()
    findings = [
        {"scenario": result.titles.get(s, s), "count": int(n)} for s, n in sorted(totals.items())
    ]
    return rows, findings
