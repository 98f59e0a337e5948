"""What a unit's pages show beside the service's analysis: counts of findings, the
evaluations (优质均衡, 普及普惠, duty evaluation) of the units in a subtree, names.

The check and the work plans come from the service (:mod:`dudao.server.analysis`,
cached per data and law version); the evaluations, which the service does not run,
are run here once per measurement folder (and its files' modification times) and
reused by every page and account. Every value keeps the citation the library gave it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from dudao.errors import DudaoError
from dudao.evaluation.extend import materialise
from dudao.evaluation.measurements import load_dataset as load_measurements
from dudao.evaluation.national import evaluate_quality_balanced
from dudao.evaluation.score import evaluate, ranked
from dudao.law.kinds import Kind
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet

#: The evaluations on a unit's page: 优质均衡, 普及普惠 and the duty evaluation.
EVALUATION_SETS = (
    ("quality_balanced", "优质均衡"),
    ("preschool_universal", "普及普惠"),
    ("gx_duty_evaluation", "履行教育职责评价"),
)
_DERIVED = ("cv_primary_", "cv_junior_", "schools_unmet_")


def version(folder: Path) -> tuple[str, float]:
    """A key that changes when any file of the folder changes."""
    stamps = [p.stat().st_mtime for p in folder.iterdir() if p.is_file()]
    return str(folder), max(stamps, default=0.0)


def in_subtree(hierarchy: Hierarchy, code: str, codes: pd.Series) -> pd.Series:
    """Which of ``codes`` lie in ``code``'s subtree (unknown codes do not)."""
    known = codes.isin(set(hierarchy.subtree_codes(code)))
    return pd.Series(known.to_numpy(), index=codes.index)


def severity_counts(findings: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, int]]:
    """(value, Chinese label, count) for each severity, errors first."""
    counts = Counter(str(f["severity"]) for f in findings)
    return [(s.value, s.label, counts.get(s.value, 0)) for s in Severity]


def errors_per_child(
    hierarchy: Hierarchy, code: str, findings: Iterable[Mapping[str, Any]]
) -> dict[str, int]:
    """How many error findings lie in each child's subtree."""
    errors = [str(f["jurisdiction"]) for f in findings if f["severity"] == Severity.ERROR.value]
    out = {}
    for child in hierarchy.children(code):
        inside = set(hierarchy.subtree_codes(child.code))
        out[child.code] = sum(j in inside for j in errors)
    return out


def names(hierarchy: Hierarchy, codes: Iterable[str]) -> dict[str, str]:
    """Code → name for the codes the tree knows."""
    return {c: hierarchy.get(c).name for c in codes if c in hierarchy}


# --------------------------------------------------------- evaluations
@attrs.frozen
class EvaluationView:
    """One indicator set's results for the units of a subtree."""

    set_id: str
    label: str
    title: str
    cite: str
    sample: bool
    rows: list[dict[str, Any]]
    problem: str | None = None
    maximum: float | None = None  # the set's full marks, the charts' scale


@functools.lru_cache(maxsize=32)
def _evaluate(
    key: tuple[str, float], set_id: str, scope: str, day: dt.date, plugins: PluginSet
) -> Any:
    folder = Path(key[0])
    hierarchy = plugins.hierarchy()
    law = plugins.law_book(hierarchy)
    try:
        if set_id not in law.ids(Kind.INDICATOR_SET):
            return f"没有已安装的指标体系 {set_id}"
        entry = law.resolve(Kind.INDICATOR_SET, set_id, scope, day)
        if entry is None:
            return "不适用于本单位（指标体系的范围不含本单位，或该日不在有效期内）"
        s = materialise(law, entry, day)
        balanced = set_id == "quality_balanced"
        needed = [c for c in s.columns() if not (balanced and c.startswith(_DERIVED))]
        measurements, schools = load_measurements(folder, needed, schools=balanced)
        if balanced:
            ev = evaluate_quality_balanced(schools, measurements, s, law=law, as_of=day)
        else:
            ev = evaluate(s, measurements, source=str(folder / "measurements"), law=law, as_of=day)
    except DudaoError as exc:
        return _why(exc)
    table = ranked(ev)
    return s, table


def _why(exc: DudaoError) -> str:
    """Why an evaluation could not run, in a line: the columns the data lacks."""
    missing = [str(p.path[-1]) for p in exc.problems if p.path and "缺少" in p.message]
    if missing:
        shown = "、".join(missing[:4]) + ("等" if len(missing) > 4 else "")
        return f"测量数据中没有该项评估所需的 {len(missing)} 列（{shown}）"
    return "；".join(p.message for p in exc.problems[:3])


def evaluations(
    folder: Path | None, plugins: PluginSet, code: str, day: dt.date
) -> list[EvaluationView]:
    """The results of each of :data:`EVALUATION_SETS` for the units in ``code``'s
    subtree, or why there are none (no data, a column missing)."""
    out: list[EvaluationView] = []
    h = plugins.hierarchy()
    for set_id, label in EVALUATION_SETS:
        if folder is None:
            out.append(EvaluationView(set_id, label, label, "", False, [], "没有测量数据"))
            continue
        got = _evaluate(version(folder), set_id, code, day, plugins)
        if isinstance(got, str):
            out.append(EvaluationView(set_id, label, label, "", False, [], got))
            continue
        s, table = got
        mine = table[in_subtree(h, code, table["target"].astype(str))]
        rows = [
            {
                "target": str(r.target),
                "name": h.get(str(r.target)).name if str(r.target) in h else str(r.name),
                "year": getattr(r, "year", None),
                "total": float(r.total),
                "grade": str(r.grade),
                "vetoed": bool(r.vetoed),
                "required_failed": bool(r.required_failed),
                "rank": int(r.rank),
            }
            for r in mine.itertuples()
        ]
        problem = None if rows else "本单位及下级没有该项评估数据"
        out.append(
            EvaluationView(
                set_id,
                label,
                s.title,
                str(s.cite) if s.cite else "",
                s.sample,
                rows,
                problem,
                s.total,
            )
        )
    return out
