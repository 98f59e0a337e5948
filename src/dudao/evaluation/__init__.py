"""Evaluation: indicator sets, scoring, grades, explanations and balance statistics.

The names below are imported from their modules when first read: loading plugins
reads indicator sets and programmes (:mod:`dudao.evaluation.model`,
:mod:`~dudao.evaluation.programmes`), and importing one of those runs this file, which
should not also build the scoring and statistics modules a ``dudao check`` never uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dudao.evaluation.extend import (
        IndicatorSetExtension,
        materialise,
        resolve_indicator_set,
    )
    from dudao.evaluation.model import IndicatorSet, load_indicator_set, parse_indicator_set
    from dudao.evaluation.programmes import Programme, Stage, programme_status
    from dudao.evaluation.score import Evaluation, evaluate, ranked
    from dudao.evaluation.stats import grouped_cv, split_combined, weighted_cv

#: Each public name and the module that defines it.
_HOME = {
    "IndicatorSetExtension": "extend",
    "materialise": "extend",
    "resolve_indicator_set": "extend",
    "IndicatorSet": "model",
    "load_indicator_set": "model",
    "parse_indicator_set": "model",
    "Programme": "programmes",
    "Stage": "programmes",
    "programme_status": "programmes",
    "Evaluation": "score",
    "evaluate": "score",
    "ranked": "score",
    "grouped_cv": "stats",
    "split_combined": "stats",
    "weighted_cv": "stats",
}

__all__ = [
    "Evaluation",
    "IndicatorSet",
    "IndicatorSetExtension",
    "Programme",
    "Stage",
    "evaluate",
    "grouped_cv",
    "load_indicator_set",
    "materialise",
    "parse_indicator_set",
    "programme_status",
    "ranked",
    "resolve_indicator_set",
    "split_combined",
    "weighted_cv",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # read once: later reads are plain lookups
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
