"""Parameters: named numbers and settings of the law, each value dated and cited.

A parameter has an id, a Chinese title and one or more values, each with its
validity and the clause it comes from. A number that no document gives may still
be recorded, but only with ``sample: true``: it is shown as sample data
(示例数据), never as an official threshold.

In YAML (``parameters.yaml`` of a plugin; the scope is the plugin's unless given)::

    parameters:
      - id: inspector.schools_per_inspector
        title: 每名督学负责的学校数
        unit: 所
        values:
          - value: 5
            since: 2020-05-14
            cite: 厅发〔2020〕26号 三（一）

``value: null`` records that the law sets nothing (e.g. "large school" is not
defined nationally): the rule that needs it is then not applied.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dudao.errors import Problem
from dudao.law.book import Entry
from dudao.law.entries import Origin, Validity
from dudao.model.documents import Citation


@attrs.frozen
class ParameterValue:
    """One dated value of a parameter with its source."""

    value: Any
    cite: Citation | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    sample: bool = False
    note: str | None = None

    @property
    def validity(self) -> Validity:
        return Validity(self.since, self.until)


@attrs.frozen
class Parameter:
    """A parameter as one plugin states it; ``scope`` defaults to the plugin's."""

    id: str
    title: str
    values: tuple[ParameterValue, ...]
    unit: str | None = None
    title_en: str | None = None
    description: str | None = None
    scope: str | None = None


@attrs.frozen
class ParametersFile:
    """``parameters.yaml``."""

    parameters: tuple[Parameter, ...] = ()


def parameter_entries(
    param: Parameter, scope: str, origin: Origin
) -> tuple[list[Entry], list[Problem]]:
    """One entry per value of ``param`` at ``scope``; an uncited value is a problem.

    A value needs a citation unless it is marked ``sample`` (sample data, shown as
    such) or sets nothing (``null``: the law is silent).
    """
    entries, problems = [], []
    for value in param.values:
        if value.cite is None and not value.sample and value.value is not None:
            problems.append(
                Problem(
                    f"参数 {param.id} 的取值 {value.value!r} 没有引用依据",
                    source=origin.source,
                    line=origin.line,
                    code="uncited-value",
                    hint="写明 cite（文号 + 条款）；若没有文件给出该数值，标注 sample: true",
                )
            )
            continue
        entries.append(
            Entry(
                "parameter",
                param.id,
                scope,
                value.validity,
                value.value,
                (value.cite,) if value.cite else (),
                origin,
                param.title,
                value.sample,
                detail=param,
            )
        )
    return entries, problems
