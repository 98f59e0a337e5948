"""Policy simulation (政策模拟) from the pages: the unit's inspector staffing under its
ratio of schools per inspector and under another one, unit by unit
(:func:`dudao.simulate.compare.compare` on the unit's approved data)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from dudao.law.kinds import Kind
from dudao.web import backend, charts, unitdata
from dudao.web.guards import SignedIn
from dudao.web.render import render, unit_path

router = APIRouter(include_in_schema=False)


@router.get("/simulate", response_model=None)
def simulate_page(request: Request, account: SignedIn, ratio: str | None = None) -> Response:
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
        "path": unit_path(request, account, code),
        "ratio": value,
        "error": error,
        "source": source,
        "parameter": _ratio_parameter(request, code),
        "rows": [],
    }
    if source is None:
        return render(request, "simulate.html", context)
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
    return render(request, "simulate.html", context)


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
