"""Enumerations that carry their Chinese term.

Identifiers are English; what users read first is Chinese. Every enum in the
model stores a stable English value (what files and JSON carry) and a Chinese
label (what tables and messages show). YAML authors may write either.

>>> from dudao.model.jurisdiction import Level
>>> Level.COUNTY.value, Level.COUNTY.label
('county', '县级')
>>> Level.parse("县级") is Level.parse("county") is Level.COUNTY
True
>>> Level.parse(3.0)
Traceback (most recent call last):
ValueError: '3' 不是有效的取值，可选：...
"""

from __future__ import annotations

from enum import StrEnum
from numbers import Real
from typing import Self, cast

from dudao.model.numbers import number

_LOOKUPS: dict[type, dict[str, LabelledEnum]] = {}


class LabelledEnum(StrEnum):
    """A string enum whose members are declared as ``NAME = ("value", "中文")``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: str | Self) -> Self:
        """Return the member named by its English value or its Chinese label.

        Raises ``ValueError`` listing the accepted spellings otherwise.
        """
        if isinstance(text, cls):
            return text
        lookup = _LOOKUPS.get(cls)
        if lookup is None:  # built once per enum: parse runs once per row of big tables
            lookup = _LOOKUPS[cls] = {k: m for m in cls for k in (m.value, m.label)}
        member = lookup.get(text) if isinstance(text, str) else None
        if member is not None:
            return cast(Self, member)  # the lookup of `cls` holds members of `cls`
        choices = "、".join(f"{m.label}（{m.value}）" for m in cls)
        # a number read from a table shows as written: 3, not 3.0
        shown = number(text) if isinstance(text, Real) and not isinstance(text, bool) else text
        raise ValueError(f"'{shown}' 不是有效的取值，可选：{choices}")
