"""Tests for dudao.io.tables: columnar schools and inspectors tables."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.errors import DudaoError, Problem
from dudao.io import tables as tables_module
from dudao.io.tables import MAX_REPORTED, load_table, reading_ahead, validate_table
from dudao.model.people import AssessmentResult, InspectorKind
from dudao.model.schools import Ownership, Stage
from dudao.model.tables import (
    INSPECTORS,
    SCHOOLS,
    VISITS,
    ZONES,
    Column,
    TableSpec,
    positions_in,
    string_dtype,
)

COUNTIES = {"450103", "450102", "450100-gaoxin", "000123"}
KNOWN = COUNTIES | {"450000", "450100"}

SCHOOLS_CSV = """\
school_id,name,stage,ownership,students,county,township,zone
450103-0001,南宁市第一示范小学,primary,public,1850,450103,450103001,Z1
450103-0002,南宁市第二中学,junior,private,960,450103,,
000123-0001,高新区实验幼儿园,kindergarten,public,0,450100-gaoxin,,Z2
"""

INSPECTORS_CSV = """\
inspector_id,name,kind,appointing,term_start,term_end,consecutive_terms,trained_on,training_hours,zone,assessment_year,assessment
GX-0001,李明,part_time,450103,2021-09-01,2024-08-31,2,2021-08-15,24.5,Z1,2022,excellent
GX-0002,王芳,full_time,450000,2020-01-01,,,,,,,
"""


def codes(values: list[str | None]) -> pd.Categorical:
    """Code columns (county, zone …) load as categories of text."""
    return pd.Series(values, dtype=string_dtype()).astype("category").array


def expected_schools() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_id": pd.array(["450103-0001", "450103-0002", "000123-0001"], string_dtype()),
            "name": pd.array(
                ["南宁市第一示范小学", "南宁市第二中学", "高新区实验幼儿园"], string_dtype()
            ),
            "stage": pd.Categorical(
                ["primary", "junior", "kindergarten"], categories=[m.value for m in Stage]
            ),
            "ownership": pd.Categorical(
                ["public", "private", "public"], categories=[m.value for m in Ownership]
            ),
            "students": np.array([1850, 960, 0], dtype=np.int64),
            "county": codes(["450103", "450103", "450100-gaoxin"]),
            "township": codes(["450103001", None, None]),
            "zone": codes(["Z1", None, "Z2"]),
        }
    )


def expected_inspectors() -> pd.DataFrame:
    def dates(*values: str | None) -> np.ndarray:
        return np.array([v or "NaT" for v in values], dtype="datetime64[s]")

    return pd.DataFrame(
        {
            "inspector_id": pd.array(["GX-0001", "GX-0002"], string_dtype()),
            "name": pd.array(["李明", "王芳"], string_dtype()),
            "kind": pd.Categorical(
                ["part_time", "full_time"], categories=[m.value for m in InspectorKind]
            ),
            "appointing": codes(["450103", "450000"]),
            "term_start": dates("2021-09-01", "2020-01-01"),
            "term_end": dates("2024-08-31", None),
            "consecutive_terms": np.array([2, 1], dtype=np.int64),
            "trained_on": dates("2021-08-15", None),
            "training_hours": np.array([24.5, np.nan]),
            "zone": codes(["Z1", None]),
            "assessment_year": pd.array([2022, None], dtype="Int64"),
            "assessment": pd.Categorical(
                ["excellent", None], categories=[m.value for m in AssessmentResult]
            ),
        }
    )


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(
    excinfo: pytest.ExceptionInfo[DudaoError], code: str | None = None
) -> list[Problem]:
    return [p for p in excinfo.value.problems if code is None or p.code == code]


def only(excinfo: pytest.ExceptionInfo[DudaoError], code: str) -> Problem:
    found = problems_of(excinfo, code)
    assert len(found) == 1, excinfo.value.problems
    return found[0]


def edit_csv(text: str, row: int, column: str, value: str) -> str:
    """``text`` with the cell at (file row, column) replaced; the header is row 1."""
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


@pytest.fixture(params=["pyarrow", "pandas"])
def csv_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with pyarrow's CSV reader and with the pandas fallback parser."""
    if request.param == "pandas":
        monkeypatch.setitem(sys.modules, "pyarrow.csv", None)
    return request.param


# ----------------------------------------------------------------- round trips


def test_csv_round_trip(tmp_path: Path, csv_parser: str) -> None:
    path = write(tmp_path, "schools.csv", SCHOOLS_CSV)
    df = load_table(path, SCHOOLS, county_codes=COUNTIES)
    pd.testing.assert_frame_equal(df, expected_schools())
    df = load_table(write(tmp_path, "i.csv", INSPECTORS_CSV), INSPECTORS, known_codes=KNOWN)
    pd.testing.assert_frame_equal(df, expected_inspectors())


def test_written_by_pandas_round_trip(tmp_path: Path, csv_parser: str) -> None:
    for spec, expected in ((SCHOOLS, expected_schools()), (INSPECTORS, expected_inspectors())):
        path = tmp_path / f"{spec.name}.csv"
        expected.to_csv(path, index=False)
        pd.testing.assert_frame_equal(load_table(path, spec), expected)


def test_xlsx_round_trip(tmp_path: Path) -> None:
    for spec, expected in ((SCHOOLS, expected_schools()), (INSPECTORS, expected_inspectors())):
        path = tmp_path / f"{spec.name}.xlsx"
        expected.to_excel(path, index=False)  # dates become Excel date cells
        pd.testing.assert_frame_equal(load_table(path, spec), expected)


def test_parquet_round_trip(tmp_path: Path) -> None:
    for spec, expected in ((SCHOOLS, expected_schools()), (INSPECTORS, expected_inspectors())):
        path = tmp_path / f"{spec.name}.parquet"
        expected.to_parquet(path, index=False)
        pd.testing.assert_frame_equal(load_table(path, spec, known_codes=KNOWN), expected)
        # Text-only Parquet (every column a string) loads the same.
        path = tmp_path / f"{spec.name}-text.parquet"
        pd.read_csv(io.StringIO(expected.to_csv(index=False)), dtype=str).to_parquet(path)
        pd.testing.assert_frame_equal(load_table(path, spec), expected)


def test_parquet_index_column_is_not_data(tmp_path: Path) -> None:
    expected = expected_schools()
    path = tmp_path / "s.parquet"
    expected.set_axis([10, 20, 30]).to_parquet(path)  # stores __index_level_0__
    pd.testing.assert_frame_equal(load_table(path, SCHOOLS), expected)
    expected.set_index("school_id").to_parquet(path)  # a named index is data
    pd.testing.assert_frame_equal(load_table(path, SCHOOLS), expected)


def test_tsv_and_string_io(tmp_path: Path) -> None:
    tsv = write(tmp_path, "schools.tsv", SCHOOLS_CSV.replace(",", "\t"))
    pd.testing.assert_frame_equal(load_table(tsv, SCHOOLS), expected_schools())
    df = load_table(io.StringIO(SCHOOLS_CSV), SCHOOLS, source="upload.csv")
    pd.testing.assert_frame_equal(df, expected_schools())
    df = load_table(io.BytesIO(SCHOOLS_CSV.encode()), SCHOOLS, source="upload.csv")
    pd.testing.assert_frame_equal(df, expected_schools())


def test_bom_csv(tmp_path: Path, csv_parser: str) -> None:
    path = write(tmp_path, "schools.csv", "\ufeff" + SCHOOLS_CSV)
    pd.testing.assert_frame_equal(load_table(path, SCHOOLS), expected_schools())


def test_chinese_headers_and_labels(tmp_path: Path, csv_parser: str) -> None:
    text = """\
学校代码,学校名称,学段,办学性质,在校生数,县级区划代码,乡镇代码,责任区
450103-0001,南宁市第一示范小学,小学,公办,1850,450103,450103001,Z1
450103-0002,南宁市第二中学,初中,民办,960,450103,,
000123-0001,高新区实验幼儿园,幼儿园,public,0,450100-gaoxin,,Z2
"""
    df = load_table(write(tmp_path, "学校.csv", text), SCHOOLS, county_codes=COUNTIES)
    pd.testing.assert_frame_equal(df, expected_schools())

    header = "督学编号,姓名,类别,聘任单位区划代码,任期开始,任期结束,连任届数,岗前培训日期,年度培训学时,责任区,考核年度,考核结果"
    rows = INSPECTORS_CSV.splitlines()[1:]
    rows[0] = rows[0].replace("part_time", "兼职").replace("excellent", "优秀")
    rows[1] = rows[1].replace("full_time", "专职")
    text = "\n".join([header, *rows]) + "\n"
    df = load_table(write(tmp_path, "督学.csv", text), INSPECTORS, known_codes=KNOWN)
    pd.testing.assert_frame_equal(df, expected_inspectors())


def test_codes_stay_text(tmp_path: Path, csv_parser: str) -> None:
    text = SCHOOLS_CSV.replace("450103001", "000000001")
    df = load_table(write(tmp_path, "s.csv", text), SCHOOLS)
    assert df["school_id"].tolist()[2] == "000123-0001"
    assert df["township"].tolist()[0] == "000000001"


def test_whitespace_is_trimmed_and_blank_cells_are_missing(tmp_path: Path) -> None:
    text = edit_csv(SCHOOLS_CSV, 2, "county", " 450103\u3000")
    text = edit_csv(text, 2, "zone", "   ")
    df = load_table(write(tmp_path, "s.csv", text), SCHOOLS, county_codes=COUNTIES)
    assert df.loc[0, "county"] == "450103"
    assert pd.isna(df.loc[0, "zone"])


def test_dates_in_common_spellings(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "inspector_id": ["a", "b", "c", "d"],
            "name": ["甲", "乙", "丙", "丁"],
            "kind": ["专职"] * 4,
            "appointing": ["450103"] * 4,
            "term_start": ["2021-9-1", "2021/09/01", "2021年9月1日", "2021-09-01 00:00:00"],
        }
    )
    df = validate_table(frame, INSPECTORS, source="t")
    assert (df["term_start"] == pd.Timestamp("2021-09-01")).all()


def test_header_only_gives_empty_typed_table(tmp_path: Path, csv_parser: str) -> None:
    path = write(tmp_path, "s.csv", SCHOOLS_CSV.splitlines()[0] + "\n")
    pd.testing.assert_frame_equal(load_table(path, SCHOOLS), SCHOOLS.empty())
    path = write(tmp_path, "i.csv", INSPECTORS_CSV.splitlines()[0] + "\n")
    pd.testing.assert_frame_equal(load_table(path, INSPECTORS), INSPECTORS.empty())


def test_validate_typed_frame() -> None:
    frame = pd.DataFrame(
        {
            "inspector_id": ["GX-1", "GX-2"],
            "name": ["李明", "王芳"],
            "kind": [InspectorKind.PART_TIME, InspectorKind.FULL_TIME],
            "appointing": [450103, 450000],  # numbers become their decimal text
            "term_start": pd.to_datetime(["2021-09-01", "2020-01-01"]),
            "consecutive_terms": [2, 1],
            "training_hours": [24, 30],
        }
    )
    df = validate_table(frame, INSPECTORS, source="synthetic", known_codes=KNOWN)
    assert df["appointing"].tolist() == ["450103", "450000"]
    assert df["kind"].tolist() == ["part_time", "full_time"]
    # categorical columns differ only in their categories
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        c: str(t) for c, t in INSPECTORS.dtypes().items()
    }
    assert frame["appointing"].tolist() == [450103, 450000]  # input untouched


# -------------------------------------------------------------------- problems


def load_error(tmp_path: Path, text: str, spec: TableSpec = SCHOOLS, name: str = "s.csv"):
    path = write(tmp_path, name, text)
    with pytest.raises(DudaoError) as excinfo:
        load_table(path, spec, county_codes=COUNTIES, known_codes=KNOWN)
    for p in excinfo.value.problems:
        assert p.source == str(path)
        assert p.message and p.hint, p
    return excinfo


def test_missing_column(tmp_path: Path) -> None:
    text = "\n".join(
        ",".join(c for i, c in enumerate(line.split(",")) if i != 4)
        for line in SCHOOLS_CSV.splitlines()
    )
    p = only(load_error(tmp_path, text), "missing-column")
    assert (p.row, p.path) == (1, ("students",))
    assert "school_id（学校代码）" in p.hint and "在校生数" in p.message


def test_unknown_column(tmp_path: Path) -> None:
    p = only(load_error(tmp_path, SCHOOLS_CSV.replace("students", "studnets")), "unknown-column")
    assert (p.row, p.path) == (1, ("studnets",))
    assert "'students'" in p.hint
    p = only(
        load_error(tmp_path, SCHOOLS_CSV.replace("在校生数", "x").replace(",zone", ",zone,备注")),
        "unknown-column",
    )
    assert p.path == ("备注",)


def test_trailing_separator_is_not_a_column(tmp_path: Path, csv_parser: str) -> None:
    text = "\n".join(line + "," for line in SCHOOLS_CSV.splitlines()) + "\n"
    pd.testing.assert_frame_equal(
        load_table(write(tmp_path, "s.csv", text), SCHOOLS), expected_schools()
    )


def test_duplicate_column(tmp_path: Path) -> None:
    lines = SCHOOLS_CSV.splitlines()
    text = "\n".join([lines[0] + ",学校名称", *(line + ",某校" for line in lines[1:])]) + "\n"
    excinfo = load_error(tmp_path, text)
    p = only(excinfo, "duplicate-column")
    assert (p.row, p.path) == (1, ("name",))
    assert "'name'" in p.message and "'学校名称'" in p.message
    assert len(excinfo.value.problems) == 1


@pytest.mark.parametrize(
    ("spec", "row", "column", "value", "code", "in_message"),
    [
        (SCHOOLS, 3, "name", "", "missing-value", "学校名称为空"),
        (SCHOOLS, 3, "stage", "  ", "missing-value", "学段为空"),
        (SCHOOLS, 2, "students", "many", "bad-int", "'many'"),
        (SCHOOLS, 4, "students", "12.5", "bad-int", "'12.5'"),
        (SCHOOLS, 2, "stage", "大学", "bad-enum", "'大学'"),
        (SCHOOLS, 3, "students", "-5", "negative", "-5"),
        (SCHOOLS, 4, "county", "450199", "unknown-code", "'450199'"),
        (INSPECTORS, 2, "training_hours", "abc", "bad-float", "'abc'"),
        (INSPECTORS, 3, "term_start", "2021-13-01", "bad-date", "'2021-13-01'"),
        (INSPECTORS, 2, "trained_on", "2021-02-30", "bad-date", "'2021-02-30'"),
        (INSPECTORS, 2, "consecutive_terms", "0", "below-minimum", "不能小于 1"),
        (INSPECTORS, 3, "assessment", "良好", "bad-enum", "'良好'"),
        (INSPECTORS, 3, "appointing", "999999", "unknown-code", "'999999'"),
        (INSPECTORS, 2, "trained_on", "2021-02-29", "bad-date", "2021 年 2 月只有 28 天"),
        (INSPECTORS, 2, "term_start", "2021-13-45", "bad-date", "没有 13 月"),
        (INSPECTORS, 3, "term_start", "0001-01-01", "bad-date", "早于 1900 年"),
        (INSPECTORS, 2, "trained_on", "2021年4月31日", "bad-date", "2021 年 4 月只有 30 天"),
        (INSPECTORS, 2, "term_end", "2021-08-31", "date-order", "早于任期开始 2021-09-01"),
    ],
)
def test_cell_problem(
    tmp_path: Path,
    csv_parser: str,
    spec: TableSpec,
    row: int,
    column: str,
    value: str,
    code: str,
    in_message: str,
) -> None:
    base = SCHOOLS_CSV if spec is SCHOOLS else INSPECTORS_CSV
    excinfo = load_error(tmp_path, edit_csv(base, row, column, value), spec)
    p = only(excinfo, code)
    assert (p.row, p.path) == (row, (column,))
    assert in_message in p.message
    assert len(excinfo.value.problems) == 1, excinfo.value.problems


def test_bad_enum_hint_lists_labels(tmp_path: Path) -> None:
    p = only(load_error(tmp_path, edit_csv(SCHOOLS_CSV, 2, "stage", "大学")), "bad-enum")
    assert "小学（primary）" in p.hint and "幼儿园（kindergarten）" in p.hint


def test_duplicate_id(tmp_path: Path) -> None:
    text = edit_csv(SCHOOLS_CSV, 4, "school_id", "450103-0001")
    p = only(load_error(tmp_path, text), "duplicate-id")
    assert (p.row, p.path) == (4, ("school_id",))
    assert "'450103-0001'" in p.message and "第 2、4 行" in p.message


def test_unknown_code_groups_rows_and_is_skipped_without_codes(tmp_path: Path) -> None:
    text = edit_csv(edit_csv(SCHOOLS_CSV, 2, "county", "450199"), 4, "county", "450199")
    p = only(load_error(tmp_path, text), "unknown-code")
    assert (p.row, p.path) == (2, ("county",))
    assert "第 2、4 行" in p.message and "GB/T 2260" in p.hint
    assert len(load_table(write(tmp_path, "ok.csv", text), SCHOOLS)) == 3  # no codes: no check


def test_all_problems_reported(tmp_path: Path) -> None:
    text = edit_csv(SCHOOLS_CSV, 2, "students", "x")
    text = edit_csv(text, 3, "stage", "?")
    text = edit_csv(text, 4, "name", "")
    excinfo = load_error(tmp_path, text.replace("zone", "zones"))
    found = sorted((p.code, p.row, p.path) for p in excinfo.value.problems)
    assert found == [
        ("bad-enum", 3, ("stage",)),
        ("bad-int", 2, ("students",)),
        ("missing-value", 4, ("name",)),
        ("unknown-column", 1, ("zones",)),
    ]


def test_blank_lines_keep_row_numbers(tmp_path: Path, csv_parser: str) -> None:
    lines = SCHOOLS_CSV.splitlines()
    text = "\n".join(
        [
            lines[0],
            lines[1],
            "",
            ",,,,,,,",
            lines[2],
            edit_csv(SCHOOLS_CSV, 4, "students", "-1").splitlines()[3],
            "",
            "",
        ]
    )
    p = only(load_error(tmp_path, text), "negative")
    assert p.row == 6
    df = load_table(write(tmp_path, "ok.csv", text.replace("-1", "0")), SCHOOLS)
    pd.testing.assert_frame_equal(df, expected_schools())


def test_xlsx_problem_rows(tmp_path: Path) -> None:
    frame = expected_schools().astype(object)
    frame.loc[1, "students"] = "许多"
    path = tmp_path / "s.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(DudaoError) as excinfo:
        load_table(path, SCHOOLS)
    p = only(excinfo, "bad-int")
    assert (p.row, p.path, p.source) == (3, ("students",), str(path))


def test_parquet_problem_rows(tmp_path: Path) -> None:
    frame = expected_schools()
    frame.loc[2, "students"] = -7
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    with pytest.raises(DudaoError) as excinfo:
        load_table(path, SCHOOLS)
    p = only(excinfo, "negative")
    assert (p.row, p.path) == (3, ("students",))  # 1-based record index


def test_cap_per_code_and_column(tmp_path: Path) -> None:
    rows = [f"S{i},学校{i},primary,public,{'n/a' if i < 200 else 5},450103" for i in range(250)]
    text = "school_id,name,stage,ownership,students,county\n" + "\n".join(rows) + "\n"
    excinfo = load_error(tmp_path, text)
    bad = problems_of(excinfo, "bad-int")
    assert len(bad) == MAX_REPORTED + 1 == len(excinfo.value.problems)
    assert [p.row for p in bad[:MAX_REPORTED]] == list(range(2, 2 + MAX_REPORTED))
    summary = bad[-1]
    assert summary.row is None and summary.path == ("students",)
    assert "另有 180 处同类问题" in summary.message


def test_cap_applies_to_groups(tmp_path: Path) -> None:
    rows = [f"S{i % 30},学校{i},primary,public,1,450103" for i in range(60)]
    text = "school_id,name,stage,ownership,students,county\n" + "\n".join(rows) + "\n"
    dup = problems_of(load_error(tmp_path, text), "duplicate-id")
    assert len(dup) == MAX_REPORTED + 1
    assert "另有 10 处同类问题" in dup[-1].message


# ---------------------------------------------------------------- unreadable


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DudaoError) as excinfo:
        load_table(tmp_path / "nope.csv", SCHOOLS)
    p = only(excinfo, "unreadable-file")
    assert p.source == str(tmp_path / "nope.csv") and "找不到文件" in p.message


@pytest.mark.parametrize(
    ("name", "content", "in_message"),
    [
        ("gbk.csv", SCHOOLS_CSV.encode("gbk"), "UTF-8"),
        ("empty.csv", b"", "文件为空"),
        ("broken.xlsx", b"not a zip file", "Excel"),
        ("broken.parquet", b"PAR1 garbage", "Parquet"),
        ("schools.xls", b"\xd0\xcf\x11\xe0", "不支持"),
        ("ragged.csv", (SCHOOLS_CSV + "a,b,primary,public,1,450103,x,y,extra\n").encode(), "字段"),
    ],
)
def test_unreadable_file(
    tmp_path: Path, csv_parser: str, name: str, content: bytes, in_message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DudaoError) as excinfo:
        load_table(path, SCHOOLS)
    p = only(excinfo, "unreadable-file")
    assert in_message in p.message and p.hint and p.source == str(path)
    if name == "ragged.csv":
        assert p.row == 5
    if name == "gbk.csv":
        assert "UTF-8" in p.hint


def test_reading_ahead_gives_the_same_tables_and_the_same_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, broken, missing = (tmp_path / f"{n}.parquet" for n in ("s", "broken", "missing"))
    csv = tmp_path / "s.csv"
    csv.write_text(SCHOOLS_CSV, encoding="utf-8")
    load_table(csv, SCHOOLS).to_parquet(good)
    broken.write_bytes(b"PAR1 garbage")
    plain = load_table(good, SCHOOLS)
    with pytest.raises(DudaoError) as before:
        load_table(broken, SCHOOLS)

    decoded: list[str] = []
    decode = tables_module._decode_parquet
    monkeypatch.setattr(
        tables_module, "_decode_parquet", lambda p: decoded.append(p.name) or decode(p)
    )
    with reading_ahead([good, broken, missing, csv]):
        ahead = load_table(good, SCHOOLS)
        with pytest.raises(DudaoError) as inside:
            load_table(broken, SCHOOLS)
        with pytest.raises(DudaoError) as absent:
            load_table(missing, SCHOOLS)
    assert sorted(decoded) == ["broken.parquet", "missing.parquet", "s.parquet"]  # not the CSV
    pd.testing.assert_frame_equal(ahead, plain)
    assert [str(p) for p in inside.value.problems] == [str(p) for p in before.value.problems]
    assert "找不到文件" in only(absent, "unreadable-file").message


def test_short_row_gives_missing_values(tmp_path: Path, csv_parser: str) -> None:
    problems = problems_of(load_error(tmp_path, SCHOOLS_CSV + "S9,学校\n"))
    assert {(p.code, p.row) for p in problems} == {("missing-value", 5)}
    assert [p.path for p in problems] == [("stage",), ("ownership",), ("students",), ("county",)]


@pytest.mark.parametrize(
    ("module", "suffix", "extra"),
    [("openpyxl", ".xlsx", "dudao[excel]"), ("pyarrow.parquet", ".parquet", "dudao[parquet]")],
)
def test_missing_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, suffix: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(DudaoError) as excinfo:
        load_table(tmp_path / f"t{suffix}", SCHOOLS)
    p = only(excinfo, "missing-dependency")
    assert f"pip install '{extra}'" in p.hint


# ------------------------------------------------------------------ properties

_text = (
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=6)
    .map(str.strip)
    .filter(bool)
)
_date = st.dates(
    min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2040-12-31").date()
)


def _opt(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def valid_inspectors(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    ids = draw(st.lists(_text, min_size=n, max_size=n, unique=True))

    def col(strategy: st.SearchStrategy) -> list:
        return draw(st.lists(strategy, min_size=n, max_size=n))

    def dates(values: list) -> np.ndarray:
        return np.array([v or "NaT" for v in values], dtype="datetime64[s]")

    def cat(values: list, enum: type) -> pd.Categorical:
        return pd.Categorical(values, categories=[m.value for m in enum])

    starts = col(_date)
    lasting = col(_opt(st.integers(0, 3650).map(lambda days: dt.timedelta(days=days))))

    return pd.DataFrame(
        {
            "inspector_id": pd.array(ids, string_dtype()),
            "name": pd.array(col(_text), string_dtype()),
            "kind": cat(col(st.sampled_from([m.value for m in InspectorKind])), InspectorKind),
            "appointing": codes(col(st.sampled_from(sorted(KNOWN)))),
            "term_start": dates(starts),
            # a term ends on or after its start (an earlier end is a date-order problem)
            "term_end": dates(
                [None if d is None else s + d for s, d in zip(starts, lasting, strict=True)]
            ),
            "consecutive_terms": np.array(col(st.integers(1, 9)), dtype=np.int64),
            "trained_on": dates(col(_opt(_date))),
            "training_hours": np.array(
                [
                    np.nan if v is None else v
                    for v in col(_opt(st.integers(0, 999).map(lambda x: x / 10)))
                ],
                dtype=float,
            ),
            "zone": codes(col(_opt(_text))),
            "assessment_year": pd.array(col(_opt(st.integers(2000, 2030))), dtype="Int64"),
            "assessment": cat(
                col(_opt(st.sampled_from([m.value for m in AssessmentResult]))), AssessmentResult
            ),
        },
        index=pd.RangeIndex(n),
    )


@given(valid_inspectors())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_valid_frames_load_unchanged(tmp_path: Path, df: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(validate_table(df, INSPECTORS, source="t", known_codes=KNOWN), df)
    path = tmp_path / "inspectors.csv"
    df.to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_table(path, INSPECTORS, known_codes=KNOWN), df)


_school_cell = {
    "school_id": st.sampled_from(["S1", "S2", "S3", "S4", "S5", "", "S1 "]),
    "name": st.sampled_from(["甲校", "乙校", "", " "]),
    "stage": st.sampled_from(["primary", "小学", "初中", "university", ""]),
    "ownership": st.sampled_from(["public", "民办", "state", ""]),
    "students": st.sampled_from(["0", "12", "1850", "-3", "x", "1.5", ""]),
    "county": st.sampled_from(["450103", "000123", "999999", "450100-gaoxin", "", "450199"]),
    "township": st.sampled_from(["", "450103001"]),
    "zone": st.sampled_from(["", "Z1"]),
}
_school_rows = st.lists(st.fixed_dictionaries(_school_cell), min_size=1, max_size=15)
_GROUPED = {"duplicate-id", "unknown-code"}


def _problem_keys(frame: pd.DataFrame, order: list[int]) -> list[tuple]:
    """Problems of ``frame`` permuted by ``order``, with rows mapped back to ``frame``'s."""
    shuffled = frame.iloc[order].reset_index(drop=True)
    try:
        validate_table(shuffled, SCHOOLS, source="t", county_codes=COUNTIES)
    except DudaoError as exc:
        problems = exc.problems
    else:
        return []
    keys = []
    for p in problems:
        if p.code in _GROUPED:  # one problem per value: compare the value and all its rows
            value = re.search(r"'([^']*)'", p.message).group(1)
            rows = re.search(r"第 ([\d、]+) 行", p.message).group(1).split("、")
            keys.append((p.code, p.path, value, sorted(order[int(r) - 1] for r in rows)))
        else:
            keys.append((p.code, p.path, order[p.row - 1]))
    return sorted(keys, key=repr)


@given(_school_rows, st.randoms(use_true_random=False))
@settings(deadline=None)  # the profile decides how many examples
def test_row_order_does_not_change_problems(rows: list[dict], rnd) -> None:
    frame = pd.DataFrame(rows, dtype=object)
    order = list(range(len(frame)))
    shuffled = order[:]
    rnd.shuffle(shuffled)
    assert _problem_keys(frame, order) == _problem_keys(frame, shuffled)


def test_spec_columns() -> None:
    assert SCHOOLS.names == [
        "school_id",
        "name",
        "stage",
        "ownership",
        "students",
        "county",
        "township",
        "zone",
    ]
    assert INSPECTORS.names == [
        "inspector_id",
        "name",
        "kind",
        "appointing",
        "term_start",
        "term_end",
        "consecutive_terms",
        "trained_on",
        "training_hours",
        "zone",
        "assessment_year",
        "assessment",
    ]
    assert SCHOOLS["county"].refers_to == "county"
    assert INSPECTORS["appointing"].refers_to == "jurisdiction"
    assert SCHOOLS.aliases()["在校生数"] == "students"
    with pytest.raises(ValueError, match="enum"):
        Column("x", "enum")


# --------------------------------------------------------------- Parquet categories


@pytest.mark.parametrize("index", ["int8", "int16", "int32", "int64"])
def test_dictionary_columns_convert_whatever_their_indices_type(index: str) -> None:
    pa = pytest.importorskip("pyarrow")
    dictionary = pa.array(["450102", "450103", "450105"])
    chunks = [
        pa.DictionaryArray.from_arrays(pa.array(i, type=getattr(pa, index)()), dictionary)
        for i in ([1, None, 0], [2, 2])
    ]
    column = tables_module._dictionary_column(pa.chunked_array(chunks))
    assert column is not None
    assert column.tolist() == ["450103", np.nan, "450102", "450105", "450105"]
    assert column.codes.tolist() == [1, -1, 0, 2, 2] and column.codes.dtype == np.int8
    assert column.categories.tolist() == ["450102", "450103", "450105"]


def test_parquet_categories_are_cleaned_like_text(tmp_path: Path) -> None:
    # Categories as some other writer left them: unsorted, with spaces, one blank, two
    # spellings of one code. They load as the same text would (and are checked).
    frame = pd.DataFrame(
        {
            "zone_id": ["Z3", "Z1", "Z2", "Z4"],
            "name": ["三", "一", "二", "四"],
            "county": pd.Categorical([" 450103", "450102 ", "450103", "450103"]),
        }
    )
    path = tmp_path / "zones.parquet"
    frame.to_parquet(path)
    zones = load_table(path, ZONES, county_codes=COUNTIES)
    assert zones["county"].tolist() == ["450103", "450102", "450103", "450103"]
    assert zones["county"].cat.categories.tolist() == ["450102", "450103"]
    frame["county"] = pd.Categorical(["450103", "450199", "", "450199"])
    frame.to_parquet(path)
    with pytest.raises(DudaoError) as exc:
        load_table(path, ZONES, county_codes=COUNTIES)
    problems = [(p.code, p.row) for p in exc.value.problems]
    assert problems == [("missing-value", 3), ("unknown-code", 2)]


def test_parquet_categories_already_clean_are_kept(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "school_id": pd.Categorical(["S2", "S1", "S2", None], categories=["S1", "S2"]),
            "inspector_id": pd.Categorical([None, "I1", "I1", "I1"]),
            "date": pd.to_datetime(["2022-09-01", "2022-09-02", "2022-09-02", "2022-10-01"]),
        }
    )
    path = tmp_path / "visits.parquet"
    frame.to_parquet(path)
    with pytest.raises(DudaoError) as exc:  # the missing school is still reported
        load_table(path, VISITS)
    assert [(p.code, p.row) for p in exc.value.problems] == [("missing-value", 4)]
    frame.iloc[:3].to_parquet(path)
    visits = load_table(path, VISITS)
    assert visits["school_id"].tolist() == ["S2", "S1", "S2"]
    assert visits["school_id"].cat.categories.tolist() == ["S1", "S2"]
    assert visits["inspector_id"].isna().tolist() == [True, False, False]
    text = load_table(io.StringIO(frame.iloc[:3].to_csv(index=False)), VISITS, source="v.csv")
    pd.testing.assert_frame_equal(visits, text)


def test_a_repeated_id_is_reported_with_its_rows(tmp_path: Path) -> None:
    frame = pd.DataFrame({"zone_id": ["Z1", "Z2", "Z1"], "name": ["一", "二", "三"]})
    frame["county"] = "450103"
    path = tmp_path / "zones.parquet"
    frame.to_parquet(path)
    with pytest.raises(DudaoError) as exc:
        load_table(path, ZONES)
    (problem,) = exc.value.problems
    assert (problem.code, problem.row) == ("duplicate-id", 3)
    assert "重复出现 2 次：第 1、3 行" in problem.message
    frame["zone_id"] = ["Z1", "Z2", "Z2"]  # in order, the repeat side by side
    frame.to_parquet(path)
    with pytest.raises(DudaoError) as exc:
        load_table(path, ZONES)
    assert [(p.code, p.row) for p in exc.value.problems] == [("duplicate-id", 3)]


def test_positions_in_finds_each_value_once_in_the_ids() -> None:
    ids = pd.Series(["a", "b", "c"], dtype=string_dtype())
    same = pd.Series(pd.Categorical(["c", None, "a"], categories=["a", "b", "c"]))
    assert positions_in(same, ids).tolist() == [2, -1, 0]
    other = pd.Series(pd.Categorical(["x", "b", "c"], categories=["c", "x", "b"]))
    assert positions_in(other, ids).tolist() == [-1, 1, 2]
    assert positions_in(pd.Series(["b", None, "zz"]), ids).tolist() == [1, -1, -1]
    # numbers are not joined to text: 1 is not "1"
    assert positions_in(pd.Series([1, 2]), pd.Series(["1", 2])).tolist() == [-1, 1]


def test_positions_in_a_few_values_among_many_ids() -> None:
    """A handful of values looked up among many more ids (the ids' side is probed, not
    hashed) gives what pandas' indexer gives: the first equal id, -1 for none or missing."""
    rng = np.random.default_rng(7)
    ids = pd.Series(
        [f"s{i:04d}" for i in rng.permutation(400)] + [None, "s0005"], dtype=string_dtype()
    )
    values = pd.Series(["s0005", "zz", None, "s0399", "s0005", "s0000", "", "s0012"] * 3)
    expected = pd.Index(ids.to_numpy(dtype=object)[:-1]).get_indexer(values.to_numpy(dtype=object))
    expected[values.isna().to_numpy()] = -1
    assert positions_in(values, ids).tolist() == expected.tolist()
    codes = pd.Series(
        pd.Categorical(values, categories=["s0399", "zz", "s0005", "s0000", "", "s0012"])
    )
    found = positions_in(codes, ids)
    assert found.tolist() == np.where(codes.isna(), -1, expected).tolist()


#: Texts of a few lengths in bytes: NUL (fixed-width bytes hide a trailing one), a byte
#: past 0x7f, a character of two and one of three bytes.
_TEXTS = st.text(st.sampled_from("ab\x00\x7f\xff镇"), max_size=4)


@given(
    st.lists(_TEXTS, max_size=30),
    st.lists(_TEXTS, max_size=30),
    st.integers(1, 6),
    st.booleans(),
    st.data(),
)
def test_ids_of_one_length_are_matched_as_pyarrows_index_in_matches(
    values: list[str], ids: list[str], size: int, sort: bool, data: st.DataObject
) -> None:
    """The sort-based lookup among ids of one length in bytes finds what index_in finds:
    the first equal id, -1 for none (values of other lengths, duplicated ids, unsorted or
    sorted, chunked or sliced arrays)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dudao.model.tables import _lookup, _lookup_fixed

    ids = [(t.encode()[:size].ljust(size, b"a")).decode("utf-8", "replace") for t in ids]
    ids = [t for t in ids if len(t.encode()) == size]  # a cut character changes the length
    values = list(dict.fromkeys(values + data.draw(st.lists(st.sampled_from(ids or ["x"])))))
    if sort:
        ids, values = sorted(ids), sorted(values)
    cut = data.draw(st.integers(0, 2))
    b = pa.chunked_array([ids[:cut], ids[cut:]], pa.string())
    a = pa.array(["pad", *values], pa.large_string())[1:]  # sliced: an offset
    expected = (
        pc.index_in(a, value_set=b.combine_chunks()).fill_null(-1).to_numpy(zero_copy_only=False)
    )
    found = _lookup_fixed(a, b)
    assert (found is None) == (not ids)
    if found is not None:
        assert found.tolist() == expected.tolist()
    as_index = pd.Index(values, dtype=string_dtype())
    assert _lookup(as_index, pd.Index(ids, dtype=string_dtype())).tolist() == expected.tolist()


@given(st.lists(st.tuples(_TEXTS, st.booleans()), max_size=12), st.booleans())
def test_ids_are_told_distinct_as_pandas_tells_them(
    rows: list[tuple[str, bool]], same_length: bool
) -> None:
    """Ids of one length in bytes, told distinct by sorting them as bytes, are distinct
    exactly when pandas finds them unique (present rows only); other ids as before."""
    values = [t.encode()[:2].ljust(2, b"a").decode("utf-8", "replace") for t, _ in rows]
    if not same_length:
        values = [t for t, _ in rows]
    present = np.array([p for _, p in rows], dtype=bool)
    column = pd.Series(values, dtype=string_dtype())
    expected = column[present].is_unique
    assert tables_module._all_distinct(column.array, present) == expected


def test_ids_of_several_lengths_are_hashed() -> None:
    import pyarrow as pa

    from dudao.model.tables import _lookup_fixed

    assert _lookup_fixed(pa.array(["ab"]), pa.array(["ab", "abc"])) is None
    assert _lookup_fixed(pa.array(["ab"]), pa.array(["ab", None])) is None
    assert _lookup_fixed(pa.array(["", "ab", None]), pa.array(["ab"])).tolist() == [-1, 0, -1]


def test_supervision_topic_is_optional_free_text_stored_as_categories() -> None:
    from dudao.model.tables import SUPERVISIONS

    head = "编号,类别,组织单位区划代码,对象类别,对象代码,日期"
    row = "D1,专项督导,450100,政府,450102,2022-05-01"
    without = load_table(io.StringIO(f"{head}\n{row}\n"), SUPERVISIONS, source="s.csv")
    assert without["topic"].isna().all() and isinstance(without["topic"].dtype, pd.CategoricalDtype)
    text = f"{head},督导事项\n{row},large_schools\nD2,专项督导,450100,政府,450103,2022-06-01,本地事项\n"
    text += "D3,综合督导,450100,政府,450103,2022-07-01,\n"
    df = load_table(io.StringIO(text), SUPERVISIONS, source="s.csv")
    # not an enum: a region's own topic is kept as written; an empty cell is missing
    assert df["topic"].tolist()[:2] == ["large_schools", "本地事项"] and pd.isna(df["topic"][2])
    assert isinstance(df["topic"].dtype, pd.CategoricalDtype)
    assert list(df.columns) == SUPERVISIONS.names


def test_early_and_misordered_dates_in_typed_columns() -> None:
    """Parquet and in-memory frames hold dates already: 0001-01-01 fits datetime64[s]."""
    frame = pd.DataFrame(
        {
            "inspector_id": ["GX-1", "GX-2"],
            "name": ["李明", "王芳"],
            "kind": ["兼职", "专职"],
            "appointing": ["450103", "450103"],
            "term_start": np.array(["0001-01-01", "2021-09-01"], dtype="datetime64[s]"),
            "term_end": np.array(["NaT", "2021-08-31"], dtype="datetime64[s]"),
        }
    )
    with pytest.raises(DudaoError) as excinfo:
        validate_table(frame, INSPECTORS, source="t")
    assert [(p.row, p.path, p.code) for p in excinfo.value.problems] == [
        (1, ("term_start",), "bad-date"),
        (2, ("term_end",), "date-order"),
    ]
    assert "早于 1900 年" in excinfo.value.problems[0].message


@pytest.mark.parametrize("n", [0, 1, 5])
def test_an_absent_column_is_what_pandas_makes_of_its_default_row_by_row(n: int) -> None:
    """fill_absent builds whole arrays at once; each is what a column of the default (or
    of missing values) given to pandas value by value would be."""
    from dudao.model.tables import TABLES, fill_absent

    extra = [
        Column("x", "int", required=False, default=3),
        Column("y", "float", required=False, default=2.5),
        Column("z", "float", required=False),
        Column("w", "str", required=False, default="a"),
    ]
    optional = [c for t in TABLES.values() for c in t.columns if not c.required]
    for column in [*optional, *extra]:
        made = fill_absent(column, n)
        expected = pd.Series([column.default] * n, dtype=column.dtype).array
        assert type(made) is type(expected) and made.dtype == expected.dtype, column.name
        pd.testing.assert_extension_array_equal(made, expected)


def test_units_from_a_table_are_the_units_jurisdiction_itself_makes() -> None:
    from dudao.io.dataset import units_from_table
    from dudao.model.jurisdiction import Jurisdiction

    frame = pd.DataFrame(
        {
            "code": ["450103001", "450100-gaoxin", "450103002"],
            "name": ["中山街道", "高新区", "某镇"],
            "kind": ["subdistrict", "开发区", "town"],
            "parent": ["450103", "450100", "450103"],
        }
    )
    units = units_from_table(frame)
    made = [Jurisdiction(*row) for row in frame.itertuples(index=False)]
    assert units == made and [hash(u) for u in units] == [hash(u) for u in made]
    frame.loc[1, "code"] = "4501-x"  # a code of no valid form: Jurisdiction's own error
    with pytest.raises(ValueError, match="4501-x"):
        units_from_table(frame)


def test_units_from_a_table_with_categorical_kinds_are_those_jurisdiction_makes() -> None:
    from dudao.io.dataset import units_from_table
    from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind

    frame = pd.DataFrame(
        {
            "code": ["450103001", "450103002", "450100-gaoxin"],
            "name": ["中山街道", "某镇", "高新区"],
            # as load_table gives it: every kind a category, most unused
            "kind": pd.Categorical(
                ["subdistrict", "town", "development_zone"],
                categories=[k.value for k in JurisdictionKind],
            ),
            "parent": pd.Categorical(["450103", "450103", "450100"]),
        }
    )
    units = units_from_table(frame)
    assert units == [
        Jurisdiction("450103001", "中山街道", JurisdictionKind.SUBDISTRICT, "450103"),
        Jurisdiction("450103002", "某镇", JurisdictionKind.TOWN, "450103"),
        Jurisdiction("450100-gaoxin", "高新区", JurisdictionKind.DEVELOPMENT_ZONE, "450100"),
    ]
    assert [type(u.parent) for u in units] == [str, str, str]
    assert hash(units[0]) == hash(Jurisdiction("450103001", "中山街道", "subdistrict", "450103"))
    # only the kinds the rows use are parsed; one of no known spelling is named
    kinds = pd.Categorical(["town", "镇", "town"], categories=["镇子", "town", "镇"])
    assert [u.kind for u in units_from_table(frame.assign(kind=kinds))] == [
        JurisdictionKind.TOWN
    ] * 3
    with pytest.raises(ValueError, match="'镇子' 不是有效的取值"):
        units_from_table(frame.assign(kind=pd.Categorical(["town", "镇子", "town"])))


@given(
    st.text(st.sampled_from("0123456789-az\n٣０"), max_size=11)
    | st.text(st.sampled_from("0123456789٣０\n"), min_size=6, max_size=10)
)
def test_codes_told_valid_without_regular_expressions_are_valid(code: str) -> None:
    from dudao.io.dataset import _valid_code
    from dudao.model.jurisdiction import code_form

    assert _valid_code(code) == (code_form(code) != "invalid")


@given(
    st.lists(
        st.text(st.sampled_from("0123456789-az\n٣０"), max_size=11)
        | st.text(st.sampled_from("0123456789"), min_size=5, max_size=10),
        max_size=5,
    )
)
def test_a_column_of_digit_codes_is_valid_as_each_code_is(codes: list[str]) -> None:
    """The one-pass test of a text column passes only codes each found valid, and passes
    a column of 6- and 9-digit codes."""
    from dudao.io.dataset import _digit_codes, _valid_code

    column = pd.Series(codes, dtype=string_dtype())
    if _digit_codes(column):
        assert all(_valid_code(c) for c in codes)
    digits = all(c.isascii() and c.isdigit() and len(c) in (6, 9) for c in codes)
    assert _digit_codes(column) == (digits and bool(codes))  # none: not told
    assert not _digit_codes(pd.Series([*codes, None], dtype=string_dtype()))


@given(
    st.lists(st.sampled_from(["450100", "450102", "450103", "450000"]), unique=True),
    st.lists(
        st.tuples(
            st.sampled_from(["450100", "450102", "450103", "450199"]),
            st.sampled_from(["市教育局", "财政局", "区教育局"]),
            st.none() | st.sampled_from(["王五", " 赵六 ", ""]),
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_committees_take_their_members_in_row_order(
    jurisdictions: list[str], rows: list[tuple[str, str, str | None]], validated: bool
) -> None:
    """Each committee's members are the rows of its jurisdiction, in row order (none for a
    committee without rows; rows of a jurisdiction without a committee belong to none),
    from a loaded table's categories or from plain text columns alike."""
    from dudao.io.dataset import committees_from_tables
    from dudao.model.bodies import Membership
    from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES

    committees = pd.DataFrame({"jurisdiction": jurisdictions, "name": "委员会"})
    committees = validate_table(committees, COMMITTEES, source="c")
    members = pd.DataFrame(rows, columns=["jurisdiction", "unit", "liaison"], dtype=object)
    if validated:  # categories, and liaisons stripped (blank: none)
        members = validate_table(members, COMMITTEE_MEMBERS, source="m")
        rows = [(code, unit, (liaison or "").strip() or None) for code, unit, liaison in rows]
    made = committees_from_tables(committees, members)
    assert [c.jurisdiction for c in made] == jurisdictions
    for committee in made:
        expected = [
            Membership(unit, liaison)
            for code, unit, liaison in rows
            if code == committee.jurisdiction
        ]
        assert list(committee.members) == expected


def test_committees_from_tables_make_the_memberships_membership_makes() -> None:
    from dudao.io.dataset import committees_from_tables
    from dudao.model.bodies import Committee, Membership, Officer
    from dudao.model.tables import COMMITTEE_MEMBERS, COMMITTEES

    committees = validate_table(
        pd.DataFrame(
            {
                "jurisdiction": ["450100", "450103"],
                "name": ["南宁市人民政府教育督导委员会", "青秀区人民政府教育督导委员会"],
                "chair": ["市长：张三", None],
                "vice_chairs": ["副市长：李四；秘书长", None],
            }
        ),
        COMMITTEES,
        source="committees",
    )
    members = validate_table(
        pd.DataFrame(
            {
                "jurisdiction": ["450103", "450100", "450100"],
                "unit": ["区教育局", "市教育局", "市财政局"],
                "liaison": ["王五", None, " 赵六 "],
            }
        ),
        COMMITTEE_MEMBERS,
        source="committee_members",
    )
    made = committees_from_tables(committees, members)
    assert made == (
        Committee(
            "450100",
            "南宁市人民政府教育督导委员会",
            chair=Officer("市长", "张三"),
            vice_chairs=(Officer("副市长", "李四"), Officer("秘书长")),
            members=(Membership("市教育局"), Membership("市财政局", "赵六")),
        ),
        Committee(
            "450103", "青秀区人民政府教育督导委员会", members=(Membership("区教育局", "王五"),)
        ),
    )
    everyone = [m for c in made for m in c.members]
    assert [m.liaison for m in everyone] == [None, "赵六", "王五"]
    assert [hash(m) for m in everyone] == [
        hash(Membership("市教育局")), hash(Membership("市财政局", "赵六")),
        hash(Membership("区教育局", "王五")),
    ]  # fmt: skip


@given(
    st.integers(-3, 3),
    st.integers(0, 40),
    st.data(),
)
def test_counted_row_numbers_are_those_an_arange_holds(
    first: int, count: int, data: st.DataObject
) -> None:
    rows = tables_module._Counting(first, count)
    held = np.arange(first, first + count, dtype=np.int64)
    assert len(rows) == len(held)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=count, max_size=count)), bool)
    assert rows[mask].tolist() == held[mask].tolist() and rows[mask].dtype == np.int64
    if count:
        at = data.draw(st.lists(st.integers(0, count - 1), max_size=5))
        assert rows[np.array(at, dtype=np.intp)].tolist() == held[np.array(at, np.intp)].tolist()
        one = data.draw(st.integers(0, count - 1))
        assert int(rows[np.int64(one)]) == int(held[one]) == int(rows[one])
    with pytest.raises(IndexError):
        rows[count]
    with pytest.raises(IndexError):
        rows[np.array([0, count])]


def test_an_enum_column_already_categorical_is_read_as_its_text_would_be() -> None:
    # a Parquet file pandas wrote from a loaded table holds stage and ownership with
    # the enums' values as its categories: kept as they are, the rows without a value
    # still found; other categories (Chinese labels, another order) are parsed
    def frame(stage: pd.Categorical) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "school_id": ["S1", "S2", "S3"],
                "name": ["一小", "二中", "三中"],
                "stage": stage,
                "ownership": pd.Categorical(
                    ["public", "private", "public"], categories=[o.value for o in Ownership]
                ),
                "students": [100, 200, 300],
                "county": ["450103"] * 3,
            }
        )

    values = [s.value for s in Stage]
    as_is = validate_table(
        frame(pd.Categorical(["primary", "junior", "primary"], categories=values)),
        SCHOOLS,
        source="s",
    )
    text = validate_table(
        frame(pd.Categorical(["小学", "初中", "primary"])), SCHOOLS, source="s"
    ).assign(ownership=as_is["ownership"])
    pd.testing.assert_frame_equal(as_is, text)
    assert as_is["stage"].tolist() == ["primary", "junior", "primary"]
    assert as_is["stage"].cat.categories.tolist() == values
    assert as_is["stage"].dtype == text["stage"].dtype
    with pytest.raises(DudaoError) as info:
        validate_table(
            frame(pd.Categorical(["primary", None, "junior"], categories=values)),
            SCHOOLS,
            source="s",
            first_row=2,
        )
    ((problem),) = info.value.problems
    assert (problem.code, problem.row, problem.path) == ("missing-value", 3, ("stage",))
    assert problem.message == "学段为空"


def _arrow_text(values: list[str | None]) -> pd.Series:
    from dudao.model.tables import string_dtype

    return pd.Series(values, dtype=string_dtype())


def test_every_character_stripping_removes_is_looked_for_first_and_last() -> None:
    pa = pytest.importorskip("pyarrow")
    pc = pytest.importorskip("pyarrow.compute")
    text = _arrow_text(["x"])
    if getattr(text.dtype, "storage", None) != "pyarrow":
        pytest.skip("text columns are not Arrow-backed here")
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for where in ("{}x", "x{}", "{}", "中{}", "{}中"):
        cells = pa.array([where.format(c) for c in chars])
        changed = pc.not_equal(pc.utf8_trim_whitespace(cells), cells).to_numpy(zero_copy_only=False)
        stripped = [c for c, yes in zip(chars, changed, strict=True) if yes]
        assert stripped == [c for c in chars if c.isspace()]  # what the docstring lists
        for c in stripped:
            assert not tables_module._nothing_to_strip(_arrow_text(["ab", where.format(c)]))
    assert tables_module._nothing_to_strip(_arrow_text(["450103", "南宁市第一中学", "", None]))
    assert tables_module._nothing_to_strip(_arrow_text([]))
    many = [f"S{i}" for i in range(70_000)]  # looked at a block of texts at a time
    assert tables_module._nothing_to_strip(_arrow_text(many))
    for at in (0, 65_535, 65_536, 69_999):
        assert not tables_module._nothing_to_strip(_arrow_text([*many[:at], "S\u3000", *many[at:]]))


@given(st.lists(st.none() | st.text(st.characters(codec="utf-8"), max_size=4), max_size=8))
def test_text_nothing_is_stripped_from_is_the_stripped_text(values: list[str | None]) -> None:
    text = _arrow_text(values)
    if tables_module._nothing_to_strip(text):
        pd.testing.assert_series_equal(text, text.str.strip())
    stripped = tables_module._as_text(text)
    assert stripped.tolist() == text.str.strip().tolist()
    assert stripped.dtype == text.dtype


def test_sliced_arrow_text_is_judged_by_its_own_texts() -> None:
    pa = pytest.importorskip("pyarrow")
    from dudao.model.tables import string_dtype

    whole = pa.chunked_array([pa.array([" a", "b", "c "]).slice(1, 1), pa.array(["d"])])
    text = pd.Series(pd.arrays.ArrowStringArray(whole)).astype(string_dtype())
    if getattr(text.dtype, "storage", None) != "pyarrow":
        pytest.skip("text columns are not Arrow-backed here")
    assert tables_module._nothing_to_strip(text)
    assert not tables_module._nothing_to_strip(text.str.cat(pd.Series(["", " "])).astype(str))


def test_a_code_column_kept_as_its_categories_still_finds_its_missing_rows() -> None:
    from dudao.model.tables import string_dtype

    categories = pd.Index(["S1", "S2", "S3"], dtype=string_dtype())
    frame = pd.DataFrame(
        {
            "school_id": pd.Categorical(["S2", None, "S3", "S2"], categories=categories),
            "inspector_id": ["I1", "I1", "I2", "I2"],
            "date": ["2024-03-01"] * 4,
        }
    )
    with pytest.raises(DudaoError) as info:
        validate_table(frame, VISITS, source="visits.parquet")
    ((problem),) = info.value.problems
    assert (problem.code, problem.row, problem.path) == ("missing-value", 2, ("school_id",))
    kept = validate_table(frame.iloc[[0, 2, 3]], VISITS, source="visits.parquet")["school_id"]
    assert kept.tolist() == ["S2", "S3", "S2"] and kept.cat.categories.tolist() == [
        "S1",
        "S2",
        "S3",
    ]


def test_typed_dates_are_floored_to_their_day_also_before_1970() -> None:
    frame = pd.DataFrame(
        {
            "school_id": ["S1", "S1", "S2"],
            "date": np.array(
                ["1969-12-31T13:00:00.250", "2022-05-01T23:59:59", "NaT"], dtype="datetime64[ms]"
            ),
        }
    )
    with pytest.raises(DudaoError):  # the third row has no date: still reported
        validate_table(frame, VISITS, source="v")
    frame = frame.iloc[:2]
    days = validate_table(frame, VISITS, source="v")["date"]
    assert str(days.dtype) == "datetime64[s]"
    assert days.astype(str).tolist() == ["1969-12-31", "2022-05-01"]


def test_references_to_ids_that_are_a_columns_very_categories_are_all_known() -> None:
    from dudao.io.dataset import _unknown

    ids = pd.Series(["s1", "s2"], dtype=string_dtype())
    categories = pd.Index(["s1", "s2"], dtype=string_dtype())
    same = pd.Series(pd.Categorical(["s2", None, "s1"], categories=categories))
    assert _unknown(same, ids).tolist() == [False, False, False]
    other = pd.Series(pd.Categorical(["s2", None, "s3"], categories=["s1", "s2", "s3"]))
    assert _unknown(other, ids).tolist() == [False, False, True]
    reordered = pd.Series(pd.Categorical(["s2", "s1"], categories=["s2", "s1"]))
    assert _unknown(reordered, ids).tolist() == [False, False]


@given(
    st.lists(st.none() | st.text(st.sampled_from(" !a~\x7f\t\x1f\x85中"), max_size=4), max_size=8)
)
def test_ascii_text_is_found_to_need_stripping_as_stripping_finds(values: list[str | None]) -> None:
    """Texts of printable ASCII alone are passed at once; anything else (whitespace,
    control characters, other than ASCII) is looked at text by text, and stripping changes
    nothing where nothing is found."""
    text = _arrow_text(values)
    if getattr(text.dtype, "storage", None) != "pyarrow":
        return
    nothing = tables_module._nothing_to_strip(text)
    if nothing:
        assert text.tolist() == text.str.strip().tolist()
    if all(v is None or all(0x20 < ord(c) < 0x80 for c in v) for v in values):
        assert nothing
