"""Rule templates: rules a region writes in YAML, without Python.

A plugin's ``rules/*.yaml`` holds two kinds of item: an *adoption* of an existing
rule (:class:`~dudao.rules.statements.RuleStatement`: ``id``, ``cite``, ``since``,
``enabled``) and a *rule written from a template* — an item with ``template:``::

    rules:
      - id: zone-coverage                  # adoption of a national rule
        cite: [柳教督委办〔2024〕2号 二（四）]
      - id: qianyuan-annual-task           # a rule of this region, from a template
        template: count-per-period
        title: 完成“千园达标”年度达标任务
        cite: [渭政教督办〔2023〕1号 二]
        ...

The templates (one module each; docs/templates.md shows each with an example):

=================== ==========================================================
``count-per-period`` records per unit in a year against a target (:mod:`.count`)
``deadline``         a filing or completion by a due date (:mod:`.deadline`)
``coverage``         schools in zones with serving inspectors (:mod:`.coverage`)
``composition``      a committee's posts, a zone's inspectors (:mod:`.composition`)
``ratio``            one count over another within a bound (:mod:`.ratio`)
``cycle``            a record every N years per unit (:mod:`.cycle`)
``row-condition``    every row of a table meets conditions (:mod:`.rows`)
=================== ==========================================================

A rule written from a template is contributed by its plugin like any rule of the
plugin (the ``dudao_rules`` hook), so it is in force in the plugin's scope only and
goes through the one contribution pipeline (:mod:`dudao.law.contributions`).

>>> sorted(TEMPLATES)
['composition', 'count-per-period', 'coverage', 'cycle', 'deadline', 'ratio', 'row-condition']
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.model.convert import converter
from dudao.rules.statements import RuleStatement
from dudao.rules.templates.common import (
    Amount,
    Message,
    TemplateRule,
    TemplateSpec,
    structure_amount,
)
from dudao.rules.templates.composition import Composition
from dudao.rules.templates.count import CountPerPeriod
from dudao.rules.templates.coverage import Coverage
from dudao.rules.templates.cycle import Cycle
from dudao.rules.templates.deadline import Deadline, DueDate
from dudao.rules.templates.ratio import Ratio
from dudao.rules.templates.rows import RowCondition

__all__ = [
    "TEMPLATES",
    "Amount",
    "Message",
    "RuleFile",
    "TemplateRule",
    "TemplateSpec",
    "structure_item",
]

#: Every template by the name a YAML rule gives in ``template:``.
TEMPLATES: Mapping[str, type[TemplateSpec]] = types.MappingProxyType(
    {
        cls.name: cls
        for cls in (CountPerPeriod, Deadline, Coverage, Composition, Ratio, Cycle, RowCondition)
    }
)


def structure_spec(data: Any, _: Any = None) -> TemplateSpec:
    """A rule written from a template: the class its ``template`` names."""
    name = str(data.get("template")) if isinstance(data, Mapping) else ""
    if name not in TEMPLATES:
        close = difflib.get_close_matches(str(name), TEMPLATES, n=1)
        raise DudaoError(
            Problem(
                f"未知的规则模板 '{name}'",
                path=("template",),
                code="unknown-template",
                hint=(f"是否是 '{close[0]}'？" if close else "")
                + "可用的模板："
                + "、".join(TEMPLATES),
            )
        )
    spec: TemplateSpec = converter.structure(data, TEMPLATES[name])
    return spec


def structure_item(data: Any, _: Any = None) -> RuleStatement | TemplateSpec:
    """An item of a rules file: a rule from a template (it has ``template``), else an
    adoption of an existing rule."""
    if isinstance(data, Mapping) and "template" in data:
        return structure_spec(data)
    statement: RuleStatement = converter.structure(data, RuleStatement)
    return statement


RuleItem = RuleStatement | TemplateSpec


@attrs.frozen
class RuleFile:
    """``rules.yaml`` / ``rules/*.yaml``: adoptions and rules written from templates."""

    rules: tuple[RuleItem, ...] = ()

    def statements(self) -> list[tuple[int, RuleStatement]]:
        return [(i, r) for i, r in enumerate(self.rules) if isinstance(r, RuleStatement)]

    def definitions(self) -> list[tuple[int, TemplateSpec]]:
        return [(i, r) for i, r in enumerate(self.rules) if isinstance(r, TemplateSpec)]


def _members(t: Any) -> set[Any]:
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        return {a for a in typing.get_args(t) if a is not type(None)}
    return set()


def _structure_due(value: Any, _: Any) -> str | dt.date | DueDate | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        due: DueDate = converter.structure(dict(value), DueDate)
        return due
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return value
    raise DudaoError(
        Problem(
            f"期限应为日期、“月-日”、year-end 或 {{parameter: 参数编号}}，实际为 {value!r:.40}",
            code="invalid-value",
        )
    )


_DUE = {str, dt.date, DueDate}
converter.register_structure_hook(Amount, structure_amount)
converter.register_structure_hook_func(lambda t: _members(t) == _DUE, _structure_due)
converter.register_structure_hook_func(
    lambda t: _members(t) == {RuleStatement, TemplateSpec}, structure_item
)
