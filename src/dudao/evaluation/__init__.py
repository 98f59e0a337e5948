"""Evaluation: indicator sets, scoring, grades, explanations and balance statistics."""

from dudao.evaluation.model import IndicatorSet, load_indicator_set, parse_indicator_set
from dudao.evaluation.score import Evaluation, evaluate, ranked
from dudao.evaluation.stats import grouped_cv, split_combined, weighted_cv

__all__ = [
    "Evaluation",
    "IndicatorSet",
    "evaluate",
    "grouped_cv",
    "load_indicator_set",
    "parse_indicator_set",
    "ranked",
    "split_combined",
    "weighted_cv",
]
