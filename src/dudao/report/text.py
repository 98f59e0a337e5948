"""The one way each writer makes a string from data or a user safe to show.

Every string from a dataset, a plugin or the command line is hostile until written
through one of these: :func:`plain_text` (terminal; no markup, no control codes),
:func:`markdown_table` (no cell can add a column, a row or HTML) and
:func:`xlsx_append` / :func:`xlsx_cell` (no cell becomes a formula).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

# bidirectional overrides and isolates reorder what a reader sees ("Trojan Source")
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# control characters (Unicode category Cc), line and paragraph separators (Zl, Zp),
# lone surrogates (Cs), the noncharacters U+FFFE and U+FFFF (XML, hence .xlsx and
# .docx, cannot hold them) and the bidirectional controls: one pass of a regex
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff{_BIDI}]")


def plain_text(value: Any) -> str:
    r"""``value`` as one line of text: control characters, line and paragraph separators,
    lone surrogates, noncharacters and bidirectional controls become spaces. None is "".

    >>> plain_text("青秀区\n| x |\x1b[31m")
    '青秀区 | x | [31m'
    """
    if value is None:
        return ""
    return _UNSAFE.sub(" ", str(value))


def console_text(value: Any, style: str = "") -> Text:
    """For rich: :func:`plain_text` as a ``Text``, so ``[bold]`` in a name is printed,
    not read as markup (and ``[/]`` cannot crash the command)."""
    return Text(plain_text(value), style=style)


# what CommonMark/GFM give a meaning inside a line: escaped, they print as themselves
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~!#])")


def markdown_cell(value: Any) -> str:
    r"""``value`` as the text of one Markdown table cell (or a heading): one line, every
    character that could end the cell, start a link, HTML or emphasis escaped.

    >>> markdown_cell("a|b\n<script>")
    'a\\|b \\<script\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain_text(value)).strip()


def markdown_table(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[str]:
    r"""The lines of a Markdown table; each cell through :func:`markdown_cell`.

    >>> markdown_table(["对象", "问题"], [["S|1", "少于 2 次"]])
    ['| 对象 | 问题 |', '|---|---|', '| S\\|1 | 少于 2 次 |']
    """

    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(markdown_cell(c) for c in cells) + " |"

    return [line(headers), "|" + "---|" * len(headers), *(line(r) for r in rows)]


# a spreadsheet reads a cell typed with these first as a formula (OWASP CSV injection);
# the full-width forms are read as formulas by some spreadsheets' input methods
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_XLSX_MAX = 32_767  # characters in one cell (Excel)


def xlsx_append(ws: Worksheet | WriteOnlyWorksheet, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl sheet. Strings are stored as text, never as formulas
    (``=HYPERLINK(…)`` in a unit name stays those characters, and Excel keeps it text
    when the cell is edited); characters a workbook cannot hold become spaces; numbers,
    dates and None are written as they are."""
    ws.append([xlsx_cell(ws, v) for v in values])


def xlsx_cell(ws: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    r"""What to append for ``value`` in a row of ``ws``: a string as a text cell that
    cannot become a formula or an error value (``=cmd|' /C calc'!A0``, ``@SUM(A1)``,
    ``#N/A``; a tab, CR or space before ``=`` too: control characters become spaces and
    the cell is marked to stay text when edited); anything else as it is.

    >>> from openpyxl import Workbook
    >>> cell = xlsx_cell(Workbook().active, "\t=1+1")
    >>> cell.value, cell.data_type, cell.quotePrefix
    (' =1+1', 's', True)
    """
    if not isinstance(value, str):
        return value
    text = plain_text(value)
    if len(text) > _XLSX_MAX:
        text = text[: _XLSX_MAX - 1] + "…"
    risky = text.lstrip().startswith(_FORMULA_START)
    if not risky and not text.startswith("#"):
        return text  # openpyxl stores it as a string as it is
    from openpyxl.cell import Cell

    cell = Cell(ws, row=1, column=1)  # placed where appended
    cell.value = text
    cell.data_type = "s"  # after the value: openpyxl reads a leading "=" as a formula
    cell.quotePrefix = risky
    return cell
