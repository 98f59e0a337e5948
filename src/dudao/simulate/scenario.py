"""A scenario: a dataset, the plugins in force and an as-of date.

The scenario's law book (plugins + the dataset's own ``parameters.yaml`` + any
extra entries, such as a sample pay figure) is the **baseline**; a reform is
applied on top of it and never changes it.

>>> import datetime as dt
>>> from dudao.examples import example_path
>>> sc = Scenario.load(example_path("nanning"))
>>> sc.as_of, sc.dataset.info.scope
(datetime.date(2023, 3, 1), '450100')
>>> sc.law().resolve(Kind.PARAMETER, "inspector.schools_per_inspector", "450103", sc.as_of).value
5
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from dudao.errors import DudaoError, Problem
from dudao.io.divisions import divisions_hierarchy
from dudao.law.book import Entry, LawBook
from dudao.law.contributions import Contribution, Contributor, build
from dudao.law.kinds import Kind
from dudao.lazyimports import pd
from dudao.model.dataset import Dataset
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules
from dudao.simulate.reform import NATION, SIMULATION_PARAMETERS, Reform

#: The rule whose checks give inspectors required and the shortfall.
STAFFING_RULE = "inspector-staffing"


@attrs.frozen
class EvaluationData:
    """What a programme evaluation reads: a county measurement table (``target``,
    ``year``, …) and, for 优质均衡, the school resource table; ``sets`` are the
    indicator-set ids to score with (each resolved per county in the law book)."""

    measurements: pd.DataFrame
    sets: tuple[str, ...] = ("quality_balanced",)
    schools: pd.DataFrame | None = None
    source: str | None = None

    @classmethod
    def load(
        cls, folder: str | Path, sets: Sequence[str] = ("quality_balanced",)
    ) -> EvaluationData:
        """Read an evaluation folder (``measurements.csv``, optional ``schools.csv``)."""
        from dudao.evaluation.measurements import load_dataset

        folder = Path(folder)
        balanced = "quality_balanced" in sets
        measurements, schools = load_dataset(folder, schools=balanced)
        return cls(measurements, tuple(sets), schools, str(folder))


def sample_parameter(id: str, value: object, scope: str = NATION) -> Entry:
    """A simulation parameter (e.g. ``simulate.inspector_annual_cost``) as a sample
    entry: no document sets these numbers, so they are always shown as sample data."""
    if id not in SIMULATION_PARAMETERS:
        raise DudaoError(
            Problem(
                f"未知的模拟参数 '{id}'",
                code="unknown-parameter",
                hint="可选：" + "、".join(SIMULATION_PARAMETERS),
            )
        )
    contribution = Contribution(
        Kind.PARAMETER, id, value, title=SIMULATION_PARAMETERS[id], sample=True
    )
    entries, problems = build(Contributor("scenario", scope), [contribution], divisions_hierarchy())
    if problems:
        raise DudaoError(problems)
    return entries[0]


@attrs.define
class Scenario:
    """A dataset, the plugins in force and an as-of date (see the module docstring)."""

    dataset: Dataset
    hierarchy: Hierarchy
    plugins: PluginSet
    as_of: dt.date
    extra: tuple[Entry, ...] = ()
    evaluation: EvaluationData | None = None
    name: str = "baseline"
    _law: LawBook | None = attrs.field(default=None, repr=False, alias="_law")
    _checks: dict[tuple[int, frozenset[str] | None], tuple[Reform | None, CheckResult]] = (
        attrs.field(factory=dict, repr=False, alias="_checks")
    )
    _books: dict[int, tuple[Reform, LawBook]] = attrs.field(
        factory=dict, repr=False, alias="_books"
    )

    @classmethod
    def load(
        cls,
        folder: str | Path,
        plugins: PluginSet | None = None,
        *,
        as_of: dt.date | None = None,
        extra: Iterable[Entry] = (),
        evaluation: EvaluationData | None = None,
    ) -> Scenario:
        """A dataset folder (as ``dudao check`` reads it) under the installed plugins."""
        from dudao.io.dataset import dataset_parameters, load_dataset

        plugins = plugins if plugins is not None else load_plugins()
        ds, hierarchy = load_dataset(folder, plugins.hierarchy())
        own = dataset_parameters(Path(folder), ds, hierarchy)
        return cls.of(
            ds,
            plugins,
            as_of=as_of,
            extra=[*own, *extra],
            evaluation=evaluation,
            hierarchy=hierarchy,
        )

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        plugins: PluginSet | None = None,
        *,
        as_of: dt.date | None = None,
        extra: Iterable[Entry] = (),
        evaluation: EvaluationData | None = None,
        hierarchy: Hierarchy | None = None,
    ) -> Scenario:
        """A dataset already in memory (e.g. one built with :mod:`dudao.testing`)."""
        plugins = plugins if plugins is not None else load_plugins()
        if hierarchy is None:
            hierarchy = plugins.hierarchy()
            if dataset.units:
                hierarchy = hierarchy.extend(dataset.units)
        day = as_of or dataset.info.as_of
        if day is None:
            raise DudaoError(
                Problem(
                    "没有指定模拟日期",
                    source=dataset.source,
                    code="no-as-of",
                    hint="用 --as-of 指定，或在 dataset.yaml 中写 as_of",
                )
            )
        return cls(dataset, hierarchy, plugins, day, tuple(extra), evaluation)

    @property
    def scope(self) -> str:
        return self.dataset.info.scope

    def law(self, reform: Reform | None = None) -> LawBook:
        """The baseline law book, or the one ``reform`` makes of it."""
        if self._law is None:
            self._law = self.plugins.law_book(self.hierarchy, extra=self.extra)
        if reform is None:
            return self._law
        try:
            key = hash(reform)
        except TypeError:  # a value that is a list: no caching, same result
            return reform.apply(self._law, self.as_of)
        if key not in self._books or self._books[key][0] != reform:
            self._books[key] = (reform, reform.apply(self._law, self.as_of))
        return self._books[key][1]

    def context(self, law: LawBook) -> Context:
        return Context(self.dataset, self.hierarchy, law, self.as_of, self.plugins.member_units)

    def check(
        self, reform: Reform | None = None, *, only: Iterable[str] | None = None
    ) -> CheckResult:
        """The rules in force (all, or ``only``) under the baseline or ``reform``.
        Results are kept: a comparison of several reforms checks the baseline once."""
        only = None if only is None else frozenset(only)
        try:
            key = (hash(reform), only)
        except TypeError:  # a list value: unhashable, so not kept
            return run_rules(self.context(self.law(reform)), only=_set(only))
        kept = self._checks.get(key)
        if kept is None or kept[0] != reform:
            kept = (reform, run_rules(self.context(self.law(reform)), only=_set(only)))
            self._checks[key] = kept
        return kept[1]


def _set(only: frozenset[str] | None) -> set[str] | None:
    return None if only is None else set(only)
