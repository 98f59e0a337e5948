"""Reading tables from CSV, Excel and Parquet, and checking every cell.

A national dataset holds ~520,000 schools and ~150,000 inspectors, so these
tables never become Python objects: they are read into pandas columns and
checked with column operations, against the table schemas of
:mod:`dudao.model.tables` (:data:`~dudao.model.tables.SCHOOLS`, …). :func:`load_table`
reads a file, :func:`validate_table` checks a frame already in memory. Both
return a frame with exactly the spec's columns, in spec order, or raise one
:class:`~dudao.errors.DudaoError` carrying every problem found.

Headers may be the English column names or their Chinese names (``学校代码``);
enum cells may be the English value or the Chinese label (``小学``). All cells
are read as text first, so codes keep their leading zeros and forms like
``450100-gaoxin``; leading and trailing spaces are dropped and an empty cell is a
missing value.

Result dtypes (see :attr:`Column.dtype`):

* ``str`` columns: pandas' string dtype ``str`` (``StringDtype(na_value=nan)``,
  the pandas 3 default; Arrow-backed when pyarrow is installed); missing is NaN;
* ``int``: ``int64`` when every row has a value (required, or optional with a
  default such as ``consecutive_terms``), else nullable ``Int64``;
* ``float``: ``float64`` (missing is NaN);
* ``date``: ``datetime64[s]`` at midnight (day precision, so placeholder dates
  like 9999-12-31 still fit); missing is NaT;
* ``enum``: an unordered ``Categorical`` whose categories are the enum's English
  values in declaration order.

Problems name the file as given, the row a person sees and the column
(``path=(column,)``). Rows: for CSV and Excel the row in the file with the
header as row 1, so the first data row is 2 (for CSV this is the line number
unless a quoted cell spans lines); for Parquet and in-memory frames the 1-based
record index. Completely empty rows of a CSV or Excel file are skipped. At most
:data:`MAX_REPORTED` problems are spelled out per (code, column), followed by one
summary problem counting the rest.

``load_table`` accepts a path or an open file; for a file object pass
``source=`` to name it (its suffix chooses the format, CSV by default):

>>> import io
>>> text = '''学校代码,学校名称,学段,办学性质,在校生数,县级区划代码
... 450103-0001,南宁市第一示范小学,小学,公办,1850,450103
... 450103-0002,南宁市第二中学,junior,public,-3,450199
... '''
>>> load_table(io.StringIO(text), SCHOOLS, source="schools.csv", county_codes={"450103"})
Traceback (most recent call last):
...
dudao.errors.DudaoError: schools.csv 第3行 students: 在校生数不能为负数：-3（请填写不小于 0 的数）
schools.csv 第3行 county: 县级区划代码 '450199' 不是已知的县级区划代码（共 1 行：第 3 行）（...）
>>> df = load_table(io.StringIO(text.replace("-3", "960")), SCHOOLS, source="schools.csv")
>>> df[["school_id", "stage", "students"]]
     school_id    stage  students
0  450103-0001  primary      1850
1  450103-0002   junior       960
>>> [str(df[c].dtype) for c in ("school_id", "stage", "students", "township")]
['str', 'category', 'int64', 'category']
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import importlib
import io
import os
import re
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import attrs

from dudao.errors import DudaoError, Problem
from dudao.lazyimports import np, pd
from dudao.model.convert import EARLIEST_DATE, date_reason
from dudao.model.dataset import ABSENT_COLUMNS
from dudao.model.labels import LabelledEnum
from dudao.model.tables import (
    SCHOOLS,  # noqa: F401 - the examples above read it
    Column,
    TableSpec,
    day_numbers,
    fill_absent,
    fixed_width_bytes,
    string_dtype,
)

__all__ = ["MAX_REPORTED", "load_table", "validate_table"]

MAX_REPORTED = 20
"""Problems spelled out per (code, column); the rest are counted in one summary."""

_DATE_DTYPE = "datetime64[s]"
_MAX_EXACT_INT = 2**53  # beyond this a float cannot carry the integer exactly

# ------------------------------------------------------------------------ public


def load_table(
    path: str | os.PathLike[str] | IO[str] | IO[bytes],
    spec: TableSpec,
    *,
    known_codes: Collection[str] | None = None,
    county_codes: Collection[str] | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Read and validate a table from ``.csv``/``.tsv`` (UTF-8, BOM or not),
    ``.xlsx`` (first sheet; needs ``dudao[excel]``) or ``.parquet`` (needs
    ``dudao[parquet]``), chosen by the suffix of ``source`` or ``path``.

    ``county_codes`` are the known county-level codes (checked by columns with
    ``refers_to="county"``), ``known_codes`` the known codes of any level
    (``refers_to="jurisdiction"``); ``None`` skips that check. ``source`` is
    the name used in problems (default: ``path`` as given).

    Raises :class:`DudaoError` with every problem found, including file-level
    ones (missing file, bad encoding, corrupt workbook: ``unreadable-file``).
    """
    if source is None:
        source = str(path) if isinstance(path, str | os.PathLike) else "<stream>"
    suffix = Path(source).suffix.lower() or ".csv"
    if suffix in (".csv", ".tsv"):
        raw = _read_csv(path, source, "\t" if suffix == ".tsv" else ",")
    elif suffix in (".xlsx", ".xlsm"):
        raw = _read_excel(path, source)
    elif suffix == ".parquet":
        raw = _read_parquet(path, source)
    else:
        raise DudaoError(
            Problem(
                f"不支持的文件类型 '{suffix}'",
                source=source,
                code="unreadable-file",
                hint="支持 .csv、.tsv、.xlsx、.parquet；旧版 .xls 请在 Excel 中另存为 .xlsx",
            )
        )
    return _validate(raw, spec, source=source, known_codes=known_codes, county_codes=county_codes)


def validate_table(
    df: pd.DataFrame,
    spec: TableSpec,
    *,
    source: str,
    known_codes: Collection[str] | None = None,
    county_codes: Collection[str] | None = None,
    first_row: int = 1,
) -> pd.DataFrame:
    """Validate an in-memory frame against ``spec`` and return the typed table.

    Columns may be text (as read from a file) or already typed (ints, dates,
    categoricals); headers may be English or Chinese. Problems number rows by
    position, the first row being ``first_row``. ``df`` is not modified.

    >>> from dudao.model.tables import INSPECTORS
    >>> df = pd.DataFrame({"inspector_id": ["GX-1"], "name": ["李明"], "kind": ["兼职"],
    ...                    "appointing": ["450103"], "term_start": ["2021-09-01"]})
    >>> t = validate_table(df, INSPECTORS, source="synthetic")
    >>> t.loc[0, "kind"], t.loc[0, "consecutive_terms"], str(t["term_start"].dtype)
    ('part_time', np.int64(1), 'datetime64[s]')
    """
    frame = df.set_axis(range(df.shape[1]), axis=1)
    raw = _Raw(
        frame,
        [_header_text(h) for h in df.columns],
        _Counting(first_row, len(df)),
        header_row=None,
        drop_blank=False,
    )
    return _validate(raw, spec, source=source, known_codes=known_codes, county_codes=county_codes)


# ------------------------------------------------------------------------ reading


@attrs.frozen
class _Counting:
    """Row numbers ``first``, ``first + 1``, … of ``count`` records: what
    ``np.arange(first, first + count)`` holds, without making it: row numbers are read
    for problems and blank lines only, and a national dataset's visits would take 12 MB."""

    first: int
    count: int

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, at: Any) -> Any:
        """The row numbers at positions ``at`` (an integer, integers or a mask)."""
        if isinstance(at, np.ndarray) and at.dtype == bool:
            at = np.flatnonzero(at)
        if np.any((np.asarray(at) < 0) | (np.asarray(at) >= self.count)):
            raise IndexError(f"record {at} of {self.count}")
        return np.asarray(at, dtype=np.int64) + self.first if np.ndim(at) else at + self.first


if TYPE_CHECKING:  # NumPy loads on first use, not when this module is imported
    #: The row number a person sees, per record.
    _Rows = np.ndarray | _Counting


@attrs.define
class _Raw:
    """Cells as read, before validation: positional columns and header texts."""

    frame: pd.DataFrame
    header: list[str]
    rows: _Rows  # the row number a person sees, per record
    header_row: int | None  # where header problems point (None: no header row)
    drop_blank: bool  # skip rows with every cell empty (blank lines in files)


def _unreadable(source: str, message: str, hint: str, row: int | None = None) -> DudaoError:
    return DudaoError(Problem(message, source=source, row=row, hint=hint, code="unreadable-file"))


def _header_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip().lstrip("\ufeff")


def _read_bytes(path: str | os.PathLike[str] | IO[str] | IO[bytes], source: str) -> bytes:
    try:
        if isinstance(path, str | os.PathLike):
            return Path(path).read_bytes()
        data = path.read()
    except FileNotFoundError:
        raise _unreadable(source, "找不到文件", "检查文件路径和文件名") from None
    except IsADirectoryError:
        raise _unreadable(source, "这是一个目录，不是文件", "请给出表格文件的路径") from None
    except OSError as exc:
        raise _unreadable(source, f"无法读取文件：{exc.strerror or exc}", "检查文件权限") from None
    return data.encode("utf-8") if isinstance(data, str) else data


_ENCODING_HINT = "请将文件另存为 UTF-8 编码（Excel：另存为 →“CSV UTF-8（逗号分隔）”）"


def _read_csv(path: str | os.PathLike[str] | IO[str] | IO[bytes], source: str, sep: str) -> _Raw:
    data = _read_bytes(path, source)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if not data.strip():
        raise _unreadable(source, "文件为空", "第一行应为表头，其后每行一条记录")
    frame = _read_csv_arrow(data, sep)
    if frame is None:  # no pyarrow, or a file it rejects: the pandas parser reports exactly
        frame = _read_csv_pandas(data, sep, source)
    header = [_header_text(h) for h in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    rows = _Counting(2, len(body))
    return _Raw(body, header, rows, header_row=1, drop_blank=True)


def _read_csv_arrow(data: bytes, sep: str) -> pd.DataFrame | None:
    """Parse with pyarrow's multi-threaded reader (about 5x the pandas C parser)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    end = data.find(b"\n")
    try:
        first = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    width = len(next(csv.reader([first], delimiter=sep), []))
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        frame = table.to_pandas()
    except (pa.ArrowException, ValueError):
        return None
    return frame.set_axis(range(width), axis=1)


def _read_csv_pandas(data: bytes, sep: str, source: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,  # "NA", "null" stay text; only empty cells are missing
            skip_blank_lines=False,  # keep row numbers equal to line numbers
            encoding="utf-8",
            engine="c",
        )
    except UnicodeDecodeError:
        raise _unreadable(source, "文件不是 UTF-8 编码", _ENCODING_HINT) from None
    except pd.errors.EmptyDataError:
        raise _unreadable(source, "文件为空", "第一行应为表头，其后每行一条记录") from None
    except (pd.errors.ParserError, ValueError) as exc:
        text = str(exc)
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
        if found:
            want, line, saw = found.groups()
            raise _unreadable(
                source,
                f"该行有 {saw} 个字段，而表头只有 {want} 列",
                "检查该行是否多了逗号；含逗号的内容须用英文双引号括起",
                row=int(line),
            ) from None
        raise _unreadable(
            source, f"无法解析 CSV：{text}", "检查引号是否成对、分隔符是否一致"
        ) from None
    return frame.set_axis(range(frame.shape[1]), axis=1)


def _require(module: str, what: str, extra: str, source: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        raise DudaoError(
            Problem(
                f"读取{what}需要安装 {module.split('.')[0]}",
                source=source,
                code="missing-dependency",
                hint=f"pip install 'dudao[{extra}]'",
            )
        ) from None


def _read_excel(path: str | os.PathLike[str] | IO[str] | IO[bytes], source: str) -> _Raw:
    _require("openpyxl", " Excel 文件", "excel", source)
    data = _read_bytes(path, source)
    try:
        frame = pd.read_excel(
            io.BytesIO(data),
            sheet_name=0,
            header=None,
            dtype=str,
            keep_default_na=False,
            engine="openpyxl",
        )
    except Exception as exc:  # openpyxl and zipfile raise many kinds; all mean "not readable"
        raise _unreadable(
            source,
            f"无法读取 Excel 文件：{exc}",
            "确认文件是 .xlsx 格式且未损坏、未加密；旧版 .xls 请另存为 .xlsx",
        ) from None
    if frame.shape[0] == 0:
        raise _unreadable(source, "第一个工作表为空", "第一行应为表头，其后每行一条记录")
    frame = frame.set_axis(range(frame.shape[1]), axis=1)
    header = [_header_text(h) for h in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    rows = _Counting(2, len(body))
    return _Raw(body, header, rows, header_row=1, drop_blank=True)


#: Parquet files being decoded ahead (:func:`reading_ahead`), per calling thread.
_AHEAD = threading.local()


@contextlib.contextmanager
def reading_ahead(paths: Iterable[Path]) -> Iterator[None]:
    """Decode the Parquet files among ``paths``, in order, on a background thread while
    the caller goes on; :func:`load_table` of one of them inside the block takes its
    decoded table instead of reading the file. pyarrow decodes without holding the
    GIL, so a dataset's tables decode while Python builds its hierarchy (a national
    dataset loads about a third of a second sooner on two cores). A file that fails
    to decode ahead is read again in the usual way, which reports the problem.
    """
    parquet = [p for p in paths if p.suffix.lower() == ".parquet"]
    try:
        import pyarrow.parquet  # noqa: F401  (without it load_table reports the missing extra)
    except ImportError:
        parquet = []
    if not parquet:
        yield
        return
    ahead: dict[str, Future[list[Any]]] = getattr(_AHEAD, "futures", {})
    with ThreadPoolExecutor(1, thread_name_prefix="dudao-parquet") as pool:
        mine = {str(p): pool.submit(_decode_parquet, p) for p in parquet if str(p) not in ahead}
        _AHEAD.futures = {**ahead, **mine}
        try:
            yield
        finally:
            _AHEAD.futures = ahead
            for future in mine.values():
                future.cancel()


def _decode_parquet(path: Path) -> list[Any]:
    """The decoded table, in a list :func:`_decoded_ahead` empties: the table is then
    let go as soon as it is converted, not held until every table has been read."""
    import pyarrow.parquet as pq

    # the file's reader, not read_table: the same table without pyarrow's dataset layer,
    # whose import and per-call set-up (a fifth of a second at first) would hold the GIL
    # against the caller's thread; on one thread, since this one already runs beside the
    # caller's: pyarrow's own threads took both cores from it (a national check ~2% sooner)
    return [pq.ParquetFile(io.BytesIO(path.read_bytes())).read(use_threads=False)]


def _decoded_ahead(path: str | os.PathLike[str] | IO[str] | IO[bytes]) -> Any:
    """The table :func:`reading_ahead` decoded from ``path``, or None."""
    if not isinstance(path, str | os.PathLike):
        return None
    future = getattr(_AHEAD, "futures", {}).get(str(path))
    if future is None or future.cancelled():
        return None
    try:
        box = future.result()
    except Exception:  # read again below: that reports it as for any file
        return None
    return box.pop() if box else None  # taken once; a second read reads the file


def _read_parquet(path: str | os.PathLike[str] | IO[str] | IO[bytes], source: str) -> _Raw:
    _require("pyarrow.parquet", " Parquet 文件", "parquet", source)
    import pyarrow.parquet as pq

    table = _decoded_ahead(path)
    data = _read_bytes(path, source) if table is None else b""
    try:
        if table is None:
            table = pq.read_table(io.BytesIO(data))
        # pandas stores an unnamed non-default index as a column: it is not data.
        table = table.drop_columns(
            [n for n in table.column_names if re.fullmatch(r"__index_level_\d+__", n)]
        )
        header = [str(n) for n in table.column_names]
        # Positional names let duplicate headers survive the conversion; without the
        # pandas metadata (which names the old columns) every column converts plainly.
        table = table.rename_columns([f"c{i}" for i in range(len(header))])
        columns = {i: _dictionary_column(table.column(i)) for i in range(len(header))}
        rest = [f"c{i}" for i, c in columns.items() if c is None]
        plain = table.select(rest).replace_schema_metadata(None).to_pandas(date_as_object=False)
        frame = pd.DataFrame(
            {i: plain[f"c{i}"] if c is None else c for i, c in columns.items()},
            index=pd.RangeIndex(table.num_rows),
        )
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise _unreadable(
            source, f"无法读取 Parquet 文件：{exc}", "确认文件是完整的 Parquet 文件"
        ) from None
    return _Raw(frame, header, _Counting(1, len(frame)), header_row=None, drop_blank=False)


def _dictionary_column(column: Any) -> pd.Categorical | None:
    """A dictionary-encoded text column (how pandas writes categories) as a Categorical,
    built from its indices and dictionary: pyarrow's own conversion takes several times
    longer on a dictionary of half a million school codes. None for any other column
    (and for dictionaries this does not handle), which pyarrow then converts."""
    import pyarrow as pa

    if not pa.types.is_dictionary(column.type) or not (
        pa.types.is_string(column.type.value_type)
        or pa.types.is_large_string(column.type.value_type)
    ):
        return None
    chunks = column.chunks
    if not chunks:
        return None
    dictionary = chunks[0].dictionary
    if dictionary.null_count or any(not c.dictionary.equals(dictionary) for c in chunks[1:]):
        return None
    # the indices' own integer type: pandas keeps codes in the smallest type that holds
    # the categories (int32 for half a million), so int64 codes were a copy it narrowed again
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in chunks])
    try:
        categories = pd.Index(dictionary.to_pandas(), dtype=string_dtype())
        if _strictly_increasing(dictionary) and hasattr(pd.CategoricalDtype, "_from_fastpath"):
            # sorted without repeats, so distinct: pandas' own check would hash them all
            dtype = pd.CategoricalDtype._from_fastpath(categories, False)
        else:
            dtype = pd.CategoricalDtype(categories)
        return pd.Categorical.from_codes(codes, dtype=dtype)
    except ValueError:  # repeated dictionary values: leave it to pyarrow
        return None


def _strictly_increasing(values: Any) -> bool:
    """Whether a pyarrow text array is sorted with no value repeated (so all distinct),
    in one vectorised comparison of neighbours; False when that cannot be told."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) < 2:
        return True
    if values.null_count or values.type not in (pa.string(), pa.large_string()):
        return False
    return bool(pc.all(pc.greater(values[1:], values[:-1])).as_py())


# ---------------------------------------------------------------------- cells


def _as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (NaN where missing), whatever their dtype."""
    if pd.api.types.is_float_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(v)
        if (np.floor(v[finite]) == v[finite]).all() and (np.abs(v[finite]) < _MAX_EXACT_INT).all():
            s = s.astype("Int64")  # 450103.0 from a numeric column means "450103"
    text = s.astype(string_dtype())
    if np.dtype(object) == string_dtype():
        return text.where(s.notna()).str.strip()
    if _nothing_to_strip(text):  # as most are: a copy of every text would change nothing
        return text
    return text.str.strip()


def _nothing_to_strip(text: pd.Series) -> bool:
    """Whether no text of an Arrow-backed column begins or ends with whitespace, told from
    each text's first and last bytes without the copy of every text that ``str.strip``
    (pyarrow's ``utf8_trim_whitespace``) makes; False when it cannot be told.

    Unicode's whitespace (what ``str.isspace`` and the trim take: tab to carriage return,
    U+001C–U+001F, space, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
    U+205F, U+3000) lies within what is looked for: an ASCII byte up to space, or a
    character whose UTF-8 lead byte is 0xC2 (U+0080–U+00BF) or 0xE1–0xE3
    (U+1000–U+3FFF). Finding one, the caller strips as before."""
    if getattr(text.dtype, "storage", None) != "pyarrow":
        return False
    try:
        import pyarrow as pa

        values = pa.array(text.array)  # the column's own Arrow data, not a copy
    except (ImportError, TypeError, ValueError):
        return False
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if chunk.type == pa.large_string():
            width: Any = np.int64
        elif chunk.type == pa.string():
            width = np.int32
        else:
            return False
        _, offsets, data = chunk.buffers()
        if len(chunk) == 0 or data is None:
            continue  # no text at all
        bounds = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        byte = np.frombuffer(data, dtype=np.uint8)
        used = byte[bounds[0] : bounds[-1]]
        if not len(used) or (used.min() > 0x20 and used.max() < 0x80):
            continue  # printable ASCII alone (ids, codes): no whitespace anywhere
        # a block of texts at a time: the arrays made to look stay small and are reused
        for lo in range(0, len(bounds) - 1, 1 << 16):
            if not _nothing_to_strip_in(byte, bounds[lo : lo + (1 << 16) + 1]):
                return False
    return True


def _nothing_to_strip_in(byte: np.ndarray, bounds: np.ndarray) -> bool:
    """:func:`_nothing_to_strip` of the texts between consecutive ``bounds`` in ``byte``."""
    starts, ends = bounds[:-1].astype(np.int64), bounds[1:].astype(np.int64)
    size = ends - starts
    if not (some := size > 0).all():  # empty texts (and missing ones) have no bytes
        starts, ends, size = starts[some], ends[some], size[some]
    first, last = byte[starts], byte[ends - 1]
    if (first <= 0x20).any() or (last <= 0x20).any():
        return False
    if ((first == 0xC2) | ((first >= 0xE1) & (first <= 0xE3))).any():
        return False
    if (byte[ends[size >= 2] - 2] == 0xC2).any():  # the last character's lead byte
        return False
    lead = byte[ends[size >= 3] - 3]
    return not ((lead >= 0xE1) & (lead <= 0xE3)).any()
    return True


@attrs.define
class _Cells:
    """A column's cells factorised: checks and parsing run once per distinct value."""

    codes: np.ndarray  # index into ``text`` per row; -1 where missing
    text: pd.Series  # stripped text of each distinct value (never empty)

    @classmethod
    def of(cls, s: pd.Series, text: pd.Series | None = None) -> _Cells:
        """``text``: the categories' text, where the caller has it already (categorical)."""
        if isinstance(s.dtype, pd.CategoricalDtype):
            # already factorised (Parquet dictionary columns): use its codes, not the rows
            codes, uniques = np.asarray(s.cat.codes, dtype=np.intp), s.cat.categories
        else:
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if text is None:
            text = _as_text(pd.Series(uniques)).reset_index(drop=True)
        empty = (text.isna() | (text == "")).to_numpy()
        if empty.any():  # blank or whitespace-only cells are missing values
            codes = np.where((codes >= 0) & empty[np.maximum(codes, 0)], -1, codes)
        return cls(np.asarray(codes, dtype=np.intp), text)

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def per_row(self, per_unique: np.ndarray, fill: Any) -> np.ndarray:
        """Spread a per-distinct-value array to rows, ``fill`` where missing."""
        if len(per_unique) == 0:
            return np.full(len(self.codes), fill, dtype=per_unique.dtype)
        out = per_unique[np.maximum(self.codes, 0)]
        if self.missing.any():
            out = out.copy()
            out[self.missing] = fill
        return cast(np.ndarray, out)

    def text_at(self, position: int) -> str:
        code = self.codes[position]
        return "" if code < 0 else str(self.text.iloc[code])


@attrs.define
class _Parsed:
    """One column after parsing: values (where not missing or bad) and masks."""

    values: Any  # array-like of the result dtype (before missing/default handling)
    missing: np.ndarray
    bad: np.ndarray  # present but not parseable (bad-int, bad-date, ...)
    text_at: Callable[[int], str]
    numbers: np.ndarray | None = None  # the numbers, for range checks (ints as they are)


def _parse_str(s: pd.Series) -> _Parsed:
    text = _as_text(s)
    missing = (text.isna() | (text == "")).to_numpy()
    values = text.where(~missing) if missing.any() else text
    return _Parsed(
        values.reset_index(drop=True),
        missing,
        np.zeros(len(s), dtype=bool),
        lambda i: "" if missing[i] else str(text.iloc[i]),
    )


def _parse_code(s: pd.Series) -> _Parsed:
    """Text stored as categories, built from the factorisation the checks use anyway."""
    known = None
    if isinstance(s.dtype, pd.CategoricalDtype):
        known = _as_text(pd.Series(s.cat.categories)).reset_index(drop=True)
        if _kept_as_is(s.cat.categories, known):
            # only the rows without a value are looked for, in the column's own codes
            # (not widened to a copy of them per row, as factorising them would)
            codes = s.array.codes
            return _Parsed(
                s.array,
                codes < 0,
                np.zeros(len(s), dtype=bool),
                lambda i: "" if codes[i] < 0 else str(known.iloc[codes[i]]),
            )
    cells = _Cells.of(s, known)
    text = cells.text.where(cells.text != "")
    # values that differ only in surrounding spaces are one category
    inner, categories = pd.factorize(text, sort=True, use_na_sentinel=True)
    if len(inner):
        codes = np.where(cells.codes >= 0, inner[np.maximum(cells.codes, 0)], -1)
    else:  # every cell missing
        codes = np.full(len(cells.codes), -1, dtype=np.intp)
    values = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=string_dtype()))
    return _Parsed(values, codes < 0, np.zeros(len(s), dtype=bool), cells.text_at)


def _kept_as_is(categories: pd.Index, text: pd.Series) -> bool:
    """Whether categories already are what :func:`_parse_code` would make of them: text,
    sorted, none blank or with surrounding spaces (a Parquet file pandas wrote from a
    loaded table). The factorisation below would then change nothing, at the cost of
    sorting half a million school codes."""
    return (
        categories.dtype == string_dtype()
        and bool(text.notna().all() and (text != "").all())
        and text.reset_index(drop=True).equals(pd.Series(categories))
        and _sorted(categories)
    )


def _sorted(categories: pd.Index) -> bool:
    """``categories.is_monotonic_increasing`` (categories never repeat), compared by
    pyarrow where the text is pyarrow's: pandas would box half a million strings."""
    try:
        import pyarrow as pa

        if _strictly_increasing(pa.array(categories.array)):
            return True
    except (ImportError, TypeError, ValueError):
        pass
    return bool(categories.is_monotonic_increasing)


def _parse_int(s: pd.Series) -> _Parsed:
    if pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy()
        values = s.to_numpy(dtype=np.int64, na_value=0)
        return _Parsed(values, missing, np.zeros(len(s), bool), lambda i: str(s.iloc[i]), values)
    cells = _Cells.of(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        numbers = np.full(len(cells.text), np.nan)
    else:
        numbers = pd.to_numeric(cells.text.astype(object), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(numbers) & (np.floor(numbers) == numbers)
        ok &= np.abs(numbers) < _MAX_EXACT_INT
    values_u = np.where(ok, numbers, 0).astype(np.int64)
    bad = cells.per_row(~ok, False)
    values = cells.per_row(values_u, 0)
    return _Parsed(values, cells.missing, bad, cells.text_at, values)


def _parse_float(s: pd.Series) -> _Parsed:
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        bad = np.isinf(values)
        return _Parsed(values, missing, bad, lambda i: str(s.iloc[i]), values)
    cells = _Cells.of(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        numbers = np.full(len(cells.text), np.nan)
    else:
        numbers = pd.to_numeric(cells.text.astype(object), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    ok = np.isfinite(numbers)
    values = cells.per_row(np.where(ok, numbers, np.nan), np.nan)
    return _Parsed(values, cells.missing, cells.per_row(~ok, False), cells.text_at, values)


# YYYY-MM-DD, also with / or . and Excel's " 00:00:00"; 2021年9月1日.
_DATE_RE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|(\d{4})年(\d{1,2})月(\d{1,2})日"
)


def _parse_date(s: pd.Series) -> _Parsed:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        dt = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        # to the day by integer division (it floors, as normalize does, before 1970 too):
        # pandas' normalize takes several times as long on a million visits
        ticks = np.asarray(dt.to_numpy())
        missing = np.isnat(ticks)
        # to seconds in place: a second array of the column's size is not needed
        seconds = day_numbers(ticks)
        np.multiply(seconds, 86_400, out=seconds, where=~missing)
        seconds[missing] = np.iinfo(np.int64).min  # NaT
        values = seconds.view(_DATE_DTYPE)
        early = ~missing & (values < np.datetime64(EARLIEST_DATE, "s"))
        return _Parsed(values, missing, early, lambda i: str(s.iloc[i])[:10])
    cells = _Cells.of(s)
    parts = cells.text.astype(object).str.fullmatch(_DATE_RE.pattern)
    groups = cells.text.astype(object).str.extract(_DATE_RE.pattern)
    year = groups[0].fillna(groups[3])
    month = groups[1].fillna(groups[4])
    day = groups[2].fillna(groups[5])
    iso = (year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)).where(parts.fillna(False))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    values_u = parsed.astype(_DATE_DTYPE).to_numpy() if len(parsed) else np.array([], _DATE_DTYPE)
    ok = ~np.isnat(values_u) & (
        values_u >= np.datetime64(EARLIEST_DATE, "s")
    )  # 0001-01-01: a slip, not a date
    values = cells.per_row(values_u, np.datetime64("NaT", "s"))
    return _Parsed(values, cells.missing, cells.per_row(~ok, False), cells.text_at)


def _parse_enum(s: pd.Series, enum: type[LabelledEnum]) -> _Parsed:
    categories = [m.value for m in enum]
    if isinstance(s.dtype, pd.CategoricalDtype) and _enum_as_is(s.cat.categories, categories):
        # already what parsing makes (a Parquet file pandas wrote from a loaded table):
        # every category a value, none missing; only the rows without one are looked for
        codes = s.array.codes
        return _Parsed(
            s.array,
            codes < 0,
            np.zeros(len(s), dtype=bool),
            lambda i: "" if codes[i] < 0 else str(categories[codes[i]]),
        )
    spellings = {m.value: i for i, m in enumerate(enum)} | {m.label: i for i, m in enumerate(enum)}
    cells = _Cells.of(s)
    index_u = cells.text.map(spellings).to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(index_u)
    codes = cells.per_row(np.where(ok, index_u, -1).astype(np.int64), -1)
    values = pd.Categorical.from_codes(codes, categories=categories)
    return _Parsed(values, cells.missing, cells.per_row(~ok, False), cells.text_at)


def _enum_as_is(categories: pd.Index, values: list[str]) -> bool:
    """Whether a categorical column's categories are the enum's values, in its order, as
    text: parsing would give the column back unchanged."""
    return (
        len(categories) == len(values)
        and categories.dtype == string_dtype()
        and categories.tolist() == values
    )


_BOOLS = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False}
_BOOLS |= {"通过": True, "未通过": False, "yes": True, "no": False}


def _parse_bool(s: pd.Series) -> _Parsed:
    if pd.api.types.is_bool_dtype(s.dtype):
        values = s.to_numpy(dtype=bool, na_value=False)
        missing = s.isna().to_numpy()
        return _Parsed(values, missing, np.zeros(len(s), bool), lambda i: str(s.iloc[i]))
    cells = _Cells.of(s)
    found = cells.text.str.lower().map(_BOOLS)
    ok = found.notna().to_numpy()
    values_u = np.array([v is True for v in found], dtype=bool)  # one per distinct value
    values = cells.per_row(values_u, False)
    return _Parsed(values, cells.missing, cells.per_row(~ok, False), cells.text_at)


# ---------------------------------------------------------------------- validation


_BAD_CODES = {"int": "bad-int", "float": "bad-float", "date": "bad-date", "enum": "bad-enum"}
_BAD_CODES["bool"] = "bad-bool"


def _bad_value(column: Column, value: str) -> tuple[str, str]:
    """Message and hint for a cell that does not parse as the column's type."""
    if column.type == "int":
        return (
            f"{column.label} '{value}' 不是整数",
            "请填写不带小数、千位分隔符和单位的整数，如 1850",
        )
    if column.type == "float":
        return f"{column.label} '{value}' 不是数值", "请填写数值，如 24 或 12.5"
    if column.type == "date":
        found = _DATE_RE.match(value)
        ymd = [int(g) for g in found.groups() if g is not None][:3] if found else []
        reason = date_reason(*ymd) if ymd else None
        if reason is not None:  # shaped like a date: say what is wrong with it
            return (
                f"{column.label} '{value}' 不是实际的日期：{reason}",
                "请填写实际的日期，按 YYYY-MM-DD，如 2021-09-01",
            )
        return (
            f"{column.label} '{value}' 不是有效日期",
            "请按 YYYY-MM-DD 填写，如 2021-09-01",
        )
    if column.type == "bool":
        return f"{column.label} '{value}' 不是“是/否”", "请填写 是/否、通过/未通过 或 true/false"
    assert column.enum is not None
    choices = "、".join(f"{m.label}（{m.value}）" for m in column.enum)
    return f"{column.label} '{value}' 不是有效的取值", f"可选：{choices}"


class _Report:
    """Collects problems, spelling out at most ``MAX_REPORTED`` per (code, column)."""

    def __init__(self, source: str, rows: _Rows) -> None:
        self.source = source
        self.rows = rows
        self.problems: list[Problem] = []

    def add(self, message: str, *, code: str, path: tuple[str, ...] = (), **where: Any) -> None:
        self.problems.append(Problem(message, path=path, source=self.source, code=code, **where))

    def cells(
        self,
        mask: np.ndarray,
        column: Column,
        code: str,
        describe: Callable[[int], tuple[str, str]],
    ) -> None:
        """One problem per row in ``mask``; ``describe(position)`` → (message, hint)."""
        positions = np.flatnonzero(mask)
        hint = ""
        for position in positions[:MAX_REPORTED]:
            message, hint = describe(int(position))
            self.add(
                message, code=code, path=(column.name,), row=int(self.rows[position]), hint=hint
            )
        self.more(len(positions), column, code, hint)

    def more(self, count: int, column: Column, code: str, hint: str) -> None:
        if count > MAX_REPORTED:
            self.add(
                f"{column.label}（{column.name}）另有 {count - MAX_REPORTED} 处同类问题",
                code=code,
                path=(column.name,),
                hint=hint,
            )

    def groups(
        self,
        mask: np.ndarray,
        values: pd.Series,
        column: Column,
        code: str,
        describe: Callable[[str, np.ndarray], tuple[str, str, int]],
    ) -> None:
        """One problem per distinct value among the rows in ``mask``, in order of first
        appearance; ``describe(value, rows)`` → (message, hint, row to point at)."""
        positions = np.flatnonzero(mask)
        if len(positions) == 0:
            return
        group, distinct = pd.factorize(values.iloc[positions], sort=False)
        hint = ""
        for k in range(min(len(distinct), MAX_REPORTED)):
            rows = self.rows[positions[group == k]]
            message, hint, row = describe(str(distinct[k]), rows)
            self.add(message, code=code, path=(column.name,), row=row, hint=hint)
        self.more(len(distinct), column, code, hint)


def _row_list(rows: np.ndarray, limit: int = 10) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第 {shown} 行" + (f" 等 {len(rows)} 行" if len(rows) > limit else "")


def _map_header(raw: _Raw, spec: TableSpec, report: _Report) -> dict[str, int]:
    """Spec column name → position in the raw frame; header problems to ``report``."""
    aliases = spec.aliases()
    found: dict[str, int] = {}
    where: dict[str, Any] = {"row": raw.header_row}
    for position, header in enumerate(raw.header):
        name = aliases.get(header)
        if name is None:
            if header == "":
                if len(raw.frame) == 0 or _Cells.of(raw.frame[position]).missing.all():
                    continue  # a trailing separator: an empty, unnamed column
                report.add(
                    f"第 {position + 1} 列有数据但没有表头",
                    code="unknown-column",
                    hint=f"补上列名或删除该列；{spec.describe_headers()}",
                    **where,
                )
                continue
            candidates = list(aliases)
            close = difflib.get_close_matches(header, candidates, n=1, cutoff=0.6)
            if close:
                column = spec[aliases[close[0]]]
                hint = f"是否是 '{close[0]}'（{column.name}，{column.label_zh}）？"
            else:
                hint = f"删除该列或改为已知列名；{spec.describe_headers()}"
            report.add(
                f"未知的列 '{header}'", code="unknown-column", path=(header,), hint=hint, **where
            )
        elif name in found:
            first = raw.header[found[name]]
            report.add(
                f"列 {name}（{spec[name].label_zh}）出现了两次：'{first}' 和 '{header}'",
                code="duplicate-column",
                path=(name,),
                hint="只保留其中一列",
                **where,
            )
        else:
            found[name] = position
    for column in spec.columns:
        if column.required and column.name not in found:
            report.add(
                f"缺少必填列 {column.name}（{column.label_zh}）",
                code="missing-column",
                path=(column.name,),
                hint=f"表头可用英文或中文列名；{spec.describe_headers()}",
                **where,
            )
    return found


def _parse(column: Column, s: pd.Series) -> _Parsed:
    if column.type == "str":
        return _parse_code(s) if column.categorical else _parse_str(s)
    if column.type == "int":
        return _parse_int(s)
    if column.type == "float":
        return _parse_float(s)
    if column.type == "date":
        return _parse_date(s)
    if column.type == "bool":
        return _parse_bool(s)
    assert column.enum is not None
    return _parse_enum(s, column.enum)


def _validate(
    raw: _Raw,
    spec: TableSpec,
    *,
    source: str,
    known_codes: Collection[str] | None,
    county_codes: Collection[str] | None,
) -> pd.DataFrame:
    report = _Report(source, raw.rows)
    found = _map_header(raw, spec, report)
    parsed = {name: _parse(spec[name], raw.frame[pos]) for name, pos in found.items()}

    if raw.drop_blank and parsed:
        blank = np.logical_and.reduce([p.missing for p in parsed.values()])
        if blank.any():  # blank lines are not records: drop them, keep the row numbers
            keep = ~blank
            frame = raw.frame[keep].reset_index(drop=True)
            raw = attrs.evolve(raw, frame=frame, rows=raw.rows[keep], drop_blank=False)
            report.rows = raw.rows
            parsed = {name: _parse(spec[name], frame[pos]) for name, pos in found.items()}

    n = len(raw.rows)
    out: dict[str, Any] = {}
    for column in spec.columns:
        p = parsed.get(column.name)
        if p is None:
            if not column.required:  # an absent required column is already a problem
                out[column.name] = fill_absent(column, n)
            continue
        _check(column, p, report, known_codes=known_codes, county_codes=county_codes)
        if column.not_before in parsed:
            _check_order(column, p, spec[column.not_before], parsed[column.not_before], report)
        out[column.name] = _finish(column, p)

    if report.problems:
        raise DudaoError(report.problems)
    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    frame.attrs[ABSENT_COLUMNS] = tuple(c.name for c in spec.columns if c.name not in parsed)
    return frame


def _check(
    column: Column,
    p: _Parsed,
    report: _Report,
    *,
    known_codes: Collection[str] | None,
    county_codes: Collection[str] | None,
) -> None:
    label = column.label
    if column.required:
        report.cells(
            p.missing,
            column,
            "missing-value",
            lambda i: (f"{label}为空", f"{label}（{column.name}）是必填项，请填写"),
        )
    if column.type in _BAD_CODES:
        report.cells(
            p.bad, column, _BAD_CODES[column.type], lambda i: _bad_value(column, p.text_at(i))
        )
    present = ~p.missing & ~p.bad

    if column.ge is not None and p.numbers is not None:
        with np.errstate(invalid="ignore"):
            low = present & (p.numbers < column.ge)
        ge = f"{column.ge:g}"
        if column.ge == 0:
            code, hint = "negative", "请填写不小于 0 的数"
        else:
            code, hint = "below-minimum", f"请填写不小于 {ge} 的数"
        report.cells(
            low,
            column,
            code,
            lambda i: (
                f"{label}不能为负数：{p.text_at(i)}"
                if column.ge == 0
                else f"{label}不能小于 {ge}：{p.text_at(i)}",
                hint,
            ),
        )

    if column.unique and not _all_distinct(p.values, present):
        values = pd.Series(p.values)
        dup = present & values.duplicated(keep=False).to_numpy()
        report.groups(
            dup,
            values,
            column,
            "duplicate-id",
            lambda v, rows: (
                f"{label} '{v}' 重复出现 {len(rows)} 次：{_row_list(rows)}",
                f"{label}须唯一：删除重复的记录或更正编号",
                int(rows[1]),
            ),
        )

    codes = {"county": county_codes, "jurisdiction": known_codes}.get(column.refers_to or "")
    if column.refers_to and codes is not None:
        values = pd.Series(p.values)
        unknown = present & ~_isin(values, codes)
        level = "县级区划代码" if column.refers_to == "county" else "区划代码"
        report.groups(
            unknown,
            values,
            column,
            "unknown-code",
            lambda v, rows: (
                f"{label} '{v}' 不是已知的{level}（共 {len(rows)} 行：{_row_list(rows)}）",
                "请对照 GB/T 2260 核对代码；开发区等没有国标代码的单位须由提供它的插件登记",
                int(rows[0]),
            ),
        )


def _check_order(column: Column, p: _Parsed, first: Column, q: _Parsed, report: _Report) -> None:
    """Rows where ``column``'s date lies before ``first``'s (a term ending before it began)."""
    both = ~p.missing & ~p.bad & ~q.missing & ~q.bad
    with np.errstate(invalid="ignore"):
        early = both & (np.asarray(p.values) < np.asarray(q.values))
    report.cells(
        early,
        column,
        "date-order",
        lambda i: (
            f"{column.label} {p.text_at(i)} 早于{first.label} {q.text_at(i)}",
            f"{column.label}（{column.name}）不能早于{first.label}（{first.name}）：检查是否写反",
        ),
    )


def _all_distinct(values: Any, present: np.ndarray) -> bool:
    """No value repeats among the present rows (one hash pass; the rows of repeats are
    only looked for when there are some)."""
    values = pd.Series(values)
    if not present.all():
        values = values[present]
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        try:
            import pyarrow as pa

            arrow = pa.array(values.array)
            if _strictly_increasing(arrow):  # ids written in order
                return True
            fixed = fixed_width_bytes(arrow)
            if fixed is not None:  # ids of one form: repeats side by side once sorted as bytes
                ordered = np.sort(fixed, kind="stable")  # stable: fast on runs in order
                return bool((ordered[1:] != ordered[:-1]).all())
        except (ImportError, TypeError, ValueError):
            pass
    return bool(values.is_unique)


def _isin(values: pd.Series, codes: Collection[str]) -> np.ndarray:
    """``values.isin(codes)``, testing each distinct value once (missing: False)."""
    known = codes if isinstance(codes, set | frozenset) else set(codes)
    if isinstance(values.dtype, pd.CategoricalDtype):
        at, distinct = np.asarray(values.cat.codes), values.cat.categories
    else:  # each distinct value once (pandas' isin converts the whole set each time)
        at, distinct = pd.factorize(values, use_na_sentinel=True)
    # as a list: iterating an Arrow-backed index makes a scalar of each value first
    found: np.ndarray = np.array([c in known for c in distinct.tolist()] + [False], bool)[at]
    return found


def _finish(column: Column, p: _Parsed) -> Any:
    """The result column: parsed values with missing cells as NA (or the default)."""
    if column.type == "int":
        values = np.asarray(p.values, dtype=np.int64)
        if column.default is not None:
            return np.where(p.missing, int(column.default), values)
        if column.required:
            return values
        return pd.arrays.IntegerArray(values, p.missing.copy())
    if column.type == "float":
        values = np.asarray(p.values, dtype=float)
        if column.default is not None:
            values = np.where(p.missing, float(column.default), values)
        return values
    if column.type == "bool":
        return pd.arrays.BooleanArray(np.asarray(p.values, dtype=bool), p.missing.copy())
    if column.type == "str" and column.categorical:
        return p.values
    if column.type == "str":
        values = pd.Series(p.values).astype(string_dtype())
        if column.default is not None:
            values = values.fillna(str(column.default))
        return values.array
    return p.values
