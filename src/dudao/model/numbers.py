"""Numbers as a person writes them in a message, a table or a report.

Floating point leaves traces no official would write: 40 − 32.3 is
7.700000000000003, and the coefficient of variation of equal values can come out as
7.7e-17. :func:`number` is the one way dudao turns a number into text for people;
:func:`percent` writes a share (0.853) as the percentage a document states (85.3%).

>>> number(40 - 32.3), number(7.71352e-17), number(40.0), number(37.5)
('7.7', '0', '40', '37.5')
>>> percent(0.853), percent(1.0)
('85.3%', '100%')
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Integral, Real
from typing import Any

MISSING = "—"


def number(x: Any, digits: int = 6, *, thousands: bool = False) -> str:
    """``x`` with at most ``digits`` significant digits, but the whole part is never
    rounded away and nothing below 10⁻ᵈⁱᵍⁱᵗˢ is shown (so float noise reads 0). No
    exponent, no trailing zeros, no "-0"; halves round up (四舍五入) on the number as
    it prints, so 2.675 is 2.68. Missing values (None, NaN) are "—". ``thousands``
    groups the whole part: 1,234,567.

    >>> number(0.504), number(1 / 3), number(5234.56789), number(1234567.891)
    ('0.504', '0.333333', '5234.57', '1234568')
    >>> number(2.675, 3), number(-0.00000001), number(1e20), number(9.9999995, 3)
    ('2.68', '0', '100000000000000000000', '10')
    >>> number(1234.56, 0, thousands=True), number(12345, thousands=True)
    ('1,235', '12,345')
    >>> number(None), number(float("nan")), number(float("-inf"))
    ('—', '—', '-∞')
    """
    if x is None:
        return MISSING
    if type(x) is int or (isinstance(x, Integral) and not isinstance(x, bool)):
        return f"{int(x):,}" if thousands else str(int(x))
    if not isinstance(x, float | Real):  # float first: the ABC's check is slow
        raise TypeError(f"number() needs a real number, not {type(x).__name__}")
    f = float(x)
    if math.isnan(f):
        return MISSING
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    if f.is_integer() and abs(f) < 2**53:  # its digits exactly (no "-0"): 40.0 is 40
        return f"{int(f):,}" if thousands else str(int(f))
    return _float_text(f, digits, thousands)


@functools.lru_cache(maxsize=4096)
def _float_text(f: float, digits: int, thousands: bool) -> str:
    # messages of tens of thousands of findings repeat a few thousand values
    return _text(Decimal(repr(f)), digits, thousands)


def percent(share: Any, digits: int = 4) -> str:
    """A share (0–1) as a percentage, ``digits`` significant digits (see :func:`number`).

    >>> percent(0.85), percent(0.123456), percent(0.0), percent(None)
    ('85%', '12.35%', '0%', '—')
    """
    if share is None or (isinstance(share, Real) and math.isnan(float(share))):
        return MISSING
    # scaled exactly in decimal: 0.853 × 100 is 85.3, not 85.30000000000001
    return _text(Decimal(repr(float(share))) * 100, digits, False) + "%"


def _text(d: Decimal, digits: int, thousands: bool) -> str:
    whole = d.adjusted() + 1 if abs(d) >= 1 else 0  # digits before the point
    places = max(0, digits - whole)
    with localcontext() as ctx:
        ctx.prec = whole + places + 1  # every digit kept: 1e300 has 301
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    if d.is_zero():
        d = Decimal(0)  # no "-0"
    return format(d, ",f" if thousands else "f")
