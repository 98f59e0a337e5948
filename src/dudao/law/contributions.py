"""The one way regional content becomes law: contributions built into entries.

Whatever a region contributes — a parameter value, a rule version or adoption, an
indicator set or extension, a programme, an accountability situation, a work plan —
and whoever contributes it — a plugin, a dataset's own ``parameters.yaml``, a
simulation reform — is stated as a :class:`Contribution` by a :class:`Contributor`
and turned into :class:`~dudao.law.book.Entry` objects by :func:`build`, the only
place entries are made. So scope containment, dates and citations are checked in
one place, the same way for everyone:

* the scope (the contributor's own unless stated) must be a known unit inside the
  contributor's scope — a plugin scoped to 450100 cannot set law for 450200;
* ``since`` must not come after ``until``;
* a value needs a citation (文号 + 条款) unless it is sample data (``sample``) or
  sets nothing (``None``: the law is silent, or a rule switched off);
* one contributor may not state the same kind and id twice at one scope on
  overlapping days (two contributors doing so is a
  :class:`~dudao.law.book.Conflict`, which the law book contains to that scope).

A reform is the law as stated plus its own contributions at a higher ``overlay``
(see :class:`~dudao.law.book.LawBook`); nothing else overrides an entry.

>>> import datetime as dt
>>> from dudao.io.divisions import load_divisions
>>> from dudao.model.hierarchy import Hierarchy
>>> h = Hierarchy(load_divisions())
>>> nanning = Contributor("nanning", "450100")
>>> entries, problems = build(nanning, [
...     Contribution(Kind.PARAMETER, "ratio", 4, sample=True),
...     Contribution(Kind.PARAMETER, "ratio", 3, scope="450200", sample=True,
...     source="parameters.yaml", line=7),
... ], h)
>>> [(e.id, e.scope, e.value, str(e.origin)) for e in entries]
[('ratio', '450100', 4, '插件 nanning')]
>>> print(problems[0].where(), problems[0].message)
parameters.yaml:7 参数 ratio 的范围 450200 不在 nanning 的管辖范围 450100 之内
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from dudao.errors import Problem
from dudao.law.book import Entry
from dudao.law.entries import Origin, Validity
from dudao.law.kinds import Kind
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy

__all__ = ["Contribution", "Contributor", "Kind", "build"]


@attrs.frozen
class Contributor:
    """Who contributes: a plugin, ``dataset`` or a reform, and the subtree its
    contributions must stay inside. ``overlay`` stacks a reform above the law as
    stated (0)."""

    name: str
    scope: str
    overlay: int = 0


@attrs.frozen
class Contribution:
    """One piece of regional content, before it is checked and becomes an entry.

    ``scope`` None means the contributor's scope. ``source`` and ``line`` say where
    it was written, for errors. ``overlay`` is added to the contributor's (a
    reform's later change to the same id stacks above its earlier one).
    """

    kind: Kind
    id: str
    value: Any
    scope: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    cite: tuple[Citation, ...] = ()
    sample: bool = False
    title: str = ""
    source: str | None = None
    line: int | None = None
    detail: Any = None
    overlay: int = 0
    overrides_deeper: bool = False

    @classmethod
    def of(
        cls, kind: Kind, item: Any, title: str, source: str | None = None, line: int | None = None
    ) -> Contribution:
        """A whole item (an indicator set, a programme …) with the usual fields ``id``,
        ``scope`` (``000000`` or None: the contributor's), ``since``, ``until``, one
        ``cite`` and ``sample``, as a contribution whose value is the item itself."""
        scope = None if item.scope in (None, "000000") else item.scope
        return cls(
            kind,
            item.id,
            item,
            scope=scope,
            since=item.since,
            until=item.until,
            cite=(item.cite,) if item.cite else (),
            sample=item.sample,
            title=title,
            source=source,
            line=line,
        )


def build(
    contributor: Contributor, contributions: Iterable[Contribution], hierarchy: Hierarchy
) -> tuple[list[Entry], list[Problem]]:
    """Entries for ``contributions``, and a located problem for each one refused."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    own = contributor.scope
    stated: dict[tuple[Kind, str, str, int], list[Entry]] = {}

    def problem(c: Contribution, message: str, code: str, hint: str | None = None) -> None:
        problems.append(Problem(message, source=c.source, line=c.line, code=code, hint=hint))

    for c in contributions:
        what = f"{Kind(c.kind).label} {c.id}"
        scope = c.scope or own
        if scope not in hierarchy:
            problem(
                c,
                f"{what} 的范围 {scope} 不是已知的区划代码",
                "unknown-scope",
                "scope 写 6 位区划代码（如 450100）或插件提供的单位代码；全国为 000000",
            )
            continue
        if own not in hierarchy or not hierarchy.contains(own, scope):
            problem(
                c,
                f"{what} 的范围 {scope} 不在 {contributor.name} 的管辖范围 {own} 之内",
                "out-of-scope",
                f"把范围改为 {own} 之内的单位，或交由管辖 {scope} 的插件规定",
            )
            continue
        if c.value is not None and not c.cite and not c.sample:
            value = f" 的取值 {c.value!r}" if c.kind == Kind.PARAMETER else ""
            problem(
                c,
                f"{what}{value} 没有引用依据",
                "uncited-value",
                "写明 cite（文号 + 条款）；若没有文件给出该内容，标注 sample: true（示例数据）",
            )
            continue
        if c.since is not None and c.until is not None and c.until < c.since:
            problem(
                c,
                f"{what} 的失效日期 {c.until} 早于生效日期 {c.since}",
                "bad-dates",
                "until 应不早于 since",
            )
            continue
        entry = Entry(
            kind=Kind(c.kind),
            id=c.id,
            scope=scope,
            validity=Validity(c.since, c.until),
            value=c.value,
            cite=c.cite,
            origin=Origin(contributor.name, c.source, c.line),
            title=c.title,
            sample=c.sample,
            detail=c.detail,
            overlay=contributor.overlay + c.overlay,
            overrides_deeper=c.overrides_deeper,
        )
        same = stated.setdefault((entry.kind, entry.id, scope, entry.overlay), [])
        twin = next((e for e in same if e.validity.overlaps(entry.validity)), None)
        if twin is not None:
            problem(
                c,
                f"{what} 在 {scope} 已有一条同期有效的规定（{twin.origin}，"
                f"{twin.validity.describe()}），与本条（{entry.validity.describe()}）重叠",
                "conflicting-entries",
                "同一范围内同一条目只能有一条有效；请调整 since/until 或删去其中一条",
            )
            continue
        same.append(entry)
        entries.append(entry)
    return entries, problems
