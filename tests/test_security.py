"""Strings from data or a user are hostile: they never leave the output folder, become
a spreadsheet formula, break a Markdown table, or are read as terminal markup or
plot mathematics."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from openpyxl import Workbook, load_workbook

from dudao.cli import cli
from dudao.cli.output import markdown_table, plain_text, xlsx_append
from dudao.errors import DudaoError
from dudao.examples import FOLDER
from dudao.simulate.compare import check_reform_names
from dudao.simulate.reform import Reform

HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "|",
    "\\|",
    "\\",
    "\n",
    "\r\n",
    "\u2028",
    "\x00",
    "\ufffe",  # not a character: XML (xlsx, docx) cannot hold it
    "\uffff",
    "\x1b[31m",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[链接](javascript:alert(1))",
    "![x](http://x)",
    "`",
    "*",
    "_",
    "&amp;",
    "&#124;",
    "~~",
    "#",
    "[/bold]",
    "[red]",
    "$\\frac{$",
    "_x0041_",
    " ",
    "　",
    "青秀区",
]
TEXTS = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3)), max_size=6).map("".join),
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------- reform names


def test_a_reform_name_cannot_write_outside_out(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text(
        "name: ../../escape\nparameters:\n"
        "  - {id: inspector.schools_per_inspector, scope: '450000', value: 4}\n",
        encoding="utf-8",
    )
    out = tmp_path / "work" / "out"
    code, _, err = run(
        "simulate", "--reform", str(evil), "--runs", "2", "--years", "1", "--out", str(out),
        "--quiet",
    )  # fmt: skip
    assert code == 2, err
    assert f"{evil} name: 改革名称 '../../escape' 不能用作方案名" in err
    assert "Traceback" not in err and "内部错误" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.yaml"]  # nothing written


@pytest.mark.filterwarnings("ignore:Glyph")  # no CJK font here: the 汉字 name draws as boxes
def test_an_accepted_reform_name_keeps_every_file_under_out(tmp_path: Path) -> None:
    reform = tmp_path / "r.yaml"
    reform.write_text(
        "name: 配比1比4.v2\ntitle: 督学配比 1:4\nparameters:\n"
        "  - {id: inspector.schools_per_inspector, scope: '420000', value: 4}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, err = run(
        "simulate", "--reform", str(reform), "--runs", "2", "--years", "1", "--workers", "1",
        "--out", str(out), "--quiet",
    )  # fmt: skip
    assert code == 0, err
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p != reform]
    assert files and all(out.resolve() in p.resolve().parents for p in files)
    assert any(p.name.startswith("配比1比4.v2-") for p in (out / "dynamic" / "tasks").iterdir())


@pytest.mark.parametrize(
    "name", ["../x", "a/b", "a\\b", "..", ".hidden", "-x", "", "a b", "a\n", "x" * 61, "C:x"]
)
def test_reform_names_that_are_not_one_plain_file_name_are_refused(name: str) -> None:
    with pytest.raises(DudaoError) as err:
        check_reform_names([Reform(name, source="r.yaml")])
    (problem,) = err.value.problems
    assert problem.code == "invalid-reform-name" and problem.source == "r.yaml"
    assert problem.path == ("name",)


@given(st.text(max_size=70))
def test_an_accepted_reform_name_is_one_file_name_inside_the_folder(name: str) -> None:
    try:
        check_reform_names([Reform(name)])
    except DudaoError as err:
        assert err.codes in (["invalid-reform-name"], ["duplicate-reform"])
        return
    folder = Path(tempfile.gettempdir()).resolve() / "out"
    assert (folder / f"{name}-s0.parquet").resolve().parent == folder
    assert not name.startswith((".", "-")) and name.isprintable()


def test_reform_names_used_so_far_are_accepted() -> None:
    names = ["ratio-1-4-guangxi", "ratio-inspector.schools_per_inspector=4", "a+b", "配比1比4"]
    check_reform_names([Reform(n) for n in names])


def test_plot_labels_are_drawn_as_written_not_as_mathematics(tmp_path: Path) -> None:
    from dudao.simulate.dynamic import DynamicInputs
    from dudao.simulate.plots import plot_dynamic
    from dudao.simulate.sweep import run_sweep

    inputs = DynamicInputs.build(codes=["A"], schools=[10], inspectors=[2], ratio=[5], cycle=[5])
    # "$…$" is matplotlib mathematics (a bad formula fails at drawing); "_…" hides a label
    names = ["$\\frac{$", "_hidden"]
    result = run_sweep(
        dict.fromkeys(names, inputs), seeds=[1], runs=2, years=2, executor="serial", progress=False
    )
    written = plot_dynamic(result.frame, tmp_path)
    assert sorted(p.name for p in written) == [
        "distribution.png", "distribution.svg", "dynamic.png", "dynamic.svg",
    ]  # fmt: skip
    svg = (tmp_path / "dynamic.svg").read_text(encoding="utf-8")
    assert "$\\frac{$" in svg and "_hidden" in svg  # legend text, escaped only for XML


# ------------------------------------------------------------------- xlsx


@given(values=st.lists(TEXTS, min_size=1, max_size=4))
@example(values=["甲\ufffe乙", "\uffff"])  # noncharacters: lxml refused the whole file
def test_xlsx_cells_from_data_are_text_never_formulas(values: list[str]) -> None:
    wb = Workbook()
    xlsx_append(wb.active, [1, *values, 2.5])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        wb.save(path)
        (row,) = load_workbook(path).active.iter_rows()
    assert [c.value for c in row[:1]] == [1] and row[-1].value == 2.5
    for cell, value in zip(row[1:-1], values, strict=True):
        if value == "":
            continue  # an empty string is an empty cell
        assert cell.data_type == "s", (value, cell.value)
        assert cell.value == plain_text(value)


def _evaluation_copy(tmp_path: Path, names: dict[str, str]) -> Path:
    import pandas as pd

    folder = tmp_path / "data"
    shutil.copytree(FOLDER / "nanning_evaluation", folder)
    table = pd.read_csv(folder / "measurements.csv", dtype={"target": str})
    for code, name in names.items():
        table.loc[table["target"] == code, "name"] = name
    table.to_csv(folder / "measurements.csv", index=False)
    return folder


def test_evaluate_xlsx_writes_a_formula_in_a_unit_name_as_text(tmp_path: Path) -> None:
    link = '=HYPERLINK("http://evil.example","点我")'
    folder = _evaluation_copy(tmp_path, {"450103": link, "450102": "@SUM(A1:A9)"})
    out = tmp_path / "s.xlsx"
    code, _, err = run(
        "evaluate", str(folder), "--set", "preschool_universal", "--format", "xlsx", "--out",
        str(out),
    )  # fmt: skip
    assert code == 0, err
    wb = load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {c.value: c for c in cells if c.value in (link, "@SUM(A1:A9)")}
    assert set(names) == {link, "@SUM(A1:A9)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in names.values())


def test_evaluate_table_prints_markup_in_a_name_as_written(tmp_path: Path) -> None:
    folder = _evaluation_copy(tmp_path, {"450103": "[/bold]青秀区[red]"})
    code, out, err = run("evaluate", str(folder), "--set", "preschool_universal")
    assert code == 0, err  # rich read "[/bold]" as a closing tag and the command failed
    (row,) = [line for line in out.splitlines() if "450103" in line]
    assert "[/bold]" in row  # printed as written (the table may cut the rest of the cell)


# --------------------------------------------------------------- markdown


def _cells(markdown: str) -> list[list[str]]:
    """Each row's cells as a GFM parser reads them; no HTML, link or image."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert not any(t.type.startswith("html") for t in tokens)
    rows: list[list[str]] = []
    for i, t in enumerate(tokens):
        if t.type == "tr_open":
            rows.append([])
        elif t.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            children = t.children or []
            assert {c.type for c in children} <= {"text"}, children
            rows[-1].append("".join(c.content for c in children))
    return rows


@given(rows=st.lists(st.lists(TEXTS, min_size=3, max_size=3), max_size=4))
def test_a_markdown_table_keeps_its_rows_columns_and_text(rows: list[list[str]]) -> None:
    headers = ["对象", "问题", "依据"]
    text = "\n".join(markdown_table(headers, rows)) + "\n"
    assert _cells(text) == [headers, *([plain_text(c).strip() for c in r] for r in rows)]


def test_a_school_name_with_a_pipe_and_a_newline_stays_in_its_cell() -> None:
    rows = [["示例小学 | 伪造列\n| 伪造行 | x | y |", "少于 2 次", "《教育督导条例》 第十四条"]]
    text = "\n".join(markdown_table(["对象", "问题", "依据"], rows))
    cells = _cells(text)
    assert len(cells) == 2 and all(len(r) == 3 for r in cells)
    assert cells[1][0] == "示例小学 | 伪造列 | 伪造行 | x | y |"
