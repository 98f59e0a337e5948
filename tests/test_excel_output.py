"""Excel everywhere (issue 15 item 3): one writer, names beside codes, a frozen header,
widths that count Chinese characters, the 示例 warning, and no formula from data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dudao.cli import cli
from dudao.examples import example_path
from dudao.report.excel import SAMPLE_WARNING, Column, Sheet, write_workbook
from dudao.report.text import plain_text

# what a spreadsheet would run or reinterpret if it were stored as typed
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",  # DDE
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
    "#N/A",
    "#DIV/0!",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def cells(path: Path) -> list[Any]:
    wb = load_workbook(path)
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def header(ws: Any) -> tuple[int, list[str]]:
    """The header row of a sheet: the row the frozen panes start under."""
    assert ws.freeze_panes, ws.title
    row = int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
    return row, [c.value for c in ws[row]]


def names_beside_codes(headers: list[str]) -> list[str]:
    """Code columns (``…代码``) not followed by their name (``…名称`` or ``…``)."""
    bad = []
    for i, h in enumerate(headers):
        if h.endswith("代码"):
            after = headers[i + 1] if i + 1 < len(headers) else ""
            if after not in (h[:-2] + "名称", h[:-2]):
                bad.append(h)
    return bad


# ------------------------------------------------------------------ the writer


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_is_stored_as_text(tmp_path: Path, value: str) -> None:
    sheet = Sheet("表", [Column("代码", "code"), Column("名称")], [["450103", value]])
    path = write_workbook(tmp_path / "a.xlsx", [sheet], title=value, about=[("说明", value)])
    found = [c for c in cells(path) if c.value == plain_text(value)]
    assert len(found) == 3  # the title of 说明, its about line and the cell
    for c in found:
        assert c.data_type == "s", (c.coordinate, c.value)
    assert all(c.data_type != "f" for c in cells(path))
    wb = load_workbook(path)
    cell = wb["表"]["B3"]  # title, header, then the row
    assert cell.value == plain_text(value) and cell.data_type == "s"
    # Excel keeps it text when the cell is edited, where it would be read as a formula
    assert cell.quotePrefix == (not value.startswith("#"))


@given(values=st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_comes_back_as_written(values: list[str]) -> None:
    import tempfile

    columns = [Column(f"列{i}") for i in range(len(values))]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(
            Path(tmp) / "t.xlsx", [Sheet("表", columns, [values])], title="t", sample=False
        )
        ws = load_workbook(path)["表"]
        row = [c for c in ws[3]]
    for cell, value in zip(row, values, strict=True):
        if plain_text(value) == "":
            assert cell.value is None
            continue
        assert cell.data_type == "s"
        assert cell.value == plain_text(value)


def test_layout_frozen_header_widths_and_sample_warning(tmp_path: Path) -> None:
    sheet = Sheet(
        "问题",
        [
            Column("区划代码", "code"),
            Column("区划名称"),
            Column("问题", "long"),
            Column("数", "int"),
        ],
        [["450103", "青秀区" * 5, "很长的问题" * 40, 3], ["450105", "江南区", None, None]],
        title="各区划的问题",
    )
    path = write_workbook(tmp_path / "a.xlsx", [sheet], title="测试", sample=True)
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "问题"]
    ws = wb["问题"]
    assert ws["A1"].value == "各区划的问题"
    assert ws["A2"].value == SAMPLE_WARNING  # the 示例 warning above the header
    assert wb["说明"]["A2"].value == SAMPLE_WARNING
    assert ws.freeze_panes == "C4"  # header (row 3) and code + name stay in view
    assert [c.value for c in ws[3]] == ["区划代码", "区划名称", "问题", "数"]
    assert ws["A3"].font.b
    assert ws.auto_filter.ref == "A3:D5"
    # 15 Chinese characters count 30 (+2 padding); a long text is capped and wrapped
    assert ws.column_dimensions["B"].width == 32
    assert ws.column_dimensions["C"].width == 60 and ws["C4"].alignment.wrap_text
    assert ws.column_dimensions["A"].width == 10  # "区划代码" is 8 wide: header counts
    assert ws["D4"].value == 3 and ws["D5"].value is None


def test_no_sample_no_warning(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx", [Sheet("表", [Column("a")], [["x"]])], title="t", sample=False
    )
    assert all(c.value != SAMPLE_WARNING for c in cells(path))
    assert load_workbook(path)["表"].freeze_panes == "A3"


def test_sheet_names_from_data_are_made_valid_and_unique(tmp_path: Path) -> None:
    sheets = [Sheet("a/b[1]:*?", [Column("x")], [[1]]), Sheet("a_b_1_", [Column("x")], [])]
    sheets.append(Sheet("长" * 40, [Column("x")], []))
    path = write_workbook(tmp_path / "a.xlsx", sheets, title="t")
    names = load_workbook(path).sheetnames
    assert names[1] == "a_b_1____" and len(set(names)) == 4 and len(names[3]) == 31


def test_a_workbook_must_be_named_xlsx(tmp_path: Path) -> None:
    from dudao.errors import DudaoError

    with pytest.raises(DudaoError, match=r"\.xlsx"):
        write_workbook(tmp_path / "a.xls", [], title="t")


# ----------------------------------------------------------------- the commands


def hostile_example(tmp_path: Path) -> Path:
    """The bundled example with a formula for the name of a school with a finding."""
    folder = tmp_path / "data"
    shutil.copytree(example_path(), folder)
    path = folder / "schools.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["school_id"] == "DJ-03":
            row["name"] = HOSTILE[0]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_check_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "检查结果.xlsx"
    code, stdout, stderr = run("check", str(hostile_example(tmp_path)), "--format", "xlsx",
                               "--out", str(out), "--exit-zero")  # fmt: skip
    assert code == 0, stderr
    assert stdout == ""  # the data went to the file; stdout stays clean
    assert "已写入" in stderr and str(out) in stderr
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["说明", "按规则", "按区划"]
    assert "县级问题" in wb.sheetnames
    assert not [c.coordinate for c in cells(out) if c.data_type == "f"]
    hostile = [c for c in cells(out) if c.value == HOSTILE[0]]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)
    for ws in wb.worksheets[1:]:
        assert ws["A2"].value == SAMPLE_WARNING, ws.title
        row, headers = header(ws)
        assert not names_beside_codes(headers), (ws.title, headers)
    ws = wb["县级问题"]
    row, headers = header(ws)
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=row + 1)]
    by = dict(zip(headers, zip(*values, strict=True), strict=True))
    assert "西陵区" in by["区划名称"] and "湖北省" in by["所属省份"]
    assert "宜昌市" in by["所属地市"]
    assert "routine-visits" in by["规则"]
    assert any("经常性督导" in t for t in by["规则名称"])
    assert "DJ-03" in by["对象代码"]
    # every finding is in one of the level sheets
    total = sum(ws.max_row - header(ws)[0] for ws in wb.worksheets if ws.title.endswith("问题"))
    code, stdout, _ = run("check", str(hostile_example(tmp_path / "j")), "--format", "json",
                          "--exit-zero")  # fmt: skip
    import json

    assert total == len(json.loads(stdout)["findings"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "--format", "xlsx"], "--format xlsx 需要 --out 文件名"),
        (["check", "--out", "a.xlsx"], "--out 只用于 --format xlsx"),
        (["plan", "status", "--format", "xlsx"], "--format xlsx 需要 --out 文件名"),
        (["programmes", "--format", "xlsx"], "--format xlsx 需要 --out 文件名"),
        (["evaluate", "--set", "preschool_universal", "--format", "xlsx"], "需要 --out"),
    ],
)
def test_xlsx_needs_out_and_out_needs_xlsx(args: list[str], words: str) -> None:
    code, _, stderr = run(*args)
    assert code == 2 and words in stderr, stderr


def test_check_xlsx_refuses_another_suffix(tmp_path: Path) -> None:
    code, _, stderr = run("check", "--format", "xlsx", "--out", str(tmp_path / "a.csv"))
    assert code == 2 and ".xlsx" in stderr and not (tmp_path / "a.csv").exists()


@pytest.mark.regional
def test_plan_status_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    code, stdout, stderr = run("plan", "status", "nanning", "--format", "xlsx", "--out", str(out))
    assert code == 0, stderr
    assert stdout == ""
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["说明", "任务"]
    ws = wb["任务"]
    assert ws["A2"].value == SAMPLE_WARNING
    row, headers = header(ws)
    assert not names_beside_codes(headers)
    assert headers[:2] == ["工作要点", "工作要点名称"]
    values = list(ws.iter_rows(min_row=row + 1, values_only=True))
    assert values and all(v[headers.index("状态")] for v in values)
    # the scope's name beside its code
    assert {(v[3], v[4]) for v in values} >= {("450100", "南宁市")}
    assert not [c.coordinate for c in cells(out) if c.data_type == "f"]


def test_programmes_xlsx_catalogue_and_status(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    code, _, stderr = run("programmes", "--format", "xlsx", "--out", str(out))
    assert code == 0, stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "项目", "阶段"]
    row, headers = header(wb["项目"])
    assert not names_beside_codes(headers)
    ids = [r[0] for r in wb["项目"].iter_rows(min_row=row + 1, values_only=True)]
    assert "quality_balanced" in ids
    stages = list(wb["阶段"].iter_rows(min_row=row + 1, values_only=True))
    assert any(r[0] == "quality_balanced" and r[1] for r in stages)  # id and its name
    out = tmp_path / "s.xlsx"
    data = tmp_path / "synth"
    assert run("synth", "--fraction", "0.05", "--out", str(data))[0] == 0
    code, _, stderr = run("programmes", str(data), "--format", "xlsx", "--out", str(out))
    assert code == 0, stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "项目进展"]  # counties only: one sheet
    row, headers = header(wb["项目进展"])
    assert not names_beside_codes(headers)
    for r in wb["项目进展"].iter_rows(min_row=row + 1, values_only=True):
        assert r[0].startswith("4501") and r[1] and r[2] == "广西壮族自治区" and r[3] == "南宁市"


def test_programme_status_one_sheet_per_level() -> None:
    import datetime as dt

    import pandas as pd

    from dudao.plugins.manager import load_plugins
    from dudao.report.workbooks import programme_status_sheets

    status = pd.DataFrame(
        {
            "unit": ["450100", "450103", "450105"],
            "programme": ["p"] * 3,
            "title": ["项目"] * 3,
            "stage": ["s"] * 3,
            "stage_name": ["阶段"] * 3,
            "passed": [True, None, False],
            "date": [dt.date(2023, 1, 1)] * 3,
            "status": ["进行中"] * 3,
            "next_stage": [None] * 3,
        }
    )
    sheets = programme_status_sheets(status, load_plugins().hierarchy())
    assert [s.name for s in sheets] == ["地市级单位", "县级单位"]
    counties = list(sheets[1].rows)
    assert [r[:2] for r in counties] == [["450103", "青秀区"], ["450105", "江南区"]]
    assert [r[8] for r in counties] == [None, "未通过"]


def test_evaluate_xlsx_names_evaluators_and_warns_of_sample_data(tmp_path: Path) -> None:
    out = tmp_path / "评分表.xlsx"
    code, stdout, stderr = run(
        "evaluate", "--set", "quality_balanced", "--format", "xlsx", "--out", str(out)
    )
    assert code == 0, stderr
    assert stdout == ""
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "评分表", "指标得分"]
    for ws in wb.worksheets[1:]:
        assert ws["A2"].value == SAMPLE_WARNING  # the bundled example is sample data
        row, headers = header(ws)
        assert not names_beside_codes(headers), headers
    ws = wb["评分表"]
    row, headers = header(ws)
    rows = {
        r[0]: dict(zip(headers, r, strict=True))
        for r in ws.iter_rows(min_row=row + 1, values_only=True)
    }
    # dudao's example, 宜昌市: 远安县 keeps key classes (one-vote veto)
    assert rows["420502"]["对象名称"] == "西陵区" and rows["420502"]["所属地市"] == "宜昌市"
    assert rows["420502"]["评估主体"] == "宜昌市" and rows["420502"]["评估主体代码"] == "420500"
    assert rows["420525"]["一票否决"] == "是" and rows["420502"]["一票否决"] == "否"
    assert ws.freeze_panes == f"C{row + 1}"


def test_cases_list_xlsx_and_table_name_the_unit(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    for case, unit in (("C1", "450103"), ("=1+1", "450105")):
        code, _, stderr = run("cases", "--store", db, "open", unit, "--actor", "南宁市督导室",
                              "--date", "2023-03-01", "--case-id", case, "--source", "督导检查",
                              "--summary", "督学不足")  # fmt: skip
        assert code == 0, stderr
    code, stdout, stderr = run("cases", "--store", db, "list")
    assert code == 0, stderr
    assert "青秀区（450103）" in stdout and "江南区（450105）" in stdout
    out = tmp_path / "案件.xlsx"
    code, stdout, stderr = run(
        "cases", "--store", db, "list", "--format", "xlsx", "--out", str(out)
    )
    assert code == 0, stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "案件"]
    ws = wb["案件"]
    row, headers = header(ws)
    assert not names_beside_codes(headers)
    assert ws.freeze_panes == f"B{row + 1}"  # the case id stays in view
    found = {r[0]: r for r in ws.iter_rows(min_row=row + 1, values_only=True)}
    assert found["C1"][1:3] == ("450103", "青秀区")
    assert found["=1+1"][1:3] == ("450105", "江南区")  # a case id from a user: text
    assert not [c.coordinate for c in cells(out) if c.data_type == "f"]


def test_more_rows_than_a_sheet_holds_continue_on_another() -> None:
    from dudao.report.excel import _parts

    sheet = Sheet("县级问题", [Column("a", "int")], [[i] for i in range(25)], title="县级问题")
    parts = _parts(sheet, size=10)
    assert [p.name for p in parts] == ["县级问题", "县级问题(2)", "县级问题(3)"]
    assert [len(list(p.rows)) for p in parts] == [10, 10, 5]
    assert parts[2].title == "县级问题（第 21 至 25 行）"
    assert [r[0] for p in parts for r in p.rows] == list(range(25))  # nothing lost
    assert _parts(sheet)[0].name == "县级问题"  # a sheet that fits is left whole
