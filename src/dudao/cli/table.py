"""Terminal tables that fit the terminal: identifiers never split, nothing cut silently.

:func:`fit_table` lays out a rich table for the console's width:

* identifier columns (rule ids, codes, dates, labels) are never wrapped: the column is as
  wide as its widest value;
* text columns wrap between Chinese characters and at spaces, never inside a run of
  Latin letters and digits (``committee-established``, ``450103``, ``2022-09-01``) nor
  inside a 文号 (``厅发〔2020〕26号``); opening brackets stay with what follows, closing
  punctuation with what precedes;
* when even that does not fit, the least important columns are left out: their values
  go on a line of their own under another column's (``依据：…`` under a finding's
  message, :attr:`Col.fold_into`) where it has room, else the table's caption names them
  (the full table is in ``--format json`` / ``xlsx``).

:func:`summarise_units` shortens a long enumeration of units in a text
(``兴宁区（450102）、青秀区（450103）、… 111 个``) to its first few and a count.

>>> from rich.console import Console
>>> console = Console(width=40, record=True, color_system=None)
>>> table = fit_table(console, [Col("规则", "id"), Col("问题")],
...                   [["committee-established", "督导委员会组成不完整：缺成员单位 2 个"]])
>>> console.print(table)
┏━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ 规则                  ┃ 问题         ┃
┡━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ committee-established │ 督导委员会组 │
│                       │ 成不完整：缺 │
│                       │ 成员单位 2   │
│                       │ 个           │
└───────────────────────┴──────────────┘
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import attrs
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dudao.report.text import console_text

#: ``id``: an identifier or short label, never wrapped; ``text``: wraps between
#: Chinese characters and at spaces; ``number``: right-aligned, never wrapped.
ColKind = Literal["id", "text", "number"]


@attrs.frozen
class Col:
    """A column: header, kind, and ``keep`` (higher is kept longer on a narrow
    terminal; ``None``: never left out)."""

    header: str
    kind: ColKind = "text"
    keep: int | None = None
    min_text: int = 8  # a text column narrower than this reads badly
    #: left out, its value goes on a line of its own in this column (``依据：…`` under
    #: the finding's message) instead of disappearing
    fold_into: str | None = None


SHORT = 12  # cells: a text this short is given its whole width before longer ones

# a token that must stay on one line: a 文号, or a run of narrow characters; CJK
# characters stand alone; opening brackets join what follows, closing punctuation what
# precedes (so "（450103）、" is one token)
_DOC_NUMBER = r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号"
_OPENING = "（「『《〔【“‘([{"
_CLOSING = "，。、；：？！）」』》〕】”’…%)]},.;:?!·"
_TOKEN = re.compile(
    rf"[{re.escape(_OPENING)}]*"
    rf"(?:{_DOC_NUMBER}|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\S)"
    rf"[{re.escape(_CLOSING)}]*"
)
_SPACE = re.compile(r"\s+")


def tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the pieces a line may not break inside, in order.

    >>> s = "规则 committee-established（厅发〔2020〕26号）判断"
    >>> [s[a:b] for a, b in tokens(s)]
    ['规', '则', 'committee-established', '（厅发〔2020〕26号）', '判', '断']
    """
    return [m.span() for m in _TOKEN.finditer(text)]


def longest_token(text: str) -> int:
    """The width of the widest piece of ``text`` a line may not break inside."""
    return max((cell_len(text[a:b]) for a, b in tokens(text)), default=0)


def wrap(text: Text, width: int) -> Text:
    """``text`` broken into lines of at most ``width`` cells at allowed places only
    (a piece wider than ``width`` gets a line of its own), styles kept.

    >>> wrap(Text("期限 2023-12-31 未到，届时按规则 committee-established 判断"), 16).plain
    '期限 2023-12-31\\n未到，届时按规则\\ncommittee-established\\n判断'
    """
    out: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        out.extend(_wrap_line(paragraph, width))
    return Text("\n").join(out)


def _wrap_line(line: Text, width: int) -> list[Text]:
    plain = line.plain
    breaks: list[int] = []  # offsets where a new line starts
    start: int | None = None  # where the current line's first piece starts
    for a, b in tokens(plain):
        if start is None:
            start = 0 if not breaks else a
        elif cell_len(plain[start:b]) > width:
            breaks.append(a)
            start = a
    if not breaks:
        return [_trimmed(line, first=True)]
    parts = line.divide(breaks)
    return [_trimmed(part, first=i == 0) for i, part in enumerate(parts)]


def _trimmed(part: Text, first: bool) -> Text:
    """A line without trailing spaces; a continued line without leading ones either
    (a first line keeps its indent)."""
    part = part.copy()
    part.rstrip()
    lead = 0 if first else len(part.plain) - len(part.plain.lstrip())
    return part[lead:] if lead else part


@attrs.frozen
class Layout:
    """Column widths chosen once for a set of rows, to draw one table or several with
    the same columns (a check's table per jurisdiction)."""

    columns: tuple[Col, ...]
    keep: tuple[int, ...]
    widths: tuple[int, ...]
    #: left-out columns shown under another: (column, the column it goes under)
    folded: tuple[tuple[int, int], ...] = ()

    @property
    def dropped(self) -> list[str]:
        """Headers of the columns left out for want of room (not those shown inside
        another column)."""
        under = {i for i, _ in self.folded}
        return [
            c.header for i, c in enumerate(self.columns) if i not in self.keep and i not in under
        ]

    def caption(self) -> Text | None:
        """What a reader must know about the columns left out."""
        if not self.dropped:
            return None
        return Text(
            f"终端较窄，未显示 {len(self.dropped)} 列：{'、'.join(self.dropped)}"
            "（加宽终端，或用 --format json/xlsx 查看全部）",
            style="dim",
        )

    def table(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        title: str | Text | None = None,
        caption: bool = True,
        **options: Any,
    ) -> Table:
        """The rows as a rich ``Table`` with these widths (text cells, the title and the
        caption wrapped to the table's width)."""
        width = sum(self.widths) + 3 * len(self.widths) + 1
        note = self.caption() if caption else None
        table = Table(
            title=wrap(_cell(title), width) if title is not None else None,
            title_justify="left",
            caption=wrap(note, width) if note is not None else None,
            caption_justify="left",
            **options,
        )
        for i, width in zip(self.keep, self.widths, strict=True):
            c = self.columns[i]
            table.add_column(
                c.header,
                width=width,
                # lines are broken here already; rich folds only a piece wider than the
                # whole terminal, rather than cutting it
                overflow="fold",
                justify="right" if c.kind == "number" else "left",
            )
        for row in rows:
            cells = [_cell(v) for v in row]
            for i, host in self.folded:
                if row[i] not in (None, ""):
                    extra = Text(f"{self.columns[i].header}：", style="dim") + cells[i]
                    cells[host] = Text("\n").join([cells[host], extra])
            table.add_row(
                *(
                    wrap(cells[i], w) if self.columns[i].kind == "text" else cells[i]
                    for i, w in zip(self.keep, self.widths, strict=True)
                )
            )
        return table


def layout(console: Console, columns: Sequence[Col], rows: Sequence[Sequence[Any]]) -> Layout:
    """Widths for ``columns`` holding ``rows`` on ``console.width``: identifiers whole,
    text columns at least as wide as their widest unbreakable piece, the columns
    with the lowest ``keep`` left out while the rest do not fit, spare room given to
    the columns whose contents want it."""
    cells = [[_cell(v) for v in row] for row in rows]
    keep = list(range(len(columns)))
    minimum = [_min_width(c, [r[i] for r in cells]) for i, c in enumerate(columns)]
    maximum = [
        max([minimum[i], cell_len(c.header), *(_max_line(r[i]) for r in cells)])
        for i, c in enumerate(columns)
    ]

    def need(indices: list[int]) -> int:
        return sum(minimum[i] for i in indices) + 3 * len(indices) + 1

    folded: dict[int, int] = {}
    while need(keep) > console.width:
        droppable = [i for i in keep if columns[i].keep is not None]
        if not droppable:
            break
        gone = min(droppable, key=lambda i: (columns[i].keep or 0, -i))
        keep.remove(gone)
        # its values go under another column's if that one can hold their longest pieces
        # (else it is left out, and the caption says so)
        host = next(
            (
                i
                for i in keep
                if columns[i].header == columns[gone].fold_into and columns[i].kind == "text"
            ),
            None,
        )
        if host is not None:
            pieces = max((longest_token(r[gone].plain) for r in cells), default=0)
            before = minimum[host]
            minimum[host] = max(minimum[host], pieces)
            fixed = [i for i in keep if columns[i].keep is None or i == host]
            if need(fixed) > console.width:
                minimum[host] = before  # no room for its longest piece even then
                continue
            folded[gone] = host
            label = cell_len(columns[gone].header) + 2  # "依据："
            lines = max((label + _max_line(r[gone]) for r in cells), default=0)
            maximum[host] = max(maximum[host], minimum[host], lines)
    # a column that went under one later left out itself is not shown
    folded = {i: h for i, h in folded.items() if h in keep}
    widths = {i: minimum[i] for i in keep}
    spare = console.width - need(keep)
    # short texts (a stage, a status) whole first: "省级评估" broken in two reads badly
    for i in sorted(keep, key=lambda i: maximum[i] - widths[i]):
        if maximum[i] <= SHORT and 0 < maximum[i] - widths[i] <= spare:
            spare -= maximum[i] - widths[i]
            widths[i] = maximum[i]
    # the rest of the room shared in proportion to what each column still wants
    want = {i: maximum[i] - widths[i] for i in keep}
    total = sum(want.values())
    if total and spare > 0:
        if total <= spare:
            widths = {i: maximum[i] for i in keep}
        else:
            for i in keep:
                widths[i] += spare * want[i] // total
            left = console.width - need(keep) - sum(widths[i] - minimum[i] for i in keep)
            for i in sorted(keep, key=lambda i: widths[i] - maximum[i]):
                if left <= 0:
                    break
                if widths[i] < maximum[i]:
                    widths[i] += 1
                    left -= 1
    return Layout(
        tuple(columns), tuple(keep), tuple(widths[i] for i in keep), tuple(folded.items())
    )


def paragraph(console: Console, text: str | Text) -> Text:
    """``text`` broken into lines for ``console.width`` at allowed places only (a list of
    rule ids joined by 、 breaks between them, never inside one); an indent is kept on
    every line."""
    body = _cell(text)
    indent = len(body.plain) - len(body.plain.lstrip(" "))
    if not indent:
        return wrap(body, max(console.width, 1))
    # an indented line keeps its indent on every line it is broken into
    lines = wrap(body[indent:], max(console.width - indent, 1)).split("\n")
    return Text("\n").join(Text(" " * indent) + line for line in lines)


def fit_table(
    console: Console,
    columns: Sequence[Col],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | Text | None = None,
    **options: Any,
) -> Table:
    """A rich ``Table`` of ``rows`` laid out for ``console.width`` (see the module
    docstring). Cells may be text (shown as written: no markup, no control codes) or
    rich ``Text`` (styles kept). A caption names the columns left out, if any."""
    return layout(console, columns, rows).table(rows, title=title, **options)


def _cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return console_text("—" if value is None or value == "" else value)


def _max_line(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _min_width(column: Col, cells: list[Text]) -> int:
    """The narrowest the column may be: its values whole (an identifier, a number) or
    its widest unbreakable piece (a text); a header may wrap between Chinese characters
    (spare room goes to it first: see :func:`layout`)."""
    header = longest_token(column.header)
    if column.kind != "text":
        return max([header, *(_max_line(c) for c in cells)])
    longest = max((longest_token(c.plain) for c in cells), default=0)
    widest = max((_max_line(c) for c in cells), default=0)
    return max(header, longest, min(column.min_text, widest))


# ------------------------------------------------------------ long lists
_UNIT = r"[^、，；：（）\s]{1,30}（[0-9A-Za-z\-]{2,30}）"
_UNIT_LIST = re.compile(rf"{_UNIT}(?:、{_UNIT}){{6,}}")
_UNIT_CODE = re.compile(r"（([0-9A-Za-z\-]{2,30})）")


def summarise_units(
    text: str, level_of: Callable[[str], str | None] = lambda _: None, shown: int = 3
) -> str:
    """Each enumeration of more than six ``名称（代码）`` items in ``text`` shortened to
    the first ``shown`` and a count; ``level_of`` gives a code's level label (县级 …),
    used when all items share one.

    >>> items = "、".join(f"县{i}（4501{i:02d}）" for i in range(10))
    >>> summarise_units(f"{items}均有记录", lambda code: "县级")
    '县0（450100）、县1（450101）、县2（450102）等 10 个县级单位均有记录'
    """

    def shorten(match: re.Match[str]) -> str:
        items = match.group(0).split("、")
        codes = [m.group(1) for item in items for m in [_UNIT_CODE.search(item)] if m]
        levels = {level_of(c) for c in codes}
        level = levels.pop() if len(levels) == 1 else None
        noun = f"个{level}单位" if level else "个单位"
        return "、".join(items[:shown]) + f"等 {len(items)} {noun}"

    return _UNIT_LIST.sub(shorten, text)
