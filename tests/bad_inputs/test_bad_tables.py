"""Every table of a dataset, every column, corrupted: one bad cell (or header, or file)
in a copy of the Nanning example must stop ``dudao check`` with exit 2 and name the
file, the row and the column."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.model.tables import TABLES, Column, TableSpec

from .conftest import (
    impossible_dates,
    nanning_example,
    read_csv,
    refused,
    run,
    set_cell,
    write_csv,
)

pytestmark = pytest.mark.regional
pytest.importorskip(
    "dudao_nanning", reason="需要地区插件（仅安装核心时跳过） / needs the regional plugins"
)
EXAMPLE = nanning_example()

#: a programmes table for the example (it has none): one valid record
PROGRAMMES = "unit,programme,stage,passed,date,note\n450102,quality_balanced,self_assessment,是,2022-05-01,\n"
#: the row of the example's supervisions.csv that supervises a government
GOVERNMENT_ROW = next(
    i for i, r in enumerate(read_csv(EXAMPLE / "supervisions.csv"), 1) if r[3] == "government"
)


def _bad_values(spec: TableSpec, column: Column) -> list[tuple[str, str]]:
    """(cell, words the message must contain) for one column, by its type and checks."""
    out: list[tuple[str, str]] = []
    if column.required:
        out.append(("", f"{column.label}为空"))
    if column.type == "int":
        out += [("abc", "不是整数"), ("1.5", "不是整数"), ("12人", "不是整数")]
    if column.type == "float":
        out += [("abc", "不是数值"), ("inf", "不是数值")]
    if column.ge is not None:
        out.append(("-1", "不能"))
    if column.type == "date":  # more shapes of impossible dates: generated below
        out += [
            ("2023-02-30", "2023 年 2 月只有 28 天"),
            ("2023-13-45", "没有 13 月"),
            ("0001-01-01", "早于 1900 年"),
        ]
    if column.type == "enum":
        out.append(("bogus", "不是有效的取值"))
    if column.type == "bool":
        out.append(("也许", "不是“是/否”"))
    if column.refers_to is not None:
        out += [("999999", "不是已知的"), ("450303", "不在数据集范围 450100")]
    if column.unique:
        out.append(("<row 3>", "重复出现"))
    if spec.name == "programmes" and column.name == "unit":
        out += [("999999", "既不是已知的区划代码"), ("450303", "不在数据集范围 450100")]
    if (spec.name, column.name) in {("schools", "zone"), ("inspectors", "zone")}:
        out.append(("NOPE", "不存在的责任区"))
    if (spec.name, column.name) in {("visits", "school_id"), ("supervisions", "target")}:
        out.append(("NOPE", "不存在的学校"))
    if (spec.name, column.name) == ("visits", "inspector_id"):
        out.append(("NOPE", "不存在的督学"))
    return out


CELLS = [
    pytest.param(name, column.name, value, words, id=f"{name}.{column.name}={value or 'blank'}")
    for name, spec in TABLES.items()
    for column in spec.columns
    for value, words in _bad_values(spec, column)
]


def _prepare(dataset: Path, table: str) -> Path:
    path = dataset / f"{table}.csv"
    if table == "programmes":
        path.write_text(PROGRAMMES, encoding="utf-8")
    return path


def _add_column(path: Path, column: str) -> None:
    rows = read_csv(path)
    if column not in rows[0]:
        write_csv(path, [[*r, column if i == 0 else ""] for i, r in enumerate(rows)])


@pytest.mark.parametrize(("table", "column", "value", "words"), CELLS)
def test_a_bad_cell(dataset: Path, table: str, column: str, value: str, words: str) -> None:
    path = _prepare(dataset, table)
    _add_column(path, column)  # optional columns the example leaves out
    row = GOVERNMENT_ROW if (table, column, value) == ("supervisions", "target", "999999") else 2
    if value == "<row 3>":  # the id of the next row: the second one is the duplicate
        set_cell(path, row, column, read_csv(path)[2][read_csv(path)[0].index(column)])
        row = 3
    else:
        set_cell(path, row, column, value)
    refused(run("check", dataset), f"{path} 第{row}行 {column}: ", words)


def test_a_government_target_that_is_no_unit(dataset: Path) -> None:
    path = dataset / "supervisions.csv"
    set_cell(path, GOVERNMENT_ROW, "target", "999999")
    refused(run("check", dataset), f"{path} 第{GOVERNMENT_ROW}行 target: ", "不是已知的区划代码")


DATE_ORDER = [
    ("inspectors", "term_start", "2021-09-01", "term_end", "2020-08-31", "早于任期开始"),
    ("supervisions", "date", "2022-05-10", "report_date", "2022-05-01", "早于日期"),
    ("supervisions", "report_date", "2022-05-10", "published_on", "2022-05-01", "早于督导报告日期"),
]


@pytest.mark.parametrize(("table", "first", "on", "column", "value", "words"), DATE_ORDER)
def test_dates_in_the_wrong_order(
    dataset: Path, table: str, first: str, on: str, column: str, value: str, words: str
) -> None:
    path = dataset / f"{table}.csv"
    for name in (first, column):
        _add_column(path, name)
    set_cell(path, 2, first, on)
    set_cell(path, 2, column, value)
    refused(run("check", dataset), f"{path} 第2行 {column}: ", words)


# ------------------------------------------------------------------- headers and files

HEADERS = [
    pytest.param(name, column.name, id=f"{name}-without-{column.name}")
    for name, spec in TABLES.items()
    for column in spec.columns
    if column.required
]


@pytest.mark.parametrize(("table", "column"), HEADERS)
def test_a_missing_required_column(dataset: Path, table: str, column: str) -> None:
    path = _prepare(dataset, table)
    rows = read_csv(path)
    at = rows[0].index(column)
    write_csv(path, [r[:at] + r[at + 1 :] for r in rows])
    refused(run("check", dataset), f"{path} 第1行 {column}: ", f"缺少必填列 {column}")


@pytest.mark.parametrize("table", list(TABLES))
def test_a_misspelt_and_a_doubled_header(dataset: Path, table: str) -> None:
    path = _prepare(dataset, table)
    rows = read_csv(path)
    rows[0][1] = rows[0][1][:-1] + "x"  # name → namx
    write_csv(path, [[*r, r[0]] for r in rows])
    refused(run("check", dataset), f"{path} 第1行 ", "未知的列", "出现了两次")


FILES = {
    "empty": (b"", "文件为空"),
    "not-utf8": ("学校代码,学校名称\n一,二\n".encode("gbk"), "UTF-8"),
    "binary": (b"\x00\x01\x02PK\x03\x04" * 10, ""),
    "only-header-no-columns": (b"\n\n", "文件为空"),
    "too-many-fields": (None, "个字段"),
}


UNREADABLE = [("schools", kind) for kind in FILES] + [
    (table, kind) for table in TABLES if table != "schools" for kind in ("empty", "not-utf8")
]


@pytest.mark.parametrize(("table", "kind"), UNREADABLE)
def test_an_unreadable_table_file(dataset: Path, table: str, kind: str) -> None:
    path = _prepare(dataset, table)
    content, words = FILES[kind]
    if content is None:  # one row with a cell more than the header (and a quote)
        rows = path.read_text(encoding="utf-8").splitlines()
        rows[1] += ',"extra",more'
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    else:
        path.write_bytes(content)
    refused(run("check", dataset), str(path), words)


def test_a_table_in_two_formats(dataset: Path) -> None:
    (dataset / "zones.tsv").write_text("zone_id\tname\tcounty\n", encoding="utf-8")
    refused(run("check", dataset), str(dataset), "表 zones 有多个文件")


# --------------------------------------------------------- the same in Excel and Parquet

OTHER_FORMATS = [
    pytest.param(table, column, value, words, suffix, id=f"{suffix[1:]}-{table}.{column}={value}")
    for suffix in (".xlsx", ".parquet")
    for table, column, value, words in [
        ("schools", "students", "abc", "不是整数"),
        ("schools", "county", "450303", "不在数据集范围"),
        ("inspectors", "term_start", "2023-02-30", "只有 28 天"),
        ("inspectors", "term_end", "2020-01-01", "早于任期开始"),
        ("visits", "date", "0001-01-01", "早于 1900 年"),
        ("zones", "county", "999999", "不是已知的县级区划代码"),
        ("meetings", "kind", "bogus", "不是有效的取值"),
        ("budgets", "amount", "-5", "不能为负数"),
    ]
]


@pytest.mark.parametrize(("table", "column", "value", "words", "suffix"), OTHER_FORMATS)
def test_a_bad_cell_in_excel_or_parquet(
    dataset: Path, table: str, column: str, value: str, words: str, suffix: str
) -> None:
    csv_path = dataset / f"{table}.csv"
    set_cell(csv_path, 2, column, value)
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    csv_path.unlink()
    path = csv_path.with_suffix(suffix)
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
        row = 2
    else:
        frame.to_parquet(path, index=False)
        row = 1  # Parquet rows are records, counted from 1
    refused(run("check", dataset), f"{path} 第{row}行 {column}: ", words)


@pytest.mark.parametrize(
    ("column", "values", "words"),
    [
        ("term_start", pd.Series(["0001-01-01"], dtype="datetime64[s]"), "早于 1900 年"),
        ("term_end", pd.Series(["2000-01-01"], dtype="datetime64[s]"), "早于任期开始"),
        ("consecutive_terms", pd.Series([0], dtype="Int64"), "不能小于 1"),
        ("training_hours", pd.Series([float("inf")]), "不是数值"),
    ],
    ids=["early-date", "term-order", "below-minimum", "infinite"],
)
def test_a_bad_typed_parquet_cell(
    dataset: Path, column: str, values: pd.Series, words: str
) -> None:
    frame = pd.read_csv(dataset / "inspectors.csv", dtype=str, keep_default_na=False)
    frame = frame.head(1).copy()
    for date in ("term_start", "term_end", "trained_on"):
        frame[date] = pd.to_datetime(frame[date].replace("", None)).astype("datetime64[s]")
    frame[column] = values.to_numpy()
    (dataset / "inspectors.csv").unlink()
    path = dataset / "inspectors.parquet"
    frame.to_parquet(path, index=False)
    refused(run("check", dataset), f"{path} 第1行 {column}: ", words)


# ------------------------------------------------------------------------- generated

DATE_COLUMNS = [(n, c.name) for n, s in TABLES.items() for c in s.columns if c.type == "date"]


@given(where=st.sampled_from(DATE_COLUMNS), value=impossible_dates())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_impossible_date_in_any_date_column(
    dataset: Path, where: tuple[str, str], value: str
) -> None:
    table, column = where
    path = _prepare(dataset, table)
    _add_column(path, column)
    original = path.read_bytes()
    try:
        set_cell(path, 2, column, value)
        refused(run("check", dataset), f"{path} 第2行 {column}: ")
    finally:
        path.write_bytes(original)  # the next example starts from the example again


INT_COLUMNS = [(n, c.name) for n, s in TABLES.items() for c in s.columns if c.type == "int"]
_WHOLE = re.compile(r"[-+]?(\d+(\.0*)?|\d*\.?\d+[eE][-+]?\d+)")


@given(
    where=st.sampled_from(INT_COLUMNS),
    value=st.text(
        st.characters(codec="ascii", categories=["L", "P", "S", "N"]) | st.sampled_from("人年次万"),
        min_size=1,
        max_size=8,
    ).filter(lambda s: s.strip() and not _WHOLE.fullmatch(s.strip())),
)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_non_integer_in_any_integer_column(
    dataset: Path, where: tuple[str, str], value: str
) -> None:
    table, column = where
    path = _prepare(dataset, table)
    _add_column(path, column)
    original = path.read_bytes()
    try:
        set_cell(path, 2, column, value)
        refused(run("check", dataset), f"{path} 第2行 {column}: ")
    finally:
        path.write_bytes(original)
