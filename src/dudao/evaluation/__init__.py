"""Evaluation: indicator sets, scoring, grades, explanations and balance statistics."""

from dudao.evaluation.extend import IndicatorSetExtension, materialise, resolve_indicator_set
from dudao.evaluation.model import IndicatorSet, load_indicator_set, parse_indicator_set
from dudao.evaluation.programmes import Programme, Stage, programme_status
from dudao.evaluation.score import Evaluation, evaluate, ranked
from dudao.evaluation.stats import grouped_cv, split_combined, weighted_cv

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
