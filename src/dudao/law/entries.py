"""What every entry shares: where it applies, when, and where it came from.

>>> from datetime import date
>>> v = Validity(since=date(2020, 5, 14))
>>> v.in_force(date(2020, 5, 14)), v.in_force(date(2020, 5, 13))
(True, False)
>>> v.overlaps(Validity(until=date(2020, 5, 14))), v.overlaps(Validity(until=date(2020, 5, 13)))
(True, False)
"""

from __future__ import annotations

import datetime as dt

import attrs


@attrs.frozen
class Validity:
    """In force from ``since`` to ``until``, both days included; None means open."""

    since: dt.date | None = None
    until: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"失效日期 {self.until} 早于生效日期 {self.since}")

    def in_force(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )

    def overlaps(self, other: Validity) -> bool:
        starts_before_other_ends = (
            other.until is None or self.since is None or self.since <= other.until
        )
        ends_after_other_starts = (
            self.until is None or other.since is None or other.since <= self.until
        )
        return starts_before_other_ends and ends_after_other_starts

    def describe(self) -> str:
        """Chinese: ``2020-05-14 起``, ``至 2022-12-31``, ``长期有效`` (no dates at all).

        >>> Validity().describe(), Validity(until=dt.date(2022, 12, 31)).describe()
        ('长期有效', '至 2022-12-31')
        """
        if self.since is None and self.until is None:
            return "长期有效"
        if self.since is None:
            return f"至 {self.until.isoformat()}"  # type: ignore[union-attr]
        if self.until is None:
            return f"{self.since.isoformat()} 起"
        return f"{self.since.isoformat()} 至 {self.until.isoformat()}"


@attrs.frozen
class Origin:
    """Which plugin an entry came from, and the file and line it was written at."""

    plugin: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.source and self.line else self.source
        return f"插件 {self.plugin}（{where}）" if where else f"插件 {self.plugin}"
