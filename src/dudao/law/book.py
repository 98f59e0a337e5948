"""The law book: every entry in force, and resolution by scope and date.

An :class:`Entry` is one parameter value, rule version, indicator set … with a
scope, a validity, citations and the contributor it came from. Entries are made
only by :func:`dudao.law.contributions.build`. :class:`LawBook` resolves: for a
target J on date D, among the entries of a kind and id in force on D whose scope
contains J, the one with the deepest scope wins; at one scope an entry of a higher
*overlay* (a reform over the law as stated) wins, and an overlay entry marked
``overrides_deeper`` also wins over lower-overlay entries deeper inside its scope.

Two entries of one kind, id, scope and overlay with overlapping dates are two laws
saying different things about the same place and day: the book records the
:class:`Conflict` and refuses to resolve inside its scope on those days (naming
both), while every other place resolves as before.

>>> from datetime import date
>>> from dudao.io.divisions import load_divisions
>>> from dudao.law.contributions import Contribution, Contributor, build
>>> from dudao.law.kinds import Kind
>>> from dudao.model.hierarchy import Hierarchy
>>> h = Hierarchy(load_divisions())
>>> national, _ = build(Contributor("national", "000000"),
...                     [Contribution(Kind.PARAMETER, "ratio", 5, sample=True)], h)
>>> nanning, _ = build(Contributor("nanning", "450100"),
...                    [Contribution(Kind.PARAMETER, "ratio", 4, sample=True,
...                                  since=date(2022, 1, 1))], h)
>>> book = LawBook(h, [*national, *nanning])
>>> book.resolve(Kind.PARAMETER, "ratio", "450103", date(2023, 1, 1)).value
4
>>> book.resolve(Kind.PARAMETER, "ratio", "450103", date(2021, 1, 1)).value
5
>>> book.resolve(Kind.PARAMETER, "ratio", "610500", date(2023, 1, 1)).value
5
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.entries import Origin, Validity
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy


@attrs.frozen
class Entry:
    """One scoped, dated, cited contribution. ``value`` is what the kind needs:
    a parameter's value, a rule object, an indicator set … Made by
    :func:`dudao.law.contributions.build`, never by hand."""

    kind: Kind
    id: str
    scope: str
    validity: Validity
    value: Any = None
    cite: tuple[Citation, ...] = ()
    origin: Origin = attrs.field(factory=lambda: Origin("unknown"))
    title: str = ""
    sample: bool = False
    detail: Any = None  # the full object the entry came from (e.g. the Parameter)
    #: 0 for the law as stated; a reform's changes stack above it (see LawBook).
    overlay: int = 0
    #: An overlay entry that also replaces lower-overlay entries deeper in its scope.
    overrides_deeper: bool = False

    def citation_text(self) -> str:
        return "；".join(str(c) for c in self.cite)


@attrs.frozen
class Conflict:
    """Two entries of one kind, id, scope and overlay in force on the same days."""

    first: Entry
    second: Entry

    @property
    def kind(self) -> Kind:
        return self.first.kind

    @property
    def id(self) -> str:
        return self.first.id

    @property
    def scope(self) -> str:
        return self.first.scope

    def in_force(self, day: dt.date) -> bool:
        return self.first.validity.in_force(day) and self.second.validity.in_force(day)

    def problem(self) -> Problem:
        a, b = self.first, self.second
        return Problem(
            f"{self.kind.label} {self.id} 在 {self.scope} 的两条规定有效期重叠："
            f"{a.origin}（{a.validity.describe()}）与 {b.origin}（{b.validity.describe()}）；"
            f"{self.scope} 范围内不能确定适用哪一条",
            source=b.origin.source,
            line=b.origin.line,
            code="conflicting-entries",
            hint="同一范围内同一条目只能有一条有效；请其中一个插件调整 since/until、"
            "改到更小的范围，或删去这一条",
        )


@attrs.frozen
class Region:
    """Where one version of an entry governs: its scope minus the scopes of the
    versions that win over it there."""

    hierarchy: Hierarchy
    scope: str
    exclude: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.scope in self.exclude

    def contains(self, code: str) -> bool:
        h = self.hierarchy
        if code not in h or not h.contains(self.scope, code):
            return False
        return not any(h.contains(x, code) for x in self.exclude)

    def mask(self, codes: Sequence[str] | pd.Series) -> np.ndarray:
        """Vectorised :meth:`contains` over a column of codes; a categorical column's
        told once per category (a few thousand counties, not half a million schools)."""
        if isinstance(codes, pd.Series) and isinstance(codes.dtype, pd.CategoricalDtype):
            inside = self.mask_positions(_category_positions(self.hierarchy, codes.cat.categories))
            # take, not fancy indexing: half the time on 520,000 small-integer codes
            return np.append(inside, False).take(np.asarray(codes.cat.codes))
        return self.mask_positions(self.hierarchy.positions(codes))

    def intersect(self, other: Region) -> Region:
        """The codes in both regions, itself a region: two subtrees are nested or apart.

        >>> from dudao.model.jurisdiction import NATION, Jurisdiction as J
        >>> h = Hierarchy([NATION, J("450000", "广西", "autonomous_region", "000000"),
        ...                J("450100", "南宁市", "prefecture_city", "450000")])
        >>> both = Region(h, "000000", ("450100",)).intersect(Region(h, "450000"))
        >>> both.scope, both.exclude, both.contains("450000"), both.contains("450100")
        ('450000', ('450100',), True, False)
        """
        h, excluded = self.hierarchy, tuple(dict.fromkeys((*self.exclude, *other.exclude)))
        if h.contains(self.scope, other.scope):
            return Region(h, other.scope, excluded)
        if h.contains(other.scope, self.scope):
            return Region(h, self.scope, excluded)
        return Region(h, self.scope, (self.scope,))  # apart: empty

    def mask_positions(self, pos: np.ndarray) -> np.ndarray:
        lo, hi = self.hierarchy.span(self.scope)
        inside = (pos >= lo) & (pos < hi)
        for x in self.exclude:
            xlo, xhi = self.hierarchy.span(x)
            inside &= ~((pos >= xlo) & (pos < xhi))
        return inside


#: Tree positions of recent categorical columns' categories (by the identity of the
#: tree and of the categories, which a column's filtered copies share): the engine and
#: the rules ask for the same few thousand counties' positions a hundred times a check.
_POSITIONS: list[tuple[weakref.ref[Any], weakref.ref[Any], np.ndarray]] = []


def _category_positions(hierarchy: Hierarchy, categories: pd.Index) -> np.ndarray:
    for h, c, found in _POSITIONS:
        if h() is hierarchy and c() is categories:
            return found
    found = hierarchy.positions(categories)
    _POSITIONS[:] = [e for e in _POSITIONS[-7:] if e[0]() is not None and e[1]() is not None]
    _POSITIONS.append((weakref.ref(hierarchy), weakref.ref(categories), found))
    return found


class LawBook:
    """Entries from every contributor, indexed by kind and id (see the module docstring).

    A book is immutable: :meth:`plus` makes a new one with more entries (a dataset's
    own parameters, a reform's changes).
    """

    def __init__(self, hierarchy: Hierarchy, entries: Iterable[Entry]) -> None:
        self.hierarchy = hierarchy
        self._by_key: dict[tuple[Kind, str], list[Entry]] = defaultdict(list)
        self.conflicts: list[Conflict] = []
        unknown: list[Problem] = []
        for entry in entries:
            if entry.scope not in hierarchy:
                unknown.append(
                    Problem(
                        f"{entry.id} 的适用范围 {entry.scope} 不是已知的区划代码",
                        source=entry.origin.source,
                        line=entry.origin.line,
                        code="unknown-scope",
                    )
                )
                continue
            versions = self._by_key[(entry.kind, entry.id)]
            self.conflicts += [
                Conflict(e, entry)
                for e in versions
                if e.scope == entry.scope
                and e.overlay == entry.overlay
                and e.validity.overlaps(entry.validity)
            ]
            versions.append(entry)
        if unknown:
            raise DudaoError(unknown)
        for versions in self._by_key.values():
            versions.sort(
                key=lambda e: (hierarchy.depth(e.scope), e.overlay, e.validity.since or dt.date.min)
            )
        self._conflicted = {id(c.first) for c in self.conflicts} | {
            id(c.second) for c in self.conflicts
        }

    def plus(self, entries: Iterable[Entry], hierarchy: Hierarchy | None = None) -> LawBook:
        """A new book with this one's entries and ``entries`` (on ``hierarchy`` when a
        dataset extends the tree)."""
        return LawBook(hierarchy or self.hierarchy, [*self.entries(), *entries])

    # ------------------------------------------------------------- listing
    def entries(self, kind: Kind | None = None) -> list[Entry]:
        return [e for (k, _), es in sorted(self._by_key.items()) if kind in (None, k) for e in es]

    def ids(self, kind: Kind) -> list[str]:
        return sorted(i for k, i in self._by_key if k == kind)

    def versions(self, kind: Kind, id: str) -> list[Entry]:
        """Every version of an id, shallowest scope first."""
        return list(self._by_key.get((kind, id), ()))

    def conflicts_on(self, day: dt.date) -> list[Conflict]:
        """The conflicts in force on ``day``: resolution is refused inside their scopes."""
        return [c for c in self.conflicts if c.in_force(day)]

    # ---------------------------------------------------------- resolution
    def _winner(self, kind: Kind, id: str, code: str, as_of: dt.date) -> Entry | None:
        found, lock = None, -1
        for entry in self._by_key.get((kind, id), ()):  # sorted shallow → deep
            if entry.overlay < lock or not entry.validity.in_force(as_of):
                continue
            if self.hierarchy.contains(entry.scope, code):
                found = entry
                if entry.overrides_deeper:
                    lock = entry.overlay
        return found

    def _blocked(self, entry: Entry | None, as_of: dt.date) -> Conflict | None:
        if entry is None or id(entry) not in self._conflicted:
            return None
        return next(
            (
                c
                for c in self.conflicts
                if (c.first is entry or c.second is entry) and c.in_force(as_of)
            ),
            None,
        )

    def resolve(
        self, kind: Kind, id: str, code: str, as_of: dt.date, *, blocked: str = "raise"
    ) -> Entry | None:
        """The entry governing ``code`` on ``as_of``, or None when none does.

        Where two entries in conflict would govern ``code`` on that day, raises
        :class:`~dudao.errors.DudaoError` naming both sides — or, with
        ``blocked="none"``, answers None (a rule's view: the engine leaves targets in
        a conflicting scope out of the check and reports the conflict).
        """
        entry = self._winner(kind, id, code, as_of)
        conflict = self._blocked(entry, as_of)
        if conflict is not None:
            if blocked == "none":
                return None
            raise DudaoError(conflict.problem())
        return entry

    def resolve_many(
        self, kind: Kind, id: str, codes: Sequence[str] | pd.Series, as_of: dt.date
    ) -> tuple[list[Entry], np.ndarray]:
        """For a column of codes: the entries in force and, per code, the index of the
        one that governs it (-1 where none does, or where two in conflict would).
        Cost: one pass per version."""
        versions = [e for e in self._by_key.get((kind, id), ()) if e.validity.in_force(as_of)]
        pos = self.hierarchy.positions(codes)
        which = np.full(len(pos), -1, dtype=np.intp)
        lock = (
            np.full(len(pos), -1, dtype=np.intp)
            if any(e.overrides_deeper for e in versions)
            else None
        )
        for i, entry in enumerate(versions):
            lo, hi = self.hierarchy.span(entry.scope)
            inside = (pos >= lo) & (pos < hi)
            if lock is not None:
                inside &= lock <= entry.overlay
                if entry.overrides_deeper:
                    lock[inside] = entry.overlay
            which[inside] = i
        for i, entry in enumerate(versions):
            if self._blocked(entry, as_of) is not None:
                which[which == i] = -1
        return versions, which

    def in_force(self, kind: Kind, code: str, as_of: dt.date) -> list[Entry]:
        """One entry per id of ``kind`` governing ``code`` on ``as_of``."""
        out = []
        for k, id in sorted(self._by_key):
            if k == kind:
                entry = self.resolve(kind, id, code, as_of)
                if entry is not None:
                    out.append(entry)
        return out

    def regions(self, kind: Kind, id: str, as_of: dt.date) -> list[tuple[Entry, Region]]:
        """Each version in force with the region it governs: its scope minus the scopes
        where another version wins (an empty region when it wins nowhere)."""
        versions = [e for e in self._by_key.get((kind, id), ()) if e.validity.in_force(as_of)]
        out = []
        for entry in versions:
            cut: list[str] = []
            for other in versions:
                if (
                    other.scope not in cut
                    and self.hierarchy.contains(entry.scope, other.scope)
                    and self._winner(kind, id, other.scope, as_of) is not entry
                ):
                    cut.append(other.scope)
            out.append((entry, Region(self.hierarchy, entry.scope, tuple(cut))))
        return out
