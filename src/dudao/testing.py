"""Helpers for testing rules and plugins: small datasets built in code, checked in one call.

>>> import datetime as dt
>>> ds = dataset(
...     "450108",
...     schools=[school("S1", "450108", zone="Z1")],
...     zones=[{"zone_id": "Z1", "name": "一区", "county": "450108"}],
...     inspectors=[inspector("I1", "450108", zone="Z1")],
... )
>>> result = run(ds, dt.date(2023, 3, 1), rules={"zone-coverage"})
>>> len(result.findings)
0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from dudao.io.divisions import divisions_hierarchy
from dudao.io.tables import validate_table
from dudao.law.book import Entry
from dudao.law.contributions import Contributor
from dudao.law.parameters import Parameter, ParameterValue, parameter_law
from dudao.lazyimports import pd
from dudao.model.bodies import Committee
from dudao.model.dataset import Dataset, DatasetInfo
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction
from dudao.model.tables import TABLES
from dudao.plugins.info import PluginInfo
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.markers import hookimpl
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules


def school(
    id: str,
    county: str,
    *,
    stage: str = "primary",
    students: int = 500,
    ownership: str = "public",
    zone: str | None = None,
    **more: Any,
) -> dict[str, Any]:
    """One row of the schools table with sensible defaults."""
    return {
        "school_id": id,
        "name": f"学校{id}",
        "stage": stage,
        "ownership": ownership,
        "students": students,
        "county": county,
        "zone": zone,
        **more,
    }


def inspector(
    id: str,
    appointing: str,
    *,
    kind: str = "full_time",
    term_start: str = "2021-09-01",
    zone: str | None = None,
    **more: Any,
) -> dict[str, Any]:
    """One row of the inspectors table with sensible defaults (trained before the term)."""
    row = {
        "inspector_id": id,
        "name": f"督学{id}",
        "kind": kind,
        "appointing": appointing,
        "term_start": term_start,
        "zone": zone,
        "trained_on": "2021-08-01",
        "training_hours": 48.0,
    }
    row.update(more)
    return row


def table(name: str, rows: Iterable[Mapping[str, Any]] | None) -> pd.DataFrame | None:
    """Rows validated into the table ``name`` exactly as a file would be."""
    if rows is None:
        return None
    spec = TABLES[name]
    rows = list(rows)
    frame = pd.DataFrame(
        rows, columns=[c.name for c in spec.columns if any(c.name in r for r in rows)] or None
    )
    if frame.empty and not len(frame.columns):
        return spec.empty()
    return validate_table(frame, spec, source=f"<{name}>")


def dataset(
    scope: str,
    *,
    schools: Iterable[Mapping[str, Any]] = (),
    inspectors: Iterable[Mapping[str, Any]] = (),
    zones: Iterable[Mapping[str, Any]] = (),
    committees: Iterable[Committee] | None = None,
    units: Iterable[Jurisdiction] = (),
    as_of: dt.date | None = None,
    **optional: Iterable[Mapping[str, Any]] | None,
) -> Dataset:
    """A dataset built in code. ``optional`` tables (visits, supervisions, filings,
    meetings, budgets, …) are None unless given, as when a folder lacks the file."""
    extra = {
        name: table(name, optional.get(name))
        for name in TABLES
        if name not in ("schools", "inspectors", "zones")
    }
    return Dataset(
        info=DatasetInfo(name="测试数据集", scope=scope, as_of=as_of, sample=True),
        schools=table("schools", schools),
        inspectors=table("inspectors", inspectors),
        zones=table("zones", zones),
        committees=None if committees is None else tuple(committees),
        units=tuple(units),
        **extra,
    )


def parameter(
    id: str,
    value: Any,
    *,
    scope: str,
    cite: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    sample: bool = False,
) -> list[Entry]:
    """Law-book entries for one parameter value (e.g. a test's own threshold), stated by
    a contributor ``test`` at ``scope``."""
    value_ = ParameterValue(value, Citation.parse(cite) if cite else None, since, until, sample)
    param = Parameter(id, id, (value_,))
    return parameter_law(Contributor("test", scope), [(param, None, None)], divisions_hierarchy())


def run(
    ds: Dataset,
    as_of: dt.date,
    *,
    plugins: PluginSet | None = None,
    rules: set[str] | None = None,
    extra: Iterable[Entry] = (),
    hierarchy: Hierarchy | None = None,
) -> CheckResult:
    """Run the rules in force (all, or ``rules``) on ``ds``.

    ``plugins`` defaults to the installed ones; ``extra`` adds law-book entries
    such as test parameters.
    """
    plugins = plugins if plugins is not None else load_plugins()
    h = hierarchy or plugins.hierarchy()
    if ds.units:
        h = h.extend(ds.units)
    law = plugins.law_book(h, extra=extra)
    return run_rules(Context(ds, h, law, as_of, plugins.member_units), only=rules)


def evidence(result: CheckResult, rule: str, target: str) -> dict[str, Any]:
    """The checked row of ``rule`` for ``target`` (passing or not), as a dict."""
    for key, frame in result.checks.items():
        if key.split("@")[0] == rule:
            hit = frame[frame["target"].astype(str) == target]
            if len(hit):
                return cast(dict[str, Any], hit.iloc[0].to_dict())
    raise KeyError(f"{rule} did not check {target}")


class InlinePlugin:
    """A plugin made in code for a test: its info plus what each hook returns.

    Each keyword is a hook name without ``dudao_`` and a function returning what that
    hook returns (so a test can make a hook raise or return garbage)::

        InlinePlugin("local", "450100", parameters=lambda: [Parameter(...)])
    """

    def __init__(self, name: str, scope: str, **hooks: Callable[[], Any]) -> None:
        self.name, self.scope, self.hooks = name, scope, hooks

    def __repr__(self) -> str:
        return f"InlinePlugin({self.name!r}, {self.scope!r}, {sorted(self.hooks)})"

    @hookimpl
    def dudao_plugin_info(self) -> PluginInfo:
        return PluginInfo(name=self.name, title=self.name, scope=self.scope)

    def _answer(self, hook: str) -> Any:
        return self.hooks.get(hook, list)()

    @hookimpl
    def dudao_jurisdictions(self) -> Any:
        return self._answer("jurisdictions")

    @hookimpl
    def dudao_parameters(self) -> Any:
        return self._answer("parameters")

    @hookimpl
    def dudao_rules(self) -> Any:
        return self._answer("rules")

    @hookimpl
    def dudao_rule_statements(self) -> Any:
        return self._answer("rule_statements")

    @hookimpl
    def dudao_indicator_sets(self) -> Any:
        return self._answer("indicator_sets")

    @hookimpl
    def dudao_work_plans(self) -> Any:
        return self._answer("work_plans")

    @hookimpl
    def dudao_programmes(self) -> Any:
        return self._answer("programmes")


def share_of_examples(share: float, **more: Any) -> Any:
    """Hypothesis settings for an expensive property: ``share`` of the examples the
    loaded settings profile asks for (at least 2), so ``thorough`` still runs many
    more than ``dev`` and no test pins a number of its own.

    >>> share_of_examples(0.5).max_examples >= 2
    True
    """
    from hypothesis import settings

    current = settings.default
    assert current is not None  # a profile is always loaded
    return settings(max_examples=max(2, int(current.max_examples * share)), deadline=None, **more)
