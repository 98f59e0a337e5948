"""The one Excel writer every command uses (``--format xlsx --out FILE``).

A workbook officials open looks the same whatever command wrote it:

* a first sheet 说明 says what the workbook is (title, dataset, date, version) and,
  on sample data, that it is 示例数据;
* each sheet has its title, the 示例 warning on sample data, then one header row that
  stays in view (frozen panes, with the code and name columns on the left) and a filter;
* columns are as wide as their contents, counting a Chinese character as two;
* every string from data goes through :func:`dudao.report.text.xlsx_append`'s rules:
  stored as text, never as a formula (``=HYPERLINK(…)``, ``@SUM``, DDE ``=cmd|…``).

Codes are shown with names beside them: the callers put a name column right after
each code column (:func:`unit_name` reads names from the hierarchy).

>>> import tempfile, pathlib
>>> sheet = Sheet("问题", [Column("区划代码", "code"), Column("区划名称"), Column("问题", "long")],
...               [["450103", "青秀区", "=1+1"]])
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_workbook(pathlib.Path(tmp) / "a.xlsx", [sheet], title="检查结果", sample=True)
...     from openpyxl import load_workbook
...     wb = load_workbook(path)
...     ws = wb["问题"]
...     wb.sheetnames, ws.freeze_panes, ws["C4"].value, ws["C4"].data_type
(['说明', '问题'], 'C4', '=1+1', 's')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
from rich.cells import cell_len

from dudao.errors import DudaoError, Problem
from dudao.report.text import plain_text, xlsx_cell

if TYPE_CHECKING:
    from dudao.model.hierarchy import Hierarchy

#: What a column holds: ``code`` (an identifier: text, never a number), ``text`` (a
#: short text), ``long`` (a sentence: wide, wrapped), ``number``, ``int``, ``date``.
ColumnKind = Literal["code", "text", "long", "number", "int", "date"]

SAMPLE_WARNING = "【示例数据】本表数据为示例，不代表实际情况，不得作为督导结论引用。"
_MAX_WIDTH = {"long": 60, "text": 40, "code": 30}
_MEASURED_ROWS = 2000  # widths from the first rows: a national sheet has ~90,000
_SHEET_ROWS = 1_048_576 - 10  # Excel's rows in a sheet, less the title, notes and header
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@attrs.frozen
class Column:
    """One column: its header and what it holds (see :data:`ColumnKind`)."""

    header: str
    kind: ColumnKind = "text"


@attrs.frozen
class Sheet:
    """One sheet: ``rows`` of values in the order of ``columns``. ``title`` is shown
    above the header (the sheet's name when None); ``notes`` are lines under it;
    ``frozen`` columns stay in view on the left (the code and name)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str | None = None
    notes: Sequence[str] = ()
    frozen: int | None = None


def unit_name(hierarchy: Hierarchy) -> Callable[[Any], str | None]:
    """``code → name`` from the tree; None for a code it does not know (or no code)."""

    def name(code: Any) -> str | None:
        if code is None or not isinstance(code, str) or code not in hierarchy:
            return None
        return hierarchy.get(code).name

    return name


def write_workbook(
    path: Path,
    sheets: Sequence[Sheet],
    *,
    title: str,
    about: Sequence[tuple[str, Any]] = (),
    sample: bool = False,
) -> Path:
    """Write ``sheets`` to ``path`` after a 说明 sheet (``title``, the ``about`` lines
    and, when ``sample``, the 示例 warning, which every sheet repeats above its
    header). Returns ``path``."""
    from openpyxl import Workbook

    if path.suffix.lower() != ".xlsx":
        raise DudaoError(
            Problem(
                f"Excel 文件名应以 .xlsx 结尾：{path.name}",
                source=str(path),
                path=("--out",),
                code="bad-out",
                hint=f"如 --out {path.with_suffix('.xlsx').name}",
            )
        )
    wb = Workbook(write_only=True)  # rows streamed: a national check writes ~90,000
    names: set[str] = set()
    _about(wb, _sheet_name("说明", names), title, about, sample)
    for sheet in sheets:
        for part in _parts(sheet):
            _write_sheet(wb, _sheet_name(part.name, names), part, sample)
    try:
        wb.save(path)
    except OSError as exc:
        raise DudaoError(
            Problem(
                f"无法写入 {path}：{exc.strerror or exc}",
                source=str(path),
                path=("--out",),
                code="bad-out",
                hint="检查文件夹是否存在、是否可写，文件是否正在被 Excel 打开",
            )
        ) from None
    return path


def _parts(sheet: Sheet, size: int = _SHEET_ROWS) -> list[Sheet]:
    """``sheet`` as it fits Excel: more rows than a sheet holds continue on sheets
    named ``…(2)``, ``…(3)``, each saying which rows it holds."""
    rows = list(sheet.rows)
    if len(rows) <= size:
        return [attrs.evolve(sheet, rows=rows)]
    parts = []
    for n, start in enumerate(range(0, len(rows), size), start=1):
        chunk = rows[start : start + size]
        title = f"{sheet.title or sheet.name}（第 {start + 1:,} 至 {start + len(chunk):,} 行）"
        name = sheet.name if n == 1 else f"{sheet.name}({n})"
        parts.append(attrs.evolve(sheet, name=name, rows=chunk, title=title))
    return parts


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique."""
    base = _BAD_SHEET_CHARS.sub("_", plain_text(wanted)).strip("'").strip() or "表"
    base = base[:31]
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    return {
        "title": Font(bold=True, size=13),
        "warning_font": Font(bold=True, color="C00000"),
        "warning_fill": PatternFill("solid", fgColor="FFF2CC"),
        "header_font": Font(bold=True),
        "header_fill": PatternFill("solid", fgColor="DDEBF7"),
        "header_border": Border(bottom=Side(style="thin", color="808080")),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "top": Alignment(vertical="top"),
    }


def _styled(ws: Any, value: Any, **style: Any) -> Any:
    cell = xlsx_cell(ws, value)
    if not hasattr(cell, "font"):  # a plain value: a cell to carry the style
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, cell)
    for key, v in style.items():
        setattr(cell, key, v)
    return cell


def _about(wb: Any, name: str, title: str, about: Sequence[tuple[str, Any]], sample: bool) -> None:
    from dudao import __version__

    s = _styles()
    ws = wb.create_sheet(name)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    ws.append([_styled(ws, title, font=s["title"])])
    if sample:
        ws.append([_styled(ws, SAMPLE_WARNING, font=s["warning_font"], fill=s["warning_fill"])])
    ws.append([])
    rows = [*about, ("生成工具", f"dudao {__version__}"), ("生成时间", _now())]
    for key, value in rows:
        ws.append([xlsx_cell(ws, key), xlsx_cell(ws, _value(value, "text"))])


def _now() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


def _write_sheet(wb: Any, name: str, sheet: Sheet, sample: bool) -> None:
    from openpyxl.utils import get_column_letter

    s = _styles()
    ws = wb.create_sheet(name)
    kinds = [c.kind for c in sheet.columns]
    rows = [[_value(v, k) for v, k in zip(r, kinds, strict=False)] for r in sheet.rows]
    widths = _widths(sheet.columns, rows)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # a write-only sheet writes its views with the first row: freeze before appending
    header_row = 2 + int(sample) + len(sheet.notes)
    frozen = sheet.frozen if sheet.frozen is not None else _default_frozen(sheet.columns)
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}{header_row + 1}"
    last = get_column_letter(max(len(sheet.columns), 1))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(rows), 1)}"
    ws.append([_styled(ws, sheet.title or name, font=s["title"])])
    if sample:
        ws.append([_styled(ws, SAMPLE_WARNING, font=s["warning_font"], fill=s["warning_fill"])])
    for note in sheet.notes:
        ws.append([xlsx_cell(ws, note)])
    ws.append(
        [
            _styled(
                ws,
                c.header,
                font=s["header_font"],
                fill=s["header_fill"],
                border=s["header_border"],
            )
            for c in sheet.columns
        ]
    )
    # wrapping every long cell of a national sheet costs seconds: only a readable size
    wrap = len(rows) <= 5000
    long_columns = {i for i, k in enumerate(kinds) if k == "long"}
    for r in rows:
        cells = []
        for i, v in enumerate(r):
            if i in long_columns and wrap and isinstance(v, str):
                cells.append(_styled(ws, v, alignment=s["wrap"]))
            else:
                cells.append(xlsx_cell(ws, v) if isinstance(v, str) else v)
        ws.append(cells)


def _default_frozen(columns: Sequence[Column]) -> int:
    """The leading code column and the name beside it stay in view."""
    if columns and columns[0].kind == "code":
        return 2 if len(columns) > 1 and columns[1].kind == "text" else 1
    return 0


def _value(value: Any, kind: ColumnKind) -> Any:
    """A value as the cell holds it: blanks (None, NaN, NaT) empty, booleans 是/否,
    codes as text, numpy and pandas scalars as Python ones."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NaT or value is pd.NA:
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind == "code" and not isinstance(value, str):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(plain_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, int | float | dt.date | dt.datetime | str):
        return value
    return str(value)


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column as wide as its widest header or value among the first rows, a
    Chinese character counting two; within a cap by kind."""
    widths = []
    for i, column in enumerate(columns):
        longest = cell_len(column.header)
        for r in rows[:_MEASURED_ROWS]:
            if i < len(r) and r[i] is not None:
                longest = max(longest, _display_width(r[i]))
        cap = _MAX_WIDTH.get(column.kind, 20)
        widths.append(float(min(max(longest + 2, 6), cap)))
    return widths


def _display_width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return cell_len(plain_text(value))
