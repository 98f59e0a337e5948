"""The pages officials work in: server-rendered HTML in Chinese, no script needed.

Every page that shows a unit checks that the signed-in account may see it (its own
unit and the units below; never above or beside): a unit outside the account's
subtree is answered with 403 and shows nothing about it. Every form carries the
session's CSRF token and every POST checks it. Templates escape everything
(Jinja2 autoescape); charts are SVG drawn here (:mod:`dudao.web.charts`).

The routes are on :data:`router`; :func:`mount` adds them and the static files to
an app whose ``state.web_backend`` is set (:mod:`dudao.web.backend`).
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
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

from dudao import api
from dudao.errors import DudaoError, Problem
from dudao.io.dataset import SUFFIXES
from dudao.law.kinds import Kind
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.model.numbers import number
from dudao.model.tables import TABLES
from dudao.plans.status import PlanReport
from dudao.web import charts, unitdata
from dudao.web.backend import Account, Backend, backend, csrf_ok, csrf_token, today
from dudao.web.caseforms import read_form, step_fields
from dudao.web.lawview import law_rows
from dudao.workflow.machine import allowed_next
from dudao.workflow.steps import Event, Step, payload_from_dict, payload_to_dict

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=PackageLoader("dudao.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_env)
SEVERITY_TONE = {"error": "bad", "warning": "warn", "info": "info"}
LIST_LIMIT = 100  # findings listed one by one on a page; the rest are counted
UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes per uploaded file


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("dudao.web", "static")]), name="static")


# ------------------------------------------------------------ helpers
class _SignInFirst(Exception):
    pass


def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    b = backend(request)
    account = b.account(request)
    base = {
        "account": account,
        "csrf": csrf_token(request),
        "today": today(),
        "sev_label": {s.value: s.label for s in Severity},
        "sev_tone": SEVERITY_TONE,
        "number": number,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status
    )
    return response


def _signed_in(request: Request) -> Account | RedirectResponse:
    account = backend(request).account(request)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return account


def _denied(request: Request, what: str, status: int = 403) -> HTMLResponse:
    return _render(request, "denied.html", {"what": what}, status)


def _unit_or_denied(
    request: Request, account: Account, code: str
) -> tuple[Hierarchy, Any] | HTMLResponse:
    """The unit ``code`` if the account may see it; else the 403/404 page (a unit
    outside the subtree and an unknown code get the same 403 text, saying nothing
    about the unit)."""
    b = backend(request)
    h = b.hierarchy()
    if code not in h:
        return _denied(request, "没有这个单位", 404)
    if not b.can_view(account, code):
        return _denied(request, "该单位不在您的管辖范围内", 403)
    return h, h.get(code)


def _path(b: Backend, account: Account, code: str) -> list[dict[str, Any]]:
    """The units from the root to ``code``, linked where the account may see them."""
    return [
        {"code": u.code, "name": u.name, "link": b.can_view(account, u.code)}
        for u in b.hierarchy().path(code)
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
    if not csrf_ok(request, csrf_token):
        return _render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "页面已过期，请重新登录"},
            400,
        )
    account = backend(request).sign_in(request, username.strip(), password)
    if account is None:
        return _render(
            request, "login.html", {"next": _safe_next(next), "error": "用户名或密码不正确"}, 401
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    if not csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    backend(request).sign_out(request)
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
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    h, unit = got
    b = backend(request)
    plugins = b.plugins()
    source = b.data_for(code)
    result = unitdata.checked(source.folder, plugins)
    findings = unitdata.findings_for(result, code)
    counts = unitdata.severity_counts(findings)
    children = [{"code": c.code, "name": c.name, "kind": c.kind.label} for c in h.children(code)]
    per_child = _per_child(h, code, findings)
    child_chart = (
        Markup(
            charts.bar_chart(
                [
                    charts.Bar(c["name"], per_child.get(c["code"], 0), "bad")
                    for c in children
                    if per_child.get(c["code"], 0)
                ],
                title="下级单位“错误”级问题数",
            )
        )
        if any(per_child.values())
        else None
    )
    plan = _plan_view(unitdata.plans(source.folder, plugins), code, h)
    evaluations = unitdata.evaluations(source.evaluation, plugins, code, today())
    eval_charts = {
        e.set_id: Markup(
            charts.bar_chart(
                [
                    charts.Bar(
                        r["name"], r["total"], "good" if r["grade"] == "达标" else "bad", r["grade"]
                    )
                    for r in e.rows
                ],
                title=f"{e.label}：总分与等级",
                maximum=e.maximum,
            )
        )
        for e in evaluations
        if e.rows
    }
    overdue = [
        o for o in b.cases().overdue(today()) if o.target in h and h.contains(code, o.target)
    ]
    waiting = b.waiting(account, code)
    return _render(
        request,
        "unit.html",
        {
            "unit": unit,
            "path": _path(b, account, code),
            "source": source,
            "as_of": result.as_of,
            "counts": counts,
            "findings": findings.head(LIST_LIMIT).to_dict("records"),
            "findings_total": len(findings),
            "names": unitdata.names(h, set(findings["jurisdiction"].astype(str))),
            "children": children,
            "per_child": per_child,
            "child_chart": child_chart,
            "plan": plan,
            "evaluations": evaluations,
            "eval_charts": eval_charts,
            "overdue": overdue,
            "overdue_names": unitdata.names(h, {o.target for o in overdue}),
            "waiting": waiting,
            "waiting_names": unitdata.names(h, {s.unit for s in waiting}),
            "can_capture": b.can_capture(account, code),
            "own": code == account.unit,
        },
    )


def _per_child(h: Hierarchy, code: str, findings: pd.DataFrame) -> dict[str, int]:
    errors = findings[findings["severity"] == Severity.ERROR.value]
    out: dict[str, int] = {}
    for child in h.children(code):
        mask = unitdata.in_subtree(h, child.code, errors["jurisdiction"].astype(str))
        out[child.code] = int(mask.sum())
    return out


def _plan_view(report: PlanReport | str, code: str, h: Hierarchy) -> dict[str, Any]:
    if isinstance(report, str):
        return {"problem": report}
    frame = report.frame()
    if frame.empty:
        return {"problem": "没有适用的工作要点"}
    counts = frame["status_label"].value_counts()
    tone = {"达成": "good", "未达成": "bad", "未到期": "info", "无法度量": "base"}
    bars = [charts.Bar(label, int(counts.get(label, 0)), t) for label, t in tone.items()]
    plans = {p.id: (p, scope) for p, scope in report.plans}
    tasks = []
    for row in frame.to_dict("records"):
        deadline = dt.date.fromisoformat(row["deadline"])
        plan, scope = plans[row["plan"]]
        tasks.append(
            {
                **row,
                "plan_title": plan.title,
                "scope": _named(h, scope),
                "late": row["status"] == "not_met" and deadline < today(),
            }
        )
    tasks.sort(
        key=lambda t: ({"not_met": 0, "pending": 1, "met": 2}.get(t["status"], 3), t["deadline"])
    )
    return {
        "problem": None,
        "measured": [t for t in tasks if t["status"] != "not_measurable"],
        "unmeasured": [t for t in tasks if t["status"] == "not_measurable"],
        "chart": Markup(charts.bar_chart(bars, title="工作要点任务完成情况（项）")),
        "counts": [(label, int(counts.get(label, 0))) for label in tone],
        "as_of": report.as_of,
    }


# ------------------------------------------------------------- tree
@router.get("/units/{code}/tree", response_model=None)
def tree_page(request: Request, code: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    h, unit = got
    b = backend(request)
    source = b.data_for(code)
    findings = unitdata.findings_for(unitdata.checked(source.folder, b.plugins()), code)
    errors = findings[findings["severity"] == Severity.ERROR.value]["jurisdiction"].astype(str)
    per_unit = errors.value_counts().to_dict()
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

    return _render(
        request,
        "tree.html",
        {"unit": unit, "path": _path(b, account, code), "tree": node(code), "source": source},
    )


# ------------------------------------------------------------- law
@router.get("/units/{code}/law", response_model=None)
def law_page(request: Request, code: str, on: str | None = None) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    _h, unit = got
    b = backend(request)
    error = None
    day = today()
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            error = f"日期“{on}”无效，请写成 YYYY-MM-DD；下表为今天的规定"
    book = _law_book(b)
    rows = law_rows(book, code, day)
    return _render(
        request,
        "law.html",
        {"unit": unit, "path": _path(b, account, code), "day": day, "rows": rows, "error": error},
    )


def _law_book(b: Backend) -> Any:
    return _book_of(b.plugins())


@functools.lru_cache(maxsize=4)
def _book_of(plugins: Any) -> Any:
    return plugins.law_book()


# ------------------------------------------------------------- upload
@router.get("/units/{code}/upload", response_model=None)
def upload_page(request: Request, code: str) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    _h, unit = got
    b = backend(request)
    if not b.can_capture(account, code):
        return _denied(request, "您的账号没有上报数据的权限", 403)
    return _render(
        request,
        "upload.html",
        {
            "unit": unit,
            "path": _path(b, account, code),
            "tables": _table_choices(),
            "report": None,
            "year": today().year,
        },
    )


def _table_choices() -> list[tuple[str, str]]:
    return [(name, spec.label_zh) for name, spec in TABLES.items()]


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
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    _h, unit = got
    b = backend(request)
    if not csrf_ok(request, csrf_token):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    if not b.can_capture(account, code):
        return _denied(request, "您的账号没有上报数据的权限", 403)
    with tempfile.TemporaryDirectory(prefix="dudao-upload-") as tmp:
        folder = Path(tmp)
        problems: list[Problem] = []
        saved: dict[str, Path] = {}
        for upload_file in files:
            name = Path(upload_file.filename or "").name
            stem, suffix = Path(name).stem, Path(name).suffix.lower()
            if stem not in TABLES or suffix not in SUFFIXES:
                problems.append(
                    Problem(
                        f"不认识的文件“{name}”",
                        source=name,
                        code="unknown-table",
                        hint="文件名应为表名加扩展名，如 schools.csv；可用的表："
                        + "、".join(TABLES),
                    )
                )
                continue
            data = await upload_file.read(UPLOAD_LIMIT + 1)
            if len(data) > UPLOAD_LIMIT:
                problems.append(Problem(f"文件“{name}”超过 20 MB", source=name, code="too-large"))
                continue
            target = folder / f"{stem}{suffix}"
            target.write_bytes(data)
            saved[target.name] = target
        if not saved and not problems:
            problems.append(Problem("没有选择文件", code="no-file", hint="选择一个或多个表格文件"))
        if saved and not problems:
            (folder / "dataset.yaml").write_text(
                f'name: "上报数据"\nscope: "{code}"\nas_of: {year}-12-31\n', encoding="utf-8"
            )
            try:
                api.load(folder, b.plugins())
            except DudaoError as exc:
                problems.extend(exc.problems)
        located = [_locate(p, folder) for p in problems]
        previews = _previews(saved, located)
    return _render(
        request,
        "upload.html",
        {
            "unit": unit,
            "path": _path(b, account, code),
            "tables": _table_choices(),
            "report": {"ok": not located, "problems": located, "previews": previews},
            "files": sorted(saved),
            "year": year,
        },
        status=200 if not located else 422,
    )


def _locate(p: Problem, folder: Path) -> _Located:
    source = p.source or ""
    name = Path(source).name if source else ""
    if source and not source.startswith(str(folder)):
        name = source
    field = ".".join(str(s) for s in p.path)
    return _Located(name or "—", p.row or p.line, field, p.message, p.hint or "")


def _previews(saved: dict[str, Path], located: list[_Located]) -> list[dict[str, Any]]:
    """Each uploaded CSV's rows around its problems, the bad cells marked (first 30
    rows when a file has none)."""
    out = []
    for name, path in sorted(saved.items()):
        if path.suffix != ".csv":
            continue
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=5000)
        except Exception:  # unreadable: the load's own problem says why
            continue
        mine = [p for p in located if p.file == name]
        bad_rows = {p.row for p in mine if p.row}
        bad_cells = {(p.row, p.field) for p in mine if p.row}
        # file row n is frame index n - 2 (row 1 is the header)
        wanted = sorted({r - 2 + d for r in bad_rows for d in (-1, 0, 1)} or set(range(30)))
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


# ------------------------------------------------------------- cases
@router.get("/cases", response_model=None)
def cases_page(request: Request) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    b = backend(request)
    h = b.hierarchy()
    states = [s for s in b.cases().cases() if s.target in h and b.can_view(account, s.target or "")]
    return _render(
        request,
        "cases.html",
        {
            "cases": states,
            "names": unitdata.names(h, {s.target or "" for s in states}),
            "path": _path(b, account, account.unit),
        },
    )


def _case_context(
    request: Request, account: Account, case_id: str
) -> dict[str, Any] | HTMLResponse:
    b = backend(request)
    h = b.hierarchy()
    try:
        record = b.cases().case(case_id)
    except DudaoError:
        return _denied(request, "没有这个案件", 404)
    state = record.state
    target = state.target or ""
    if state.last is None:
        return _denied(request, "没有这个案件", 404)
    if not b.can_view(account, target):
        return _denied(request, "该案件不在您的管辖范围内", 403)
    day = today()
    steps = allowed_next(state, day)
    forms = []
    for step in steps:
        fields = step_fields(step)
        defaults: dict[str, str] = {}
        if "deadline" in {f.name for f in fields}:
            defaults["deadline"] = (day + dt.timedelta(days=90)).isoformat()
        forms.append({"step": step, "fields": fields, "defaults": defaults})
    events = [
        {
            "seq": e.seq,
            "label": e.step.label,
            "date": e.date,
            "actor": e.actor,
            "citation": str(e.citation) if e.citation else "—",
            "details": _payload_text(e),
        }
        for e in record.events
    ]
    return {
        "case": state,
        "case_id": record.case_id,
        "target_name": _named(h, target),
        "events": events,
        "forms": forms,
        "may_write": b.can_capture(account, target) and "staff" in account.roles,
        "path": _path(b, account, target) if target in h else [],
        "problems": [],
        "day": day,
        "actor_default": account.name,
    }


def _payload_text(e: Event) -> list[tuple[str, str]]:
    from dudao.workflow.steps import field_label

    data = payload_to_dict(e.payload)
    fields = {f.name: f for f in step_fields(e.step)}
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
    ctx = _case_context(request, account, case_id)
    if isinstance(ctx, HTMLResponse):
        return ctx
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    multi = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    if not csrf_ok(request, values.get("csrf_token")):
        return _denied(request, "页面已过期，请刷新后重试", 400)
    if not ctx["may_write"]:
        return _denied(request, "您的账号不能推进该案件", 403)
    state = ctx["case"]
    problems: list[Problem] = []
    try:
        step = Step(values.get("step", ""))
        if step not in allowed_next(state, None) or step is Step.OPENED:
            raise ValueError
    except ValueError:
        ctx["problems"] = [Problem("所选步骤现在不能记录", code="step-not-allowed")]
        return _render(request, "case.html", ctx, 422)
    try:
        day = dt.date.fromisoformat(values.get("date", "") or today().isoformat())
        data = read_form(step, values, multi)
        payload = payload_from_dict(step, data)
        event = Event(
            case_id,
            step,
            day,
            (values.get("actor") or "").strip() or account.name,
            state.target or "",
            payload=payload,
            seq=int(values.get("seq") or state.count + 1),
        )
        backend(request).cases().append(case_id, event)
    except ValueError:
        problems = [Problem("日期无效", path=("date",), code="bad-date", hint="如 2023-06-30")]
    except DudaoError as exc:
        problems = exc.problems
    if problems:
        ctx["problems"] = problems
        ctx["failed_step"] = step
        return _render(request, "case.html", ctx, 422)
    return RedirectResponse(f"/cases/{quote(case_id, safe='')}", status_code=303)


# ------------------------------------------------------------- report
@router.get("/units/{code}/report", response_model=None)
def report_page(request: Request, code: str) -> Response:
    """The unit's 督导报告 as a page to read and print (the .docx and PDF come from
    :mod:`dudao.report` when it provides them)."""
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    got = _unit_or_denied(request, account, code)
    if isinstance(got, HTMLResponse):
        return got
    h, unit = got
    b = backend(request)
    source = b.data_for(code)
    result = unitdata.checked(source.folder, b.plugins())
    findings = unitdata.findings_for(result, code)
    groups = []
    for sev in Severity:
        rows = findings[findings["severity"] == sev.value].to_dict("records")
        if rows:
            groups.append({"label": sev.label, "rows": rows})
    supervisor = h.supervisor(code)
    return _render(
        request,
        "report.html",
        {
            "unit": unit,
            "path": _path(b, account, code),
            "source": source,
            "as_of": result.as_of,
            "groups": groups,
            "counts": unitdata.severity_counts(findings),
            "names": unitdata.names(h, set(findings["jurisdiction"].astype(str))),
            "issuer": supervisor.name if supervisor else unit.name,
            "documents": _documents_available(),
        },
    )


def _documents_available() -> bool:
    try:
        import dudao.report.documents  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------- simulate
@router.get("/simulate", response_model=None)
def simulate_page(request: Request, ratio: str | None = None) -> Response:
    account = _signed_in(request)
    if isinstance(account, RedirectResponse):
        return account
    b = backend(request)
    h = b.hierarchy()
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
    source = b.data_for(code)
    rows, findings = _simulate(source.folder, code, value, b)
    chart = Markup(
        charts.paired_chart(
            [(r["name"], r["required_base"], r["required"]) for r in rows],
            title="应配督学数（名）",
            names=("基线", f"方案：每 {value} 所学校 1 名督学"),
        )
    )
    gap = Markup(
        charts.paired_chart(
            [(r["name"], r["shortfall_base"], r["shortfall"]) for r in rows],
            title="缺额（名）",
            names=("基线", "方案"),
        )
    )
    return _render(
        request,
        "simulate.html",
        {
            "unit": h.get(code),
            "path": _path(b, account, code),
            "rows": rows,
            "ratio": value,
            "error": error,
            "chart": chart,
            "gap": gap,
            "findings": findings,
            "source": source,
            "parameter": _ratio_parameter(b, code),
        },
    )


def _ratio_parameter(b: Backend, code: str) -> dict[str, Any] | None:
    book = _law_book(b)
    entry = book.resolve(Kind.PARAMETER, "inspector.schools_per_inspector", code, today())
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
    folder: Path, code: str, ratio: int, b: Backend
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    h = b.hierarchy()
    result = _simulated(unitdata.version(folder), code, ratio, b.plugins())
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
    labels = result.titles
    findings = [{"scenario": labels.get(s, s), "count": int(n)} for s, n in sorted(totals.items())]
    return rows, findings
