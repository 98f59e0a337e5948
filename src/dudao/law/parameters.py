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
import difflib
from collections.abc import Collection, Iterable
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Entry, LawBook
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
    *,
    known: Collection[str] | None = None,
) -> list[Entry]:
    """Entries for ``(parameter, source, line)`` stated by ``contributor`` (a dataset's
    own ``parameters.yaml``, a test); raises :class:`~dudao.errors.DudaoError` with
    every problem found. With ``known`` (:func:`known_parameter_ids`), an id outside it
    is one: a value nothing reads would otherwise be silently ignored."""
    params = list(params)
    problems = [] if known is None else unknown_parameter_problems(params, known)
    contributions = [
        c for p, source, line in params for c in parameter_contributions(p, source, line)
    ]
    entries, wrong = build(contributor, contributions, hierarchy)
    if problems or wrong:
        raise DudaoError([*problems, *wrong])
    return entries


#: Parameters of the accountability workflow (``workflow.<step>.<setting>``): the
#: workflow checks their ids itself, naming the steps and settings it has.
WORKFLOW_PREFIX = "workflow."


def known_parameter_ids(book: LawBook) -> set[str]:
    """Every parameter id something in ``book`` states or reads: the parameters the
    plugins state, those every rule reads (its ``parameters``, templates included) and
    those an indicator set's thresholds name.

    >>> from dudao.law.book import LawBook
    >>> from dudao.model.hierarchy import Hierarchy
    >>> from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind
    >>> h = Hierarchy([Jurisdiction("000000", "全国", JurisdictionKind.NATION)])
    >>> sorted(known_parameter_ids(LawBook(h, [])))
    []
    """
    known = set(book.ids(Kind.PARAMETER))
    for kind in (Kind.RULE, Kind.INDICATOR_SET):
        for entry in book.entries(kind):
            reads = getattr(entry.value, "parameters", ())
            known.update(reads() if callable(reads) else reads)
    return known


def unknown_parameter_problems(
    params: Iterable[tuple[Parameter, str | None, int | None]], known: Collection[str]
) -> list[Problem]:
    """A problem for each parameter whose id is not ``known`` (``workflow.*`` ids are
    the workflow's to check), at its file and line, with the nearest known ids."""
    out = []
    for param, source, line in params:
        if param.id in known or param.id.startswith(WORKFLOW_PREFIX):
            continue
        close = difflib.get_close_matches(param.id, sorted(known), n=3, cutoff=0.6)
        hint = (
            f"是否是 {'、'.join(close)}？" if close else "dudao rules --for 区划代码 列出有效的参数"
        ) + "；数据集只能为插件和规则已有的参数另设数值，不能新增参数"
        out.append(
            Problem(
                f"未知的参数 '{param.id}'：没有插件规定它，也没有规则或指标体系读取它",
                source=source,
                line=line,
                path=("id",),
                code="unknown-parameter",
                hint=hint,
            )
        )
    return out


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


def misspelt_parameter_problems(entries: Iterable[Entry]) -> dict[str, list[Problem]]:
    """Per plugin, its parameters whose id looks like a misspelling: nothing reads the id
    (no rule's ``parameters``, no indicator set's threshold), no other plugin states
    it, and a known id is nearly the same (``inspector.school_per_inspector``). Such a
    value would refine nothing and be silently ignored.

    An id far from every known one is taken as the plugin's own new parameter (a cited
    fact such as Yueyang's ``monitoring.subjects``, read by people, not rules);
    ``workflow.*`` ids are the workflow's to check.
    """
    entries = list(entries)
    read: set[str] = set()
    stated: dict[str, set[str]] = {}
    for e in entries:
        if e.kind in (Kind.RULE, Kind.INDICATOR_SET):
            reads = getattr(e.value, "parameters", ())
            read.update(reads() if callable(reads) else reads)
        elif e.kind == Kind.PARAMETER:
            stated.setdefault(e.id, set()).add(e.origin.plugin)
    out: dict[str, list[Problem]] = {}
    seen: set[tuple[str, str]] = set()
    for e in entries:
        if e.kind != Kind.PARAMETER or e.id in read or e.id.startswith(WORKFLOW_PREFIX):
            continue
        plugin = e.origin.plugin
        if stated[e.id] - {plugin} or (plugin, e.id) in seen:
            continue
        known = read | {i for i, who in stated.items() if who - {plugin}}
        close = difflib.get_close_matches(e.id, sorted(known), n=3, cutoff=0.85)
        if not close:
            continue
        seen.add((plugin, e.id))
        out.setdefault(plugin, []).append(
            Problem(
                f"插件 {plugin}：参数 '{e.id}' 没有规则或指标体系读取，其他插件也未规定，"
                f"像是 {'、'.join(close)} 的笔误",
                source=e.origin.source,
                line=e.origin.line,
                path=("id",),
                code="unknown-parameter",
                hint=f"是否是 {'、'.join(close)}？写错的编号不会细化任何规定，数值会被忽略",
            )
        )
    return out
