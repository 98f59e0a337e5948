"""Evaluations on approved data (分析评价): the indicator sets in force at a unit
(the national 优质均衡 and 普及普惠; inside a region, the region's own, such as
Guangxi's duty evaluation) over the units in its subtree, run with the library's
indicator sets (:mod:`dudao.evaluation`) on the measurement tables a unit submitted —
the tables ``dudao evaluate`` reads (``measurements``, and for 优质均衡
``school_resources``) — once approved by the level above.

Which sets a unit is offered is the law's answer (:func:`sets_in_force`), never a
list naming one region's set: a Hubei unit is not told about Guangxi's.

The data a unit's evaluations run on is the latest approved submission carrying a
``measurements`` table, of the unit itself or else of the nearest unit above it (a
city's measurements cover its counties). Results are cached per submission (data
version), law version, indicator set, unit and date. Each result keeps the set's
citation and whether the set itself rests on sample numbers (``sample``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa

from dudao import api
from dudao.errors import DudaoError
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.score import ranked
from dudao.law.kinds import Kind
from dudao.lazyimports import pd
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet
from dudao.server import access
from dudao.server.accounts import Account
from dudao.server.db import submission_files, submissions
from dudao.server.problems import fail
from dudao.server.service import Service
from dudao.server.submissions import APPROVED, MEASUREMENT_TABLE, folder_of

#: Short names of the national sets, which every unit's analysis lists first; any other
#: set in force at the unit (a region's) follows under its own title.
SET_LABELS = {"quality_balanced": "优质均衡", "preschool_universal": "普及普惠"}
#: Shown where no indicator set is in force at a unit on the day.
NO_SETS = "本单位在该日没有有效的指标体系"


def sets_in_force(plugins: PluginSet, code: str, day: dt.date) -> list[tuple[str, str]]:
    """(id, label) of the indicator sets in force for ``code`` on ``day`` that score
    units: the national 优质均衡 and 普及普惠 first, then the regions' by id, each
    listed only inside its scope and while valid. Sets scoring schools (优质均衡's
    school-level resource sets, which it runs itself) are not offered. A set two
    plugins contest at the unit is listed: running it says why it cannot.

    >>> import datetime as dt
    >>> from dudao.plugins.manager import load_plugins
    >>> sets_in_force(load_plugins(autoload=False), "420502", dt.date(2024, 6, 30))
    [('quality_balanced', '优质均衡'), ('preschool_universal', '普及普惠')]
    """
    found: dict[str, str] = {}
    for set_id in plugins.law_book(plugins.hierarchy()).ids(Kind.INDICATOR_SET):
        try:
            s = api.indicator_set(plugins, set_id, code, day)
        except DudaoError as exc:
            if not {p.code for p in exc.problems} & {"not-in-force", "unknown-set"}:
                found[set_id] = SET_LABELS.get(set_id, set_id)  # contested: run_set says why
            continue
        if s.target != "school":
            found[set_id] = SET_LABELS.get(set_id, s.title)
    first = [i for i in SET_LABELS if i in found]
    return [(i, found[i]) for i in (*first, *sorted(set(found) - set(first)))]


@attrs.frozen
class MeasuredData:
    """The approved submission whose measurements an evaluation runs on."""

    submission_id: int
    unit: str
    year: int
    version: int

    def json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def measured_for(service: Service, unit: str) -> MeasuredData | None:
    """The latest approved submission with a measurement table covering ``unit``:
    its own, else the nearest unit's above it; None if there is none."""
    h = service.hierarchy
    s, f = submissions.c, submission_files.c
    with service.read() as conn:
        for u in (unit, *(a.code for a in h.ancestors(unit))):
            row = conn.execute(
                sa.select(s.id, s.unit, s.year, s.version)
                .where(
                    s.unit == u,
                    s.status == APPROVED,
                    sa.exists().where(
                        f.submission_id == s.id, f.name.like(f"{MEASUREMENT_TABLE}.%")
                    ),
                )
                .order_by(s.year.desc(), s.version.desc())
                .limit(1)
            ).first()
            if row is not None:
                return MeasuredData(row.id, row.unit, row.year, row.version)
    return None


def run_set(
    folder: Path, plugins: PluginSet, set_id: str, scope: str, day: dt.date
) -> tuple[IndicatorSet, pd.DataFrame] | str:
    """The set ``set_id`` in force for ``scope`` on ``day`` run on ``folder``'s
    measurements (:func:`dudao.api.evaluate`), ranked; or why it could not run, in a line."""
    try:
        ev = api.evaluate(folder, plugins, set_id, unit=scope, as_of=day)
    except DudaoError as exc:
        codes = {p.code for p in exc.problems}
        if "unknown-set" in codes:
            return f"没有已安装的指标体系 {set_id}"
        if "not-in-force" in codes:
            return "不适用于本单位（指标体系的范围不含本单位，或该日不在有效期内）"
        return why(exc)
    return ev.set, ranked(ev)


def why(exc: DudaoError) -> str:
    """Why an evaluation could not run, in a line: the columns the data lacks."""
    missing = [str(p.path[-1]) for p in exc.problems if p.path and "缺少" in p.message]
    if missing:
        shown = "、".join(missing[:4]) + ("等" if len(missing) > 4 else "")
        return f"测量数据中没有该项评估所需的 {len(missing)} 列（{shown}）"
    return "；".join(p.message for p in exc.problems[:3])


def results(
    folder: Path, plugins: PluginSet, hierarchy: Hierarchy, code: str, day: dt.date
) -> list[dict[str, Any]]:
    """Each indicator set in force at ``code`` on ``day`` (:func:`sets_in_force`) run on
    ``folder`` for the units in ``code``'s subtree: set, label, title, cite, sample,
    maximum, rows (ranked) or the problem. Empty when no set is in force there."""
    out: list[dict[str, Any]] = []
    inside = set(hierarchy.subtree_codes(code))
    for set_id, label in sets_in_force(plugins, code, day):
        got = run_set(folder, plugins, set_id, code, day)
        if isinstance(got, str):
            out.append(_view(set_id, label, label, "", False, None, [], got))
            continue
        s, table = got
        rows = [
            {
                "target": str(r.target),
                "name": hierarchy.get(str(r.target)).name
                if str(r.target) in hierarchy
                else str(r.name),
                "year": _int(getattr(r, "year", None)),
                "total": float(r.total),
                "grade": str(r.grade),
                "vetoed": bool(r.vetoed),
                "required_failed": bool(r.required_failed),
                "rank": int(r.rank),
            }
            for r in table.itertuples()
            if str(r.target) in inside
        ]
        problem = None if rows else "本单位及下级没有该项评估数据"
        cite = str(s.cite) if s.cite else ""
        out.append(_view(set_id, label, s.title, cite, s.sample, s.total, rows, problem))
    return out


def _int(v: Any) -> int | None:
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def _view(
    set_id: str,
    label: str,
    title: str,
    cite: str,
    sample: bool,
    maximum: float | None,
    rows: list[dict[str, Any]],
    problem: str | None,
) -> dict[str, Any]:
    return {
        "set_id": set_id,
        "label": label,
        "title": title,
        "cite": cite,
        "sample": sample,
        "maximum": maximum,
        "rows": rows,
        "problem": problem,
    }


def evaluations(
    service: Service, account: Account, unit: str, as_of: dt.date | None = None
) -> tuple[MeasuredData, dt.date, list[dict[str, Any]]]:
    """The evaluations of ``unit``'s subtree on its approved measurements (cached
    per data version, law version, unit and date)."""
    h = service.hierarchy
    if unit not in h or not access.can_view(account, unit, h):
        raise fail("unknown-unit", f"没有单位 {unit}，或它不在本账号的管辖范围内")
    data = measured_for(service, unit)
    if data is None:
        raise fail(
            "no-data",
            f"{h.get(unit).name}（{unit}）及其上级单位都还没有已审核的测量数据",
            hint="报送 measurements.csv（评估对象代码 target、年度 year 与各项测量值）"
            "并由上一级审核",
        )
    day = as_of or dt.date.today()
    rows = service.cached(
        ("evaluations", data.submission_id, service.law_version, unit, day),
        lambda: results(folder_of(service, data.submission_id), service.plugins, h, unit, day),
    )
    return data, day, rows
