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

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.extend import materialise
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.programmes import check_dataset_programmes
from dudao.io.dataset import collector_paused, dataset_parameters, load_dataset
from dudao.law.book import Entry, LawBook
from dudao.law.kinds import Kind
from dudao.law.parameters import known_parameter_ids, sample_citation
from dudao.model.bodies import MemberUnit
from dudao.model.dataset import Dataset
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction
from dudao.model.numbers import number
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules
from dudao.rules.national.governance import local_name

if TYPE_CHECKING:
    from dudao.evaluation.score import Evaluation
    from dudao.plans.status import PlanReport

# Scoring (dudao.evaluation.score, .national, .measurements) and work-plan measuring
# (dudao.plans.status) are imported by the functions that use them: `dudao check`
# imports this module and needs neither.

__all__ = [
    "Loaded",
    "ParameterSource",
    "RuleParameters",
    "check",
    "evaluate",
    "indicator_set",
    "law_for",
    "law_in_force",
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
    """Load a dataset folder and run every rule in force on it (the ``dudao check`` job).

    ``pause_collector``: the cycle collector is paused while loading and checking, and
    what is alive then is frozen (:func:`gc.freeze`: never walked by a collection
    again) — for a caller that owns the process and ends it soon after, as the command
    line does: the rules make no cyclic garbage worth collecting, and walking the
    loaded dataset's objects cost a tenth of a second on a national dataset."""
    with collector_paused(freeze=True) if pause_collector else contextlib.nullcontext():
        return _check(dataset, plugins, as_of, only)


def _check(
    dataset: str | Path, plugins: PluginSet, as_of: dt.date | None, only: set[str] | None
) -> CheckResult:
    loaded = load(dataset, plugins)
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
    from dudao.plans.status import measure_loaded

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


# ------------------------------------------------------------------ evaluation
def indicator_set(plugins: PluginSet, set_id: str, scope: str, as_of: dt.date) -> IndicatorSet:
    """The indicator set ``set_id`` in force for ``scope`` on ``as_of``, a region's
    extension merged onto its base (:func:`dudao.evaluation.extend.materialise`).

    Raises :class:`~dudao.errors.DudaoError` located at ``--set``: code ``unknown-set``
    when no plugin defines ``set_id``, ``not-in-force`` when no version of it covers
    ``scope`` on ``as_of``.
    """
    law = plugins.law_book(plugins.hierarchy())
    known = law.ids(Kind.INDICATOR_SET)
    if set_id not in known:
        raise DudaoError(
            Problem(
                f"没有 id 为 '{set_id}' 的指标体系",
                code="unknown-set",
                path=("--set",),
                hint="可选：" + "、".join(known),
            )
        )
    entry = law.resolve(Kind.INDICATOR_SET, set_id, scope, as_of)
    if entry is None:
        versions = "；".join(
            f"{e.scope} {e.validity.describe()}" for e in law.versions(Kind.INDICATOR_SET, set_id)
        )
        raise DudaoError(
            Problem(
                f"指标体系 {set_id} 在 {as_of} 不适用于 {scope}"
                f"（范围不含该单位，或不在有效期内；现有版本：{versions}）",
                code="not-in-force",
                path=("--set",),
            )
        )
    return materialise(law, entry, as_of)


def evaluate(
    folder: str | Path,
    plugins: PluginSet,
    set_id: str,
    *,
    unit: str | None = None,
    as_of: dt.date | None = None,
) -> Evaluation:
    """Score the measurements of ``folder`` with the indicator set ``set_id`` (the
    ``dudao evaluate`` job): the version in force for ``unit`` on ``as_of`` (default
    today; without ``unit``, for the lowest unit containing every target measured).

    ``folder`` holds ``measurements.csv`` (or .xlsx, .parquet): ``target``, ``year``
    and the set's columns. 优质均衡 (``quality_balanced``) also reads the school table
    (``schools.csv`` or ``school_resources.csv``), from which it derives the county
    CVs and the schools below standard. Thresholds written as parameters take each
    target's regional value. Errors: :func:`indicator_set`'s, and a table's missing
    columns or bad cells as :class:`~dudao.errors.DudaoError`.

    >>> import datetime as dt
    >>> from dudao.examples import FOLDER
    >>> ev = evaluate(FOLDER / "nanning_evaluation", load_plugins(), "preschool_universal",
    ...               as_of=dt.date(2024, 6, 30))
    >>> ev.set.id, sorted(ev.scores["target"])
    ('preschool_universal', ['450102', '450103', '450123', '450124'])
    """
    from dudao.evaluation.measurements import load_dataset as load_measurements
    from dudao.evaluation.national import DERIVED_PREFIXES, evaluate_quality_balanced
    from dudao.evaluation.score import evaluate as score_table

    folder = Path(folder)
    day = as_of or dt.date.today()
    if unit is None:
        measured, _ = load_measurements(folder)
        unit = _common_unit(plugins.hierarchy(), measured["target"].astype(str).unique())
    s = indicator_set(plugins, set_id, unit, day)
    law = plugins.law_book(plugins.hierarchy())
    balanced = set_id == "quality_balanced"
    needed = [c for c in s.columns() if not (balanced and c.startswith(DERIVED_PREFIXES))]
    measurements, schools = load_measurements(folder, needed, schools=balanced)
    if balanced:
        return evaluate_quality_balanced(schools, measurements, s, law=law, as_of=day)
    return score_table(s, measurements, source=str(folder / "measurements"), law=law, as_of=day)


def _common_unit(hierarchy: Hierarchy, codes: Iterable[str]) -> str:
    """The lowest unit containing every code; national when a code is not a unit."""
    codes = list(codes)
    if not codes or not all(c in hierarchy for c in codes):
        return "000000"
    return reduce(lambda a, b: hierarchy.lca(a, b).code, codes)


# ------------------------------------------------------------------ law in force
def law_in_force(
    law: LawBook, code: str, day: dt.date, units: Mapping[str, MemberUnit] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The rules, parameters and indicator sets in force for ``code`` on ``day``, as
    rows to show (``dudao rules --for CODE``, the web pages' 法规与参数): ``rules``,
    ``parameters`` and ``sets``, each row with its id, title, the scope that set it,
    citation, plugin, validity (``since``, ``until`` and ``validity`` in words) and
    whether it is sample data. A rule a region switched off is not listed.

    A parameter row has its ``value`` as the law gives it and ``display`` as a person
    reads it: 是/否, numbers without float noise, lists joined with 、, the unit after,
    ``（示例数据）`` when sample, and member units (``committee.office_host``:
    自治区教育厅) as ``code``'s own government calls them (青秀区教育局), ``units``
    being the member-unit catalogue in force there (:meth:`PluginSet.member_units`).
    A sample entry's citation says so: it is never shown under a document alone.

    >>> plugins = load_plugins()
    >>> rows = law_in_force(plugins.law_book(), "450103", dt.date(2023, 3, 1),
    ...                     plugins.member_units("450103"))
    >>> host = next(p for p in rows["parameters"] if p["id"] == "committee.office_host")
    >>> host["value"], host["display"], host["plugin"]
    ('自治区教育厅', '青秀区教育局', 'guangxi')
    """
    at = law.hierarchy.get(code) if code in law.hierarchy else None
    out: dict[str, list[dict[str, Any]]] = {"rules": [], "parameters": [], "sets": []}
    for kind, key in ((Kind.RULE, "rules"), (Kind.PARAMETER, "parameters")):
        for entry in law.in_force(kind, code, day):
            if kind is Kind.RULE and entry.value is None:  # a region switched it off
                continue
            row = _law_row(entry)
            if kind is Kind.PARAMETER:
                unit = getattr(entry.detail, "unit", None) or ""
                origin = entry.origin
                row["value"] = entry.value
                row["display"] = _shown_value(entry.value, unit, entry.sample, units or {}, at)
                row["source"] = (
                    f"{origin.source}:{origin.line}"
                    if origin.source and origin.line
                    else origin.source
                )
            out[key].append(row)
    out["sets"] = [_law_row(e) for e in law.in_force(Kind.INDICATOR_SET, code, day)]
    return out


def _law_row(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "scope": entry.scope,
        "citation": sample_citation(entry.citation_text(), entry.sample),
        "plugin": entry.origin.plugin,
        "since": entry.validity.since,
        "until": entry.validity.until,
        "validity": entry.validity.describe(),
        "sample": entry.sample,
    }


def _shown_value(
    value: Any,
    unit: str,
    sample: bool,
    units: Mapping[str, MemberUnit],
    at: Jurisdiction | None,
) -> str:
    """A parameter's value as a person reads it (see :func:`law_in_force`)."""
    if value is None:
        return "未规定"
    shown = _words(_local_value(value, units, at)) + unit
    return shown + "（示例数据）" if sample else shown


def _words(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_words(v) for v in value)
    if isinstance(value, float | int):
        return number(value)
    return str(value)


def _local_value(value: Any, units: Mapping[str, MemberUnit], at: Jurisdiction | None) -> Any:
    """``value`` with each member unit it names (a text, or a list of texts, each in the
    catalogue ``units``) as ``at``'s government calls its own; anything else as is."""
    if at is None or not units:
        return value
    if isinstance(value, str) and value in units:
        return local_name(value, units[value], at)
    if isinstance(value, list) and value and all(isinstance(v, str) and v in units for v in value):
        return [local_name(v, units[v], at) for v in value]
    return value
