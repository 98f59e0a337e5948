"""What a unit's pages show beside the service's analysis: counts of findings, the
evaluations of the units in a subtree by the indicator sets in force at the unit
(优质均衡, 普及普惠, and inside a region its own), names.

The check and the work plans come from the service (:mod:`dudao.server.analysis`,
cached per data and law version); the evaluations run with the service's
:func:`dudao.server.evaluations.results` on the approved measurements (or the bundled
sample, marked 示例, when none are approved), once per measurement folder (and its
files' modification times), reused by every page and account. Every value keeps
the citation the library gave it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from dudao.lazyimports import pd
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet
from dudao.server.evaluations import results, sets_in_force


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
def _results(
    key: tuple[str, float], plugins: PluginSet, code: str, day: dt.date
) -> list[dict[str, Any]]:
    return results(Path(key[0]), plugins, plugins.hierarchy(), code, day)


def evaluations(
    folder: Path | None, plugins: PluginSet, code: str, day: dt.date
) -> list[EvaluationView]:
    """The results of each indicator set in force at ``code`` on ``day``
    (:func:`dudao.server.evaluations.sets_in_force`) for the units in its subtree, or
    why there are none (no data, a column missing): the service's
    :func:`dudao.server.evaluations.results`, once per folder version. Empty when no
    set is in force there."""
    if folder is None:
        return [
            EvaluationView(set_id, label, label, "", False, [], "没有测量数据")
            for set_id, label in sets_in_force(plugins, code, day)
        ]
    return [EvaluationView(**v) for v in _results(version(folder), plugins, code, day)]
