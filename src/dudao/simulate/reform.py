"""Reforms: a named set of changes to the law, applied on top of a law book.

A reform is what a researcher asks "what if" about. It holds

* **parameter overrides**, scoped and dated like every entry (``scope``, ``since``,
  ``until``); with ``replace_deeper: true`` the value also replaces the values deeper
  scopes set themselves inside the scope (a province-wide rule the cities may not vary);
* **rules** adopted (a template such as ``zone-composition`` put in force in a scope),
  replaced (a Python :class:`~dudao.rules.base.Rule` of the same id), added (a new id)
  or removed (``enabled: false``: switched off in the scope);
* **indicator-set changes**: an indicator's weight (``points``) or standard
  (``value``; for a ``count`` indicator one sub-item or ``item: "*"`` for all), a
  grade's minimum total.

:meth:`Reform.apply` returns a new :class:`~dudao.law.book.LawBook`: the baseline's
entries plus the reform's, built by the one builder
(:func:`dudao.law.contributions.build`) as contributions of a higher *overlay*. At
one scope an overlay entry wins over the baseline's for its dates (the baseline's
keeps the days outside them), so a reform never clashes with the law it changes; a
later change to the same id stacks above an earlier one. The baseline book is never
changed. Every reform
value is hypothetical: it is marked ``sample`` (shown as 示例/假设) unless it cites
a document and says ``sample: false``; an uncited change cites the reform itself
(``《改革方案（假设）：<title>》``), never a real document's clause alone.

In YAML (one file per reform)::

    name: ratio-1-4-guangxi
    title: 广西督学配比改为 1:4
    parameters:
      - id: inspector.schools_per_inspector
        scope: "450000"
        value: 4
        since: 2024-01-01
    rules:
      - id: zone-composition          # adopt Yueyang's zone composition in Guangxi
        scope: "450000"
    indicator_sets:
      - set: quality_balanced
        indicator: cv_primary
        item: "*"
        value: 0.45

In Python, each method returns a new reform:

>>> import datetime as dt
>>> from dudao.plugins.manager import load_plugins
>>> book = load_plugins(autoload=False).law_book()
>>> reform = Reform("ratio-4", "督学配比 1:4").set_parameter(
...     "inspector.schools_per_inspector", 4, scope="450000")
>>> changed = reform.apply(book, dt.date(2023, 3, 1))
>>> changed.resolve(Kind.PARAMETER, "inspector.schools_per_inspector", "450103",
...                 dt.date(2023, 3, 1)).value
4
>>> book.resolve(Kind.PARAMETER, "inspector.schools_per_inspector", "450103",
...              dt.date(2023, 3, 1)).value
5
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from dudao.errors import DudaoError, PathStep, Problem
from dudao.evaluation.model import (
    Count,
    IndicatorSet,
    Linear,
    Threshold,
    validate_indicator_set,
)
from dudao.io import yamlio
from dudao.law.book import Entry, LawBook
from dudao.law.contributions import Contribution, Contributor, build
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.model.documents import Citation
from dudao.model.findings import Severity
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement

NATION = "000000"

#: Parameters only the simulation reads: no document sets them, so a scenario or a
#: reform gives them (always as sample data). See :mod:`dudao.simulate.dynamic`.
SIMULATION_PARAMETERS: dict[str, str] = {
    "simulate.inspector_annual_cost": "每名督学的年度经费（元/人·年）",
    "simulate.school_open_rate": "每年新开办学校的比例",
    "simulate.school_close_rate": "每年撤并学校的比例",
    "simulate.inspector_attrition": "每年督学离任的比例",
    "simulate.vacancy_fill_rate": "每年补齐督学缺额的比例",
    "simulate.inspections_per_inspector": "每名督学每年可牵头完成的学校综合督导次数",
    "simulate.findings_per_inspection": "每次综合督导平均发现的问题数",
    "simulate.rectify_probability": "问题在一年内整改到位的概率",
    "simulate.escalate_probability": "未整改问题当年被发督办单的概率",
}


# ------------------------------------------------------------------ changes


@attrs.frozen
class ParameterChange:
    """A parameter's value in a scope for a period (both ends open by default)."""

    id: str
    value: Any
    scope: str = NATION
    since: dt.date | None = None
    until: dt.date | None = None
    cite: Citation | None = None
    sample: bool = True
    replace_deeper: bool = False
    note: str | None = None
    line: int | None = None  # where the YAML file states it


@attrs.frozen
class RuleChange:
    """A rule adopted, replaced, added (``rule`` given) or switched off in a scope."""

    id: str
    scope: str = NATION
    since: dt.date | None = None
    until: dt.date | None = None
    cite: tuple[Citation, ...] = ()
    severity: Severity | None = None
    enabled: bool = True
    rule: Rule | None = None  # Python only: the rule object to put in force
    line: int | None = None


@attrs.frozen
class IndicatorChange:
    """One change to an indicator set in a scope: an indicator's ``points`` or
    standard ``value`` (``item`` for a count indicator's sub-items, ``"*"`` for all),
    or, with ``grade``, that grade's minimum total ``min``."""

    set: str
    scope: str = NATION
    since: dt.date | None = None
    until: dt.date | None = None
    indicator: str | None = None
    item: str | None = None
    value: float | None = None
    points: float | None = None
    grade: str | None = None
    min: float | None = None
    line: int | None = None


@attrs.frozen
class ReformFile:
    """A reform as written in YAML."""

    name: str
    title: str | None = None
    description: str | None = None
    parameters: tuple[ParameterChange, ...] = ()
    rules: tuple[RuleChange, ...] = ()
    indicator_sets: tuple[IndicatorChange, ...] = ()


# ------------------------------------------------------------------- reform


@attrs.frozen
class Reform:
    """A named set of changes (see the module docstring). Immutable."""

    name: str
    title: str = ""
    description: str | None = None
    parameters: tuple[ParameterChange, ...] = ()
    rules: tuple[RuleChange, ...] = ()
    indicators: tuple[IndicatorChange, ...] = ()
    source: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def citation(self) -> Citation:
        """What an uncited change cites: the reform itself, marked as a hypothesis, so a
        finding under it never shows a real document's clause alone.

        >>> str(Reform("r", "督学配比 1:4").citation)
        '《改革方案（假设）：督学配比 1:4》'
        """
        title = self.label.replace("《", "“").replace("》", "”")
        return Citation(f"《改革方案（假设）：{title}》")

    @property
    def empty(self) -> bool:
        return not (self.parameters or self.rules or self.indicators)

    # ------------------------------------------------------------ building
    def set_parameter(
        self,
        id: str,
        value: Any,
        *,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
        cite: str | None = None,
        sample: bool = True,
        replace_deeper: bool = False,
    ) -> Reform:
        change = ParameterChange(
            id,
            value,
            scope,
            since,
            until,
            Citation.parse(cite) if cite else None,
            sample,
            replace_deeper,
        )
        return attrs.evolve(self, parameters=(*self.parameters, change))

    def adopt_rule(
        self,
        id: str,
        *,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
        cite: Sequence[str] = (),
        severity: Severity | None = None,
    ) -> Reform:
        """Put an existing rule (a template or a rule in force elsewhere) in force in
        ``scope``."""
        change = RuleChange(
            id, scope, since, until, tuple(Citation.parse(c) for c in cite), severity
        )
        return attrs.evolve(self, rules=(*self.rules, change))

    def remove_rule(
        self,
        id: str,
        *,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Reform:
        change = RuleChange(id, scope, since, until, enabled=False)
        return attrs.evolve(self, rules=(*self.rules, change))

    def put_rule(
        self,
        rule: Rule,
        *,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Reform:
        """Add a new rule, or replace the rule of the same id, in ``scope``."""
        cites = tuple(Citation.parse(c) for c in rule.cite)
        change = RuleChange(rule.id, scope, since, until, cites, rule=rule)
        return attrs.evolve(self, rules=(*self.rules, change))

    def change_indicator(
        self,
        set: str,
        indicator: str,
        *,
        item: str | None = None,
        value: float | None = None,
        points: float | None = None,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Reform:
        change = IndicatorChange(
            set, scope, since, until, indicator=indicator, item=item, value=value, points=points
        )
        return attrs.evolve(self, indicators=(*self.indicators, change))

    def change_grade(
        self,
        set: str,
        grade: str,
        min: float,
        *,
        scope: str = NATION,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Reform:
        change = IndicatorChange(set, scope, since, until, grade=grade, min=min)
        return attrs.evolve(self, indicators=(*self.indicators, change))

    def __add__(self, other: Reform) -> Reform:
        """Both reforms' changes (the right-hand one's later, so it wins a tie)."""
        return Reform(
            f"{self.name}+{other.name}",
            f"{self.label} + {other.label}",
            parameters=self.parameters + other.parameters,
            rules=self.rules + other.rules,
            indicators=self.indicators + other.indicators,
        )

    # ------------------------------------------------------------ applying
    def contributions(self, book: LawBook, as_of: dt.date) -> list[Contribution]:
        """The reform's changes as contributions, checked against ``book``; each
        change one overlay above the one before it."""
        problems: list[Problem] = []
        out = [
            c
            for i, ch in enumerate(self.parameters)
            if (c := self._parameter(ch, i, book, problems))
        ]
        out += [c for i, ch in enumerate(self.rules) if (c := self._rule(ch, i, book, problems))]
        out += self._indicator_sets(book, as_of, problems)
        if problems:
            raise DudaoError(problems)
        return [attrs.evolve(c, overlay=i) for i, c in enumerate(out)]

    def apply(self, book: LawBook, as_of: dt.date) -> LawBook:
        """A new law book: ``book`` plus this reform's changes, stacked above every
        entry in it. ``as_of`` picks the version of an indicator set a change starts
        from when the change is undated."""
        above = 1 + max((e.overlay for e in book.entries()), default=0)
        contributor = Contributor(f"改革:{self.name}", NATION, overlay=above)
        entries, problems = build(contributor, self.contributions(book, as_of), book.hierarchy)
        if problems:
            raise DudaoError([p.located(source=p.source or self.source) for p in problems])
        return book.plus(entries)

    # ----------------------------------------------------------- internals
    def _problem(
        self,
        message: str,
        line: int | None,
        hint: str | None = None,
        path: tuple[PathStep, ...] = (),
    ) -> Problem:
        return Problem(
            message, source=self.source, line=line, code="bad-reform", hint=hint, path=path
        )

    def _scope_ok(
        self,
        scope: str,
        book: LawBook,
        line: int | None,
        problems: list[Problem],
        path: tuple[PathStep, ...] = (),
    ) -> bool:
        if scope in book.hierarchy:
            return True
        problems.append(
            self._problem(
                f"范围 {scope} 不是已知的区划代码",
                line,
                "scope 写 6 位区划代码，如 450000（广西）；全国为 000000",
                (*path, "scope"),
            )
        )
        return False

    def _parameter(
        self, c: ParameterChange, i: int, book: LawBook, problems: list[Problem]
    ) -> Contribution | None:
        where = ("parameters", i)
        known = set(book.ids(Kind.PARAMETER)) | set(SIMULATION_PARAMETERS)
        if c.id not in known:
            close = difflib.get_close_matches(c.id, sorted(known), n=1)
            problems.append(
                self._problem(
                    f"未知的参数 '{c.id}'",
                    c.line,
                    f"是否是 '{close[0]}'？" if close else "dudao rules 列出各规则读取的参数",
                    (*where, "id"),
                )
            )
            return None
        wrong_type = _type_problem(c.value, book.versions(Kind.PARAMETER, c.id))
        if wrong_type:
            problems.append(self._problem(wrong_type, c.line, path=(*where, "value")))
            return None
        if not c.sample and c.cite is None:
            problems.append(
                self._problem(
                    f"参数 {c.id} 的取值 {c.value!r} 标为 sample: false，但没有引用依据",
                    c.line,
                    "假设的取值保留 sample: true；若出自某一文件，写明 cite（文号 + 条款）",
                    (*where, "sample"),
                )
            )
            return None
        if not self._scope_ok(c.scope, book, c.line, problems, where):
            return None
        title = next((e.title for e in book.versions(Kind.PARAMETER, c.id)), "") or (
            SIMULATION_PARAMETERS.get(c.id, c.id)
        )
        return Contribution(
            Kind.PARAMETER,
            c.id,
            c.value,
            scope=c.scope,
            since=c.since,
            until=c.until,
            cite=(c.cite,) if c.cite else (self.citation,),
            sample=c.sample,
            title=title,
            source=self.source,
            line=c.line,
            overrides_deeper=c.replace_deeper,
        )

    def _rule(
        self, c: RuleChange, i: int, book: LawBook, problems: list[Problem]
    ) -> Contribution | None:
        where = ("rules", i)
        if not self._scope_ok(c.scope, book, c.line, problems, where):
            return None
        rule: Rule | None = c.rule
        template = _rule_object(book, c.id, c.scope, Validity(c.since, c.until))
        if rule is None:
            if template is None:
                close = difflib.get_close_matches(c.id, book.ids(Kind.RULE), n=1)
                problems.append(
                    self._problem(
                        f"未知的规则 '{c.id}'",
                        c.line,
                        f"是否是 '{close[0]}'？" if close else "dudao rules 列出全部规则的编号",
                        (*where, "id"),
                    )
                )
                return None
            cite = c.cite or (self.citation,)
            stated = RuleStatement(c.id, cite, c.since, c.until, c.severity, c.enabled)
            rule = stated.apply(template)
        shown = rule or template
        return Contribution(
            Kind.RULE,
            c.id,
            rule if c.enabled else None,
            scope=c.scope,
            since=c.since,
            until=c.until,
            cite=c.cite or (self.citation,),
            sample=not c.cite,
            title=shown.title if shown else c.id,
            source=self.source,
            line=c.line,
            detail=shown,
        )

    def _indicator_sets(
        self, book: LawBook, as_of: dt.date, problems: list[Problem]
    ) -> list[Contribution]:
        groups: dict[tuple[str, str, dt.date | None, dt.date | None], list[IndicatorChange]] = {}
        for c in self.indicators:
            groups.setdefault((c.set, c.scope, c.since, c.until), []).append(c)
        out = []
        for (set_id, scope, since, until), changes in groups.items():
            line = changes[0].line
            if not self._scope_ok(scope, book, line, problems):
                continue
            base = book.resolve(Kind.INDICATOR_SET, set_id, scope, since or as_of)
            if base is None:
                problems.append(
                    self._problem(
                        f"指标体系 {set_id} 在 {scope} 于 {since or as_of} 没有有效版本",
                        line,
                        "可选：" + "、".join(book.ids(Kind.INDICATOR_SET)),
                    )
                )
                continue
            s: IndicatorSet = base.value
            for c in changes:
                s = _change_set(s, c, self._problem, problems)
            s = attrs.evolve(s, scope=scope, since=since, until=until, sample=True)
            wrong = validate_indicator_set(s)
            problems += [
                self._problem(f"改动后的指标体系 {set_id} 不成立：{p.message}", line) for p in wrong
            ]
            if not wrong:
                out.append(attrs.evolve(s.contribution(self.source, line), scope=scope))
        return out


def _type_problem(value: Any, versions: list[Entry]) -> str | None:
    """A value of another kind than the baseline's (``"1:4"`` where a number is meant)
    would silently read as unset: say so instead."""
    known = [e.value for e in versions if e.value is not None]
    if value is None or not known:
        return None
    if all(isinstance(v, bool) for v in known) and not isinstance(value, bool):
        return f"取值 {value!r} 应为 true 或 false"
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in known)
    if numeric and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"取值 {value!r} 应为数值（如 4，而不是 1:4）"
    return None


def _rule_object(book: LawBook, id: str, scope: str, during: Validity) -> Rule | None:
    """The rule object of the version of ``id`` governing ``scope`` ``during`` a period
    (or a template of ``id``, which governs nowhere until adopted): never a version
    from a sibling subtree."""
    versions = book.versions(Kind.RULE, id)
    h = book.hierarchy
    above = [e for e in versions if h.contains(e.scope, scope) and e.validity.overlaps(during)]
    candidates = above[-1:] or [e for e in versions if e.value is None]  # sorted shallow → deep
    for entry in candidates:
        for candidate in (entry.value, entry.detail):
            if isinstance(candidate, Rule) and (above or candidate.template):
                return candidate
    return None


def _change_set(
    s: IndicatorSet, c: IndicatorChange, problem: Any, problems: list[Problem]
) -> IndicatorSet:
    if c.grade is not None:
        labels = [g.label for g in s.grades]
        if c.grade not in labels:
            problems.append(
                problem(
                    f"指标体系 {s.id} 没有等级 '{c.grade}'", c.line, "可选：" + "、".join(labels)
                )
            )
            return s
        grades = tuple(attrs.evolve(g, min=c.min) if g.label == c.grade else g for g in s.grades)
        return attrs.evolve(s, grades=grades)
    ids = [i.id for i in s.indicators()] + ([i.id for i in s.bonus.items] if s.bonus else [])
    if c.indicator not in ids:
        close = difflib.get_close_matches(str(c.indicator), ids, n=1)
        problems.append(
            problem(
                f"指标体系 {s.id} 没有指标 '{c.indicator}'",
                c.line,
                f"是否是 '{close[0]}'？" if close else None,
            )
        )
        return s
    total_before = s.max_points

    def change(ind: Any) -> Any:
        if ind.id != c.indicator:
            return ind
        if c.points is not None:  # a hypothetical weight: shown as sample
            ind = attrs.evolve(ind, points=float(c.points), sample=True)
        if c.value is None:
            return ind
        scoring = ind.scoring
        if isinstance(scoring, Count):
            wanted = {i.id for i in scoring.items} if c.item in (None, "*") else {c.item}
            if not wanted <= {i.id for i in scoring.items}:
                problems.append(
                    problem(
                        f"指标 {ind.id} 没有子项 '{c.item}'",
                        c.line,
                        "可选：" + "、".join(i.id for i in scoring.items) + '，或 "*"（全部）',
                    )
                )
                return ind
            items = tuple(
                attrs.evolve(i, value=float(c.value), sample=True) if i.id in wanted else i
                for i in scoring.items
            )
            return attrs.evolve(ind, scoring=attrs.evolve(scoring, items=items))
        if isinstance(scoring, Threshold):
            return attrs.evolve(
                ind, scoring=attrs.evolve(scoring, value=float(c.value), sample=True)
            )
        if isinstance(scoring, Linear):
            return attrs.evolve(
                ind, scoring=attrs.evolve(scoring, full=float(c.value), sample=True)
            )
        problems.append(
            problem(
                f"指标 {ind.id} 按分段（bands）计分，不能只改一个标准值",
                c.line,
                "改 points（分值），或在插件中另写一版指标体系",
            )
        )
        return ind

    dims = tuple(
        attrs.evolve(
            d,
            indicators=tuple(change(i) for i in d.indicators),
        )
        for d in s.dimensions
    )
    # a dimension's stated points must equal its indicators' sum: restate it
    dims = tuple(attrs.evolve(d, points=d.max_points) if d.points is not None else d for d in dims)
    bonus = s.bonus
    if bonus is not None:
        bonus = attrs.evolve(bonus, items=tuple(change(i) for i in bonus.items))
    out = attrs.evolve(s, dimensions=dims, bonus=bonus)
    if s.total is not None:
        out = attrs.evolve(out, total=s.total - total_before + out.max_points)
    return out


# --------------------------------------------------------------------- files


def load_reform(path: str | Path) -> Reform:
    """Read a reform YAML file; every mistake is reported with its file and line."""
    doc = yamlio.read(path)
    spec = yamlio.structure(doc, ReformFile)

    def lines(items: Iterable[Any], key: str) -> tuple[Any, ...]:
        return tuple(attrs.evolve(c, line=doc.line_of((key, i))) for i, c in enumerate(items))

    return Reform(
        spec.name,
        spec.title or "",
        spec.description,
        lines(spec.parameters, "parameters"),
        lines(spec.rules, "rules"),
        lines(spec.indicator_sets, "indicator_sets"),
        source=doc.source,
    )


def load_reforms(paths: Iterable[str | Path]) -> list[Reform]:
    """Several reform files; their names must differ (they label the results)."""
    reforms = [load_reform(p) for p in paths]
    seen: dict[str, Reform] = {}
    for r in reforms:
        if r.name in seen or r.name == "baseline":
            other = seen[r.name].source if r.name in seen else "基线"
            raise DudaoError(
                Problem(
                    f"改革名称 '{r.name}' 重复（另见 {other}）",
                    source=r.source,
                    code="duplicate-reform",
                    hint="每个改革的 name 须不同，且不能是 baseline",
                )
            )
        seen[r.name] = r
    return reforms
