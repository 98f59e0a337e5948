"""China's administrative divisions down to county level, shipped as data.

``dudao/data/divisions.csv`` holds the 31 provincial-level units of the
mainland, their prefecture-level units and all county-level units, with GB/T
2260 codes from the Ministry of Civil Affairs' list (see
``divisions.SOURCE.md`` beside it for provenance and conventions).

Units that skip a level hang directly off the unit above: a 直辖市's districts
and counties off the municipality, a 省直辖县级行政单位 (仙桃市, 五指山市…)
off its province.

>>> divisions = {j.code: j for j in load_divisions()}
>>> nanning = divisions["450100"]
>>> nanning.name, nanning.kind.label, nanning.parent
('南宁市', '地级市', '450000')
>>> divisions["429004"].parent, divisions["429004"].level.label
('420000', '县级')
>>> divisions_as_of()
'2025'
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import NATION, Jurisdiction, JurisdictionKind

#: Year of the code list the CSV reflects; keep in step with divisions.SOURCE.md.
DIVISIONS_AS_OF = "2025"

_CSV = "divisions.csv"


@cache
def _parsed() -> tuple[Jurisdiction, ...]:
    # A tuple, so the cached value cannot be mutated by a caller.
    # Traversable.open's stub lacks `newline`; the package's files are real paths, whose
    # open takes it (the csv module needs newline="").
    csv_file = resources.files("dudao.data").joinpath(_CSV)
    with csv_file.open(encoding="utf-8", newline="") as f:  # type: ignore[call-overload]
        lines = csv.reader(f)  # rows as lists: a dict per row took a quarter of the time
        header = next(lines)
        code, name, kind, parent = map(header.index, ("code", "name", "kind", "parent"))
        rows = [
            Jurisdiction(
                row[code],
                row[name],
                # a member looked up by value; mypy takes the call for LabelledEnum.__new__
                JurisdictionKind(row[kind]),  # type: ignore[call-arg]
                row[parent],
            )
            for row in lines
        ]
    return (NATION, *rows)


def load_divisions() -> list[Jurisdiction]:
    """The nation followed by every shipped province, prefecture and county.

    The first element is :data:`~dudao.model.jurisdiction.NATION`; the rest
    follow in code order, each with its ``parent`` code. The file is parsed
    once per process; each call returns a fresh list, so callers may modify it.
    """
    return list(_parsed())


def divisions_as_of() -> str:
    """The year of the code list behind :func:`load_divisions` (e.g. ``'2025'``)."""
    return DIVISIONS_AS_OF


@cache
def divisions_hierarchy() -> Hierarchy:
    """The shipped divisions as a :class:`~dudao.model.hierarchy.Hierarchy`, built once
    (immutable; plugins and datasets extend copies of it)."""
    return Hierarchy(load_divisions())
