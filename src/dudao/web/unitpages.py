"""A unit's pages: its overview (data, findings, work plans, evaluations, what awaits
it), the tree of units below it, and the law in force for it on a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from dudao.errors import DudaoError
from dudao.model.jurisdiction import Jurisdiction
from dudao.server.evaluations import NO_SETS
from dudao.web import backend, charts, unitdata
from dudao.web.backend import Account
from dudao.web.guards import SignedIn, VisibleUnit, visible_unit
from dudao.web.lawview import law_rows
from dudao.web.render import problems_text, render, unit_path

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 100  # findings listed one by one on a page; the rest are counted


@router.get("/", response_model=None)
def home(request: Request, account: SignedIn) -> Response:
    return overview(request, account, visible_unit(request, account.unit, account))


@router.get("/units/{code}", response_model=None)
def unit_page(request: Request, account: SignedIn, unit: VisibleUnit) -> Response:
    return overview(request, account, unit)


def overview(request: Request, account: Account, unit: Jurisdiction) -> Response:
    """The unit page of ``unit`` (one the account may see)."""
    code = unit.code
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
        "path": unit_path(request, account, code),
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
        return render(request, "unit.html", context)
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
            "no_sets": NO_SETS,
            "eval_charts": {e.set_id: _evaluation_chart(e) for e in evaluations if e.rows},
        }
    )
    return render(request, "unit.html", context)


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
        return {"problem": problems_text(exc)}
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
def tree_page(request: Request, account: SignedIn, unit: VisibleUnit) -> Response:
    code = unit.code
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

    context = {"unit": unit, "path": unit_path(request, account, code), "tree": node(code)}
    return render(request, "tree.html", {**context, "source": source})


# ------------------------------------------------------------- law
@router.get("/units/{code}/law", response_model=None)
def law_page(
    request: Request, account: SignedIn, unit: VisibleUnit, on: str | None = None
) -> Response:
    error = None
    day = backend.today()
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            error = f"日期“{on}”无效，请写成 YYYY-MM-DD；下表为今天的规定"
    rows = law_rows(backend.service(request), unit.code, day)
    path = unit_path(request, account, unit.code)
    context = {"unit": unit, "path": path, "day": day, "rows": rows}
    return render(request, "law.html", {**context, "error": error})
