"""What a plugin's snapshot contributes to the law, as contributions.

One function per kind of item turns what a hook returned into
:class:`~dudao.law.contributions.Contribution` objects; :func:`plugin_entries`
builds them with the one builder. Two kinds look at what other plugins contribute:

* a **rule adoption** (``rules.yaml``) at scope S takes the version of the rule
  that governs S — the national one, or a region's above S — never a version from
  a sibling subtree; a *template* (a rule in force nowhere until adopted) may be
  adopted anywhere;
* a **programme** must name an indicator set that exists.

Plugins are assembled shallow scopes first, so an adoption deeper down sees the
adoptions above it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.programmes import Programme, locate, set_problems
from dudao.law.book import Entry
from dudao.law.contributions import Contribution, Contributor, build
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.law.parameters import Parameter, parameter_contributions
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy
from dudao.plans.model import WorkPlan
from dudao.plugins.info import Sourced
from dudao.plugins.snapshot import Snapshot
from dudao.rules.base import Rule
from dudao.rules.statements import RuleStatement
from dudao.workflow.situations import AccountabilitySituation


class RuleIndex:
    """Rule versions contributed so far, for adoptions to find the one governing
    their scope."""

    def __init__(self, hierarchy: Hierarchy) -> None:
        self.hierarchy = hierarchy
        self._versions: dict[str, list[Entry]] = {}

    def add(self, entries: Iterable[Entry]) -> None:
        for e in entries:
            if e.kind == Kind.RULE:
                self._versions.setdefault(e.id, []).append(e)

    def plus(self, entries: Iterable[Entry]) -> RuleIndex:
        """A new index with ``entries`` too (a plugin's own rules, for its adoptions)."""
        out = RuleIndex(self.hierarchy)
        out._versions = {k: list(v) for k, v in self._versions.items()}
        out.add(entries)
        return out

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def governing(self, id: str, scope: str, validity: Validity) -> Rule | None:
        """The rule object of the version of ``id`` governing ``scope`` during
        ``validity`` (deepest scope containing it), else of a template of ``id``."""
        h = self.hierarchy
        versions = self._versions.get(id, [])
        above = [
            e
            for e in versions
            if e.scope in h and h.contains(e.scope, scope) and e.validity.overlaps(validity)
        ]
        if above:
            best = max(above, key=lambda e: (h.depth(e.scope), e.validity.since or dt.date.min))
            return _rule_of(best)
        templates = [_rule_of(e) for e in versions if e.value is None and _is_template(e)]
        return templates[0] if templates else None

    def elsewhere(self, id: str) -> list[str]:
        return sorted({e.scope for e in self._versions.get(id, [])})


def _rule_of(entry: Entry) -> Rule | None:
    for candidate in (entry.value, entry.detail):
        if isinstance(candidate, Rule):
            return candidate
    return None


def _is_template(entry: Entry) -> bool:
    rule = _rule_of(entry)
    return rule is not None and bool(rule.template)


def _parameters(items: Iterable[Sourced[Parameter]]) -> list[Contribution]:
    return [c for s in items for c in parameter_contributions(s.value, s.source, s.line)]


def _rules(items: Iterable[Sourced[Rule]]) -> tuple[list[Contribution], list[Problem]]:
    out, problems = [], []
    for s in items:
        rule = s.value
        try:
            cites = tuple(Citation.parse(c) for c in rule.cite)
        except DudaoError as exc:
            problems += [p.located(source=s.source, line=s.line) for p in exc.problems]
            continue
        # a template is registered (so it can be adopted) but governs nothing itself
        out.append(
            Contribution(
                Kind.RULE,
                rule.id,
                None if rule.template else rule,
                since=rule.since,
                until=rule.until,
                cite=cites,
                title=rule.title,
                source=s.source,
                line=s.line,
                detail=rule,
            )
        )
    return out, problems


def _adoptions(
    items: Iterable[Sourced[RuleStatement]], scope: str, rules: RuleIndex
) -> tuple[list[Contribution], list[Problem]]:
    out, problems = [], []
    for s in items:
        stated = s.value
        try:
            validity = Validity(stated.since, stated.until)
        except ValueError as exc:
            problems.append(Problem(str(exc), source=s.source, line=s.line, code="bad-dates"))
            continue
        template = rules.governing(stated.id, scope, validity)
        if template is None:
            elsewhere = rules.elsewhere(stated.id)
            close = difflib.get_close_matches(stated.id, rules.ids(), n=1)
            hint = (
                f"该规则只在 {'、'.join(elsewhere)} 有效，不适用于 {scope}；"
                "只有模板规则可以在别处采用"
                if elsewhere
                else (f"是否是 '{close[0]}'？" if close else "dudao rules 列出全部规则的编号")
            )
            problems.append(
                Problem(
                    f"未知的规则 '{stated.id}'"
                    if not elsewhere
                    else f"规则 '{stated.id}' 在 {scope} 没有可采用的版本",
                    source=s.source,
                    line=s.line,
                    code="unknown-rule",
                    hint=hint,
                )
            )
            continue
        rule = stated.apply(template)
        out.append(
            Contribution(
                Kind.RULE,
                stated.id,
                rule,
                since=stated.since,
                until=stated.until,
                # an adoption that states no clause keeps the rule's own
                cite=stated.cite or tuple(Citation.parse(c) for c in template.cite),
                title=template.title,
                source=s.source,
                line=s.line,
                detail=rule or template,
            )
        )
    return out, problems


def _indicator_sets(items: Iterable[Sourced[Any]], scope: str) -> list[Contribution]:
    out = []
    for s in items:
        value = s.value
        if value.scope == "000000":  # left at the default: the plugin's scope
            value = attrs.evolve(value, scope=scope)
        out.append(value.contribution(s.source, s.line))
    return out


def _situations(
    items: Iterable[Sourced[AccountabilitySituation]], scope: str
) -> tuple[list[Contribution], list[Problem]]:
    out, problems = [], []
    for s in items:
        sit = s.value
        wrong = sit.problems()
        if wrong:
            problems += [p.located(source=s.source, line=s.line) for p in wrong]
            continue
        out.append(
            Contribution(
                Kind.ACCOUNTABILITY_SITUATION,
                sit.id,
                attrs.evolve(sit, scope=sit.scope or scope),
                scope=sit.scope,
                since=sit.since,
                until=sit.until,
                cite=(sit.cite,) if sit.cite else (),
                title=sit.name,
                source=s.source,
                line=s.line,
            )
        )
    return out, problems


def _work_plans(
    items: Iterable[Sourced[WorkPlan]], scope: str
) -> tuple[list[Contribution], list[Problem]]:
    out, problems = [], []
    for s in items:
        plan = s.value
        wrong = plan.problems()
        if wrong:
            problems += [locate(p, s.source, s.line) for p in wrong]
            continue
        out.append(
            Contribution(
                Kind.WORK_PLAN,
                plan.id,
                attrs.evolve(plan, scope=plan.scope or scope),
                scope=plan.scope,
                since=plan.validity.since,
                until=plan.validity.until,
                cite=(plan.cite,),
                title=plan.title,
                source=s.source,
                line=s.line,
            )
        )
    return out, problems


def _programmes(
    items: Iterable[Sourced[Programme]], scope: str, sets: set[str]
) -> tuple[list[Contribution], list[Problem]]:
    out, problems = [], []
    for s in items:
        prog = s.value
        wrong = prog.problems() + set_problems(prog, sets)
        if wrong:
            problems += [locate(p, s.source, s.line) for p in wrong]
            continue
        prog = attrs.evolve(prog, scope=prog.scope or scope)
        out.append(prog.contribution(s.source, s.line))
    return out, problems


def declared(snapshot: Snapshot, hierarchy: Hierarchy) -> tuple[list[Entry], set[str]]:
    """What others may name before this plugin is assembled: its own rules (templates
    and Python rules, as entries at its scope) and the ids of its indicator sets."""
    made, _ = _rules(snapshot["dudao_rules"])
    entries, _ = build(Contributor(snapshot.info.name, snapshot.info.scope), made, hierarchy)
    return entries, {s.value.id for s in snapshot["dudao_indicator_sets"]}


def plugin_entries(
    snapshot: Snapshot, hierarchy: Hierarchy, rules: RuleIndex, sets: set[str]
) -> tuple[list[Entry], list[Problem]]:
    """Everything one plugin contributes to the law, built and checked; any problem
    means the plugin is left out whole."""
    info = snapshot.info
    scope = info.scope
    contributions = _parameters(snapshot["dudao_parameters"])
    made, problems = _rules(snapshot["dudao_rules"])
    contributions += made
    own_rules, _ = build(Contributor(info.name, scope), made, hierarchy)  # checked below
    adopted, wrong = _adoptions(snapshot["dudao_rule_statements"], scope, rules.plus(own_rules))
    problems += wrong
    # a plugin adopting its own rule (or template) at its own scope: the adoption
    # restates it with the region's clause and dates rather than overlapping it
    own = {c.id for c in adopted}
    contributions = [c for c in contributions if not (c.kind == Kind.RULE and c.id in own)]
    contributions += adopted
    contributions += _indicator_sets(snapshot["dudao_indicator_sets"], scope)
    made, wrong = _situations(snapshot["dudao_accountability_situations"], scope)
    contributions += made
    problems += wrong
    made, wrong = _work_plans(snapshot["dudao_work_plans"], scope)
    contributions += made
    problems += wrong
    made, wrong = _programmes(
        snapshot["dudao_programmes"],
        scope,
        sets | {c.id for c in contributions if c.kind == Kind.INDICATOR_SET},
    )
    contributions += made
    problems += wrong
    entries, wrong = build(Contributor(info.name, scope), contributions, hierarchy)
    return entries, problems + wrong
