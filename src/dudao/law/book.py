"""The law book: every entry in force, and resolution by scope and date.

An :class:`Entry` is one parameter value or one rule version, with a scope, a
validity, citations and the plugin it came from. :class:`LawBook` checks that
no two entries of the same kind and id share a scope with overlapping validity
(that would be two laws saying different things about the same place and day)
and resolves: for a target J on date D, among the entries in force on D whose
scope contains J, the one with the deepest scope wins.

>>> from datetime import date
>>> from dudao.io.divisions import load_divisions
>>> from dudao.model.hierarchy import Hierarchy
>>> h = Hierarchy(load_divisions())
>>> national = Entry("parameter", "ratio", "000000", Validity(), value=5, origin=Origin("national"))
>>> nanning = Entry("parameter", "ratio", "450100", Validity(since=date(2022, 1, 1)), value=4,
...                 origin=Origin("nanning"))
>>> book = LawBook(h, [national, nanning])
>>> book.resolve("parameter", "ratio", "450103", date(2023, 1, 1)).value
4
>>> book.resolve("parameter", "ratio", "450103", date(2021, 1, 1)).value
5
>>> book.resolve("parameter", "ratio", "610500", date(2023, 1, 1)).value
5
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from dudao.errors import DudaoError, Problem
from dudao.law.entries import Origin, Validity
from dudao.model.documents import Citation
from dudao.model.hierarchy import Hierarchy


@attrs.frozen
class Entry:
    """One scoped, dated, cited contribution. ``value`` is what the kind needs:
    a parameter's value, a rule object, an indicator set …"""

    kind: str
    id: str
    scope: str
    validity: Validity
    value: Any = None
    cite: tuple[Citation, ...] = ()
    origin: Origin = attrs.field(factory=lambda: Origin("unknown"))
    title: str = ""
    sample: bool = False
    detail: Any = None  # the full object the entry came from (e.g. the Parameter)

    def citation_text(self) -> str:
        return "；".join(str(c) for c in self.cite)


@attrs.frozen
class Region:
    """Where one version of an entry governs: its scope minus the scopes of deeper
    versions of the same id (which override it there)."""

    hierarchy: Hierarchy
    scope: str
    exclude: tuple[str, ...] = ()

    def contains(self, code: str) -> bool:
        h = self.hierarchy
        if code not in h or not h.contains(self.scope, code):
            return False
        return not any(h.contains(x, code) for x in self.exclude)

    def mask(self, codes: Sequence[str] | pd.Series) -> np.ndarray:
        """Vectorised :meth:`contains` over a column of codes."""
        pos = self.hierarchy.positions(codes)
        return self.mask_positions(pos)

    def mask_positions(self, pos: np.ndarray) -> np.ndarray:
        lo, hi = self.hierarchy.span(self.scope)
        inside = (pos >= lo) & (pos < hi)
        for x in self.exclude:
            xlo, xhi = self.hierarchy.span(x)
            inside &= ~((pos >= xlo) & (pos < xhi))
        return inside


class LawBook:
    """All entries contributed by the core and the plugins, checked and indexed."""

    def __init__(self, hierarchy: Hierarchy, entries: Iterable[Entry]) -> None:
        self.hierarchy = hierarchy
        self._by_key: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        problems: list[Problem] = []
        for entry in entries:
            if entry.scope not in hierarchy:
                problems.append(
                    Problem(
                        f"{entry.id} 的适用范围 {entry.scope} 不是已知的区划代码",
                        source=entry.origin.source,
                        line=entry.origin.line,
                        code="unknown-scope",
                    )
                )
                continue
            clash = next(
                (
                    e
                    for e in self._by_key[(entry.kind, entry.id)]
                    if e.scope == entry.scope and e.validity.overlaps(entry.validity)
                ),
                None,
            )
            if clash is not None:
                problems.append(
                    Problem(
                        f"{entry.id} 在 {entry.scope} 的两条规定有效期重叠："
                        f"{clash.origin}（{clash.validity.describe()}）与 "
                        f"{entry.origin}（{entry.validity.describe()}）",
                        source=entry.origin.source,
                        line=entry.origin.line,
                        code="conflicting-entries",
                        hint="同一范围内同一条目只能有一条有效；请调整 since/until 或删去其中一条",
                    )
                )
                continue
            self._by_key[(entry.kind, entry.id)].append(entry)
        if problems:
            raise DudaoError(problems)
        for versions in self._by_key.values():
            versions.sort(key=lambda e: (hierarchy.depth(e.scope), e.validity.since or dt.date.min))

    # ------------------------------------------------------------- listing
    def entries(self, kind: str | None = None) -> list[Entry]:
        return [e for (k, _), es in sorted(self._by_key.items()) if kind in (None, k) for e in es]

    def ids(self, kind: str) -> list[str]:
        return sorted(i for k, i in self._by_key if k == kind)

    def versions(self, kind: str, id: str) -> list[Entry]:
        """Every version of an id, shallowest scope first."""
        return list(self._by_key.get((kind, id), ()))

    # ---------------------------------------------------------- resolution
    def resolve(self, kind: str, id: str, code: str, as_of: dt.date) -> Entry | None:
        """The entry governing ``code`` on ``as_of``: deepest scope in force, or None."""
        found = None
        for entry in self._by_key.get((kind, id), ()):
            if entry.validity.in_force(as_of) and self.hierarchy.contains(entry.scope, code):
                found = entry  # versions are sorted shallow → deep
        return found

    def resolve_many(
        self, kind: str, id: str, codes: Sequence[str] | pd.Series, as_of: dt.date
    ) -> tuple[list[Entry], np.ndarray]:
        """For a column of codes: the entries in force and, per code, the index of the
        one that governs it (-1 where none does). Cost: one pass per version."""
        versions = [e for e in self._by_key.get((kind, id), ()) if e.validity.in_force(as_of)]
        pos = self.hierarchy.positions(codes)
        which = np.full(len(pos), -1, dtype=np.intp)
        for i, entry in enumerate(versions):
            lo, hi = self.hierarchy.span(entry.scope)
            which[(pos >= lo) & (pos < hi)] = i
        return versions, which

    def in_force(self, kind: str, code: str, as_of: dt.date) -> list[Entry]:
        """One entry per id of ``kind`` governing ``code`` on ``as_of``."""
        out = []
        for k, id in sorted(self._by_key):
            if k == kind:
                entry = self.resolve(kind, id, code, as_of)
                if entry is not None:
                    out.append(entry)
        return out

    def regions(self, kind: str, id: str, as_of: dt.date) -> list[tuple[Entry, Region]]:
        """Each version in force with the region it governs (deeper versions cut out)."""
        versions = [e for e in self._by_key.get((kind, id), ()) if e.validity.in_force(as_of)]
        out = []
        for i, entry in enumerate(versions):
            deeper = tuple(
                e.scope
                for e in versions[i + 1 :]
                if e.scope != entry.scope and self.hierarchy.contains(entry.scope, e.scope)
            )
            out.append((entry, Region(self.hierarchy, entry.scope, deeper)))
        return out
