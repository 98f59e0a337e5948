"""The application layer: what the command line, a service and a notebook call.

Each function takes a dataset folder and the plugins in force, loads the dataset
(:mod:`dudao.io`), builds the law that applies to it — the plugins' entries plus the
dataset's own ``parameters.yaml`` (:func:`law_for`) — and runs one job of the library.
Nothing here prints: presenting results is :mod:`dudao.cli`'s.

>>> from dudao import api
>>> from dudao.examples import example_path
>>> result = api.check(example_path("nanning"), api.load_plugins())
>>> result.findings.columns.tolist()[:4]
['rule', 'severity', 'target_kind', 'target']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.programmes import check_dataset_programmes
from dudao.io.dataset import dataset_parameters, load_dataset
from dudao.law.book import Entry, LawBook
from dudao.law.kinds import Kind
from dudao.law.parameters import known_parameter_ids
from dudao.model.dataset import Dataset
from dudao.model.hierarchy import Hierarchy
from dudao.plans.status import PlanReport, measure_loaded
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules

__all__ = [
    "Loaded",
    "ParameterSource",
    "RuleParameters",
    "check",
    "law_for",
    "load",
    "load_plugins",
    "measure_plans",
    "rule_parameters",
]


@attrs.frozen
class Loaded:
    """A dataset folder loaded under the plugins in force: the tables, the tree they
    extend and the law that applies to them."""

    dataset: Dataset
    hierarchy: Hierarchy
    law: LawBook


def law_for(folder: str | Path, ds: Dataset, hierarchy: Hierarchy, plugins: PluginSet) -> LawBook:
    """The plugins' law plus the dataset's own ``parameters.yaml``."""
    known = known_parameter_ids(plugins.law_book())  # a dataset may not add a parameter
    return plugins.law_book(hierarchy, extra=dataset_parameters(Path(folder), ds, hierarchy, known))


def load(folder: str | Path, plugins: PluginSet, *, pause_collector: bool = False) -> Loaded:
    """Load a dataset folder and the law that applies to it (``pause_collector``: see
    :func:`dudao.io.dataset.load_dataset`)."""
    ds, hierarchy = load_dataset(folder, plugins.hierarchy(), pause_collector=pause_collector)
    return Loaded(ds, hierarchy, law_for(folder, ds, hierarchy, plugins))


def check(
    dataset: str | Path,
    plugins: PluginSet,
    *,
    as_of: dt.date | None = None,
    only: set[str] | None = None,
    pause_collector: bool = False,
) -> CheckResult:
    """Load a dataset folder and run every rule in force on it (the ``dudao check`` job)."""
    loaded = load(dataset, plugins, pause_collector=pause_collector)
    day = as_of or loaded.dataset.info.as_of
    if day is None:
        raise DudaoError(
            Problem(
                "没有指定检查日期",
                source=str(dataset),
                code="no-as-of",
                hint="用 --as-of 指定，或在 dataset.yaml 中写 as_of",
            )
        )
    check_dataset_programmes(loaded.dataset, loaded.law, day)  # unknown programme: its row
    ctx = Context(loaded.dataset, loaded.hierarchy, loaded.law, day, plugins.member_units)
    return run_rules(ctx, only=only)


def measure_plans(
    dataset: Any,
    plugins: Any,
    *,
    plugin: str | None = None,
    plan: str | None = None,
    as_of: dt.date | None = None,
) -> PlanReport:
    """Load a dataset folder and measure the work plans that apply to it: those of
    ``plugin`` (default: every plugin) for the as-of year, or the one ``plan``.

    A plan is measured in the narrower of its scope and the dataset's, so a
    province's plan run on one city's data counts only that city's units.
    """
    loaded = load(dataset, plugins)
    return measure_loaded(
        loaded.dataset,
        loaded.hierarchy,
        loaded.law,
        plugins,
        plugin=plugin,
        plan=plan,
        as_of=as_of,
    )


@attrs.frozen
class ParameterSource:
    """One parameter a rule reads at a code: its value on the day the rule reads it, and
    where that value comes from (plugin, file:line, clause); ``plugin`` None: no plugin
    sets it there (the rule does not judge that code)."""

    id: str
    title: str
    read_on: dt.date
    value: Any = None
    sample: bool = False
    scope: str | None = None
    citation: str = ""
    plugin: str | None = None
    source: str | None = None
    line: int | None = None

    def where(self) -> str:
        """``file:line`` of the value, or ``—``."""
        if self.source is None:
            return "—"
        return f"{self.source}:{self.line}" if self.line else self.source


@attrs.frozen
class RuleParameters:
    """A rule in force at a code, where it is stated and the parameters it reads."""

    id: str
    title: str
    template: str | None
    scope: str
    citation: str
    plugin: str
    source: str | None
    line: int | None
    parameters: tuple[ParameterSource, ...]


def rule_parameters(plugins: PluginSet, code: str, day: dt.date) -> list[RuleParameters]:
    """For ``dudao rules --for CODE``: each rule in force at ``code`` on ``day``, the
    parameters it reads and where each value comes from.

    A rule judging a past period reads its parameters on that period's day
    (:meth:`~dudao.rules.base.Rule.judged_on`): the value shown is the one it applies.

    >>> import datetime as dt
    >>> rows = rule_parameters(load_plugins(), "610503", dt.date(2023, 6, 30))
    >>> qy = next(r for r in rows if r.id == "qianyuan-annual-task")
    >>> qy.template, qy.plugin, [p.id for p in qy.parameters]
    ('count-per-period', 'weinan', ['creation.qianyuan_annual_target'])
    >>> p = qy.parameters[0]
    >>> p.value, p.plugin, p.where().endswith("parameters/creation.yaml:9")
    (None, 'weinan', True)
    """
    book = plugins.law_book()
    out = []
    for entry in book.in_force(Kind.RULE, code, day):
        rule = entry.value
        if rule is None:
            continue
        try:
            read_on = rule.judged_on(day, {})
        except Exception:  # a Python rule whose day depends on the row: the check date
            read_on = day
        params = tuple(
            _parameter_source(
                book.resolve(Kind.PARAMETER, p, code, read_on, blocked="none"), p, read_on
            )
            for p in rule.parameters
        )
        spec = getattr(rule, "spec", None)
        out.append(
            RuleParameters(
                id=entry.id,
                title=entry.title,
                template=getattr(spec, "name", None),
                scope=entry.scope,
                citation=entry.citation_text(),
                plugin=entry.origin.plugin,
                source=entry.origin.source,
                line=entry.origin.line,
                parameters=params,
            )
        )
    return out


def _parameter_source(entry: Entry | None, id: str, read_on: dt.date) -> ParameterSource:
    if entry is None:
        return ParameterSource(id, id, read_on)
    return ParameterSource(
        id=id,
        title=entry.title or id,
        read_on=read_on,
        value=entry.value,
        sample=entry.sample,
        scope=entry.scope,
        citation=entry.citation_text(),
        plugin=entry.origin.plugin,
        source=entry.origin.source,
        line=entry.origin.line,
    )
