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
from collections.abc import Iterable
from typing import Any

import attrs

from dudao.errors import DudaoError
from dudao.law.book import Entry
from dudao.law.contributions import Contribution, Contributor, build
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy


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


def parameter_contributions(
    param: Parameter, source: str | None = None, line: int | None = None
) -> list[Contribution]:
    """One contribution per value of ``param``, at its own scope (None: the
    contributor's). :func:`~dudao.law.contributions.build` checks them: a value
    needs a citation unless it is ``sample`` or sets nothing (``null``)."""
    return [
        Contribution(
            Kind.PARAMETER,
            param.id,
            value.value,
            scope=param.scope,
            since=value.since,
            until=value.until,
            cite=(value.cite,) if value.cite else (),
            sample=value.sample,
            title=param.title,
            source=source,
            line=line,
            detail=param,
        )
        for value in param.values
    ]


def parameter_law(
    contributor: Contributor,
    params: Iterable[tuple[Parameter, str | None, int | None]],
    hierarchy: Hierarchy,
) -> list[Entry]:
    """Entries for ``(parameter, source, line)`` stated by ``contributor`` (a dataset's
    own ``parameters.yaml``, a test); raises :class:`~dudao.errors.DudaoError` with
    every problem found."""
    contributions = [
        c for p, source, line in params for c in parameter_contributions(p, source, line)
    ]
    entries, problems = build(contributor, contributions, hierarchy)
    if problems:
        raise DudaoError(problems)
    return entries


#: What a sample value (示例数据) says beside its citation, wherever it is shown.
SAMPLE_NOTE = "示例数值，非文件规定"
#: What a finding, evaluation or plan task resting on a sample value says beside its
#: citation: its basis holds a number no document gives.
RESTS_ON_SAMPLE_NOTE = "含示例数值，非文件规定"


def sample_citation(citation: str, sample: bool, *, rests_on: bool = False) -> str:
    """``citation`` as shown beside a value that is (``rests_on``: a result that rests
    on) sample data: never a document alone.

    >>> sample_citation("厅发〔2020〕26号 三（一）", False)
    '厅发〔2020〕26号 三（一）'
    >>> sample_citation("厅发〔2020〕26号 三（一）", True, rests_on=True)
    '厅发〔2020〕26号 三（一）（含示例数值，非文件规定）'
    >>> sample_citation("", True)
    '示例数值，非文件规定'
    """
    if not sample:
        return citation
    note = RESTS_ON_SAMPLE_NOTE if rests_on else SAMPLE_NOTE
    if not citation or SAMPLE_NOTE in citation:
        return citation or note
    return f"{citation}（{note}）"
