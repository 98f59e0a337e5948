"""Small bar charts drawn as inline SVG on the server: no script, no font download.

Every text put into the SVG is escaped (a unit's name comes from data), and the
chart scales to its container (``viewBox`` with ``width:100%``), so the same
markup serves a 1280-px desktop and a 390-px phone. Text uses the page's CJK font
through CSS (``font-family: inherit``).

>>> svg = bar_chart([Bar("青秀区", 7.0), Bar("<兴宁区>", 6.0, tone="bad")], title="得分")
>>> "&lt;兴宁区&gt;" in svg and "<script" not in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import attrs

from dudao.model.numbers import number

#: Colours by meaning; the CSS legend uses the same names.
TONES = {
    "good": "#2e7d32",
    "bad": "#c62828",
    "warn": "#ef6c00",
    "info": "#1565c0",
    "base": "#78909c",
    "alt": "#6a1b9a",
}


@attrs.frozen
class Bar:
    """One bar: its label, value and tone (a key of :data:`TONES`)."""

    label: str
    value: float
    tone: str = "info"
    note: str = ""  # shown after the value, e.g. "达标"


def _nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least ``value`` (axis end).

    >>> _nice_max(7), _nice_max(0.0), _nice_max(130)
    (10.0, 1.0, 200.0)
    """
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power:
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str = "",
    unit: str = "",
    maximum: float | None = None,
    label_width: int = 118,
) -> str:
    """Horizontal bars, one row each, with the value written after the bar."""
    row, width, gap = 26, 480, 8
    top = 28 if title else 6
    height = top + len(bars) * row + 6
    top_value = (
        maximum if maximum is not None else _nice_max(max((b.value for b in bars), default=0))
    )
    span = width - label_width - 90
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f'<text x="0" y="18" class="chart-title">{escape(title)}</text>')
    for i, b in enumerate(bars):
        y = top + i * row
        length = 0.0 if top_value <= 0 else max(0.0, min(1.0, b.value / top_value)) * span
        colour = TONES.get(b.tone, TONES["info"])
        label = b.label if len(b.label) <= 8 else b.label[:7] + "…"
        parts.append(
            f'<text x="{label_width - gap}" y="{y + 17}" text-anchor="end">'
            f"<title>{escape(b.label)}</title>{escape(label)}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" '
            f'rx="2" fill="{colour}"/>'
        )
        value = f"{number(b.value)}{unit}" + (f" {b.note}" if b.note else "")
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}">{escape(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def paired_chart(
    rows: Sequence[tuple[str, float, float]],
    *,
    title: str = "",
    names: tuple[str, str] = ("基线", "方案"),
    unit: str = "",
    label_width: int = 118,
) -> str:
    """Two bars per row (baseline and reform), with a legend: for comparisons."""
    row, width = 40, 480
    top = 48 if title else 26
    height = top + len(rows) * row + 6
    top_value = _nice_max(max((max(a, b) for _, a, b in rows), default=0))
    span = width - label_width - 50
    tones = (TONES["base"], TONES["alt"])
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f'<text x="0" y="18" class="chart-title">{escape(title)}</text>')
    for k, (name, colour) in enumerate(zip(names, tones, strict=True)):
        x = k * 150
        parts.append(f'<rect x="{x}" y="{top - 20}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{top - 9}">{escape(name)}</text>')
    for i, (label, a, b) in enumerate(rows):
        y = top + i * row
        shown = label if len(label) <= 8 else label[:7] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 23}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
        )
        for k, (value, colour) in enumerate(zip((a, b), tones, strict=True)):
            length = 0.0 if top_value <= 0 else max(0.0, value / top_value) * span
            yy = y + 4 + k * 16
            parts.append(
                f'<rect x="{label_width}" y="{yy}" width="{length:.1f}" height="14" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 6:.1f}" y="{yy + 12}" class="small">'
                f"{escape(number(value) + unit)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
