"""Terminal output that fits (issue 15 item 5): tables adapt to the terminal's width
without splitting identifiers, long lists are summarised with a count, progress goes to
stderr only when someone is watching."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from dudao.cli import cli
from dudao.cli.table import Col, fit_table, layout, summarise_units, tokens, wrap

WIDTHS = [80, 120, 200]
BOX = re.compile(r"[│┃┏┓┗┛┡┩┢┪└┘┌┐├┤┬┴┼━─╇╈╋┳┻]")


def render(table: Any, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(table)
    return console.export_text().splitlines()


def run(*args: str, width: int = 80) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": str(width)})
    return result.exit_code, result.stdout, result.stderr


def whole_on_a_line(piece: str, lines: list[str]) -> bool:
    return any(piece in line for line in lines)


# ------------------------------------------------------------- line breaking


def test_pieces_that_never_break() -> None:
    text = "期限 2023-12-31 未到，按规则 committee-established（厅发〔2020〕26号 二（一））判断"
    pieces = [text[a:b] for a, b in tokens(text)]
    assert "2023-12-31" in pieces and "committee-established（厅发〔2020〕26号" not in pieces
    assert "（厅发〔2020〕26号" in pieces  # a 文号 whole, its opening bracket with it
    assert "到，" in "".join(pieces) and "，" not in pieces  # no line starts with "，"


@given(
    words=st.lists(
        st.one_of(
            st.from_regex(r"[a-z][a-z0-9\-]{0,29}", fullmatch=True),
            st.from_regex(r"[\u4e00-\u9fa5]{1,12}", fullmatch=True),
            st.sampled_from(["450103", "2023-03-01", "《教育督导条例》", "教督〔2016〕2号"]),
        ),
        min_size=1,
        max_size=20,
    ),
    width=st.integers(min_value=30, max_value=120),
)
def test_wrap_keeps_every_piece_whole_and_within_the_width(words: list[str], width: int) -> None:
    from rich.text import Text

    text = " ".join(words)
    lines = wrap(Text(text), width).plain.split("\n")
    for a, b in tokens(text):
        assert whole_on_a_line(text[a:b], lines), (text[a:b], lines)
    for line in lines:
        # a line is within the width unless it is one piece wider than the width
        assert cell_len(line) <= width or len(tokens(line)) == 1, line
    # nothing lost, nothing added: the same characters, in order
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# ------------------------------------------------------------------- tables

RULE_IDS = ["region-committee-leadership", "school-comprehensive-cycle", "zone-coverage"]
COLUMNS = (
    Col("级别", "id"),
    Col("规则", "id", keep=3),
    Col("对象", "text", keep=2, min_text=8),
    Col("问题", "text", min_text=16),
    Col("依据", "text", keep=1, min_text=10, fold_into="问题"),
)


def rows() -> list[list[str]]:
    return [
        [
            "错误",
            rule,
            "西沙乡第五幼儿园（110101-00014）",
            "2022年秋季学期（2022-09-01至2023-01-31）责任督学经常性督导 1 次，少于每学期 2 次",
            "《教育督导条例》 第十四条；厅发〔2020〕26号 二（一）",
        ]
        for rule in RULE_IDS
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_table_fits_and_splits_no_identifier(width: int) -> None:
    lines = render(fit_table(Console(width=width), COLUMNS, rows()), width)
    assert all(cell_len(line) <= width for line in lines), [cell_len(x) for x in lines]
    assert "…" not in "".join(lines)  # rich cut nothing with an ellipsis
    for piece in [*RULE_IDS, "110101-00014", "2022-09-01", "2023-01-31", "厅发〔2020〕26号"]:
        assert whole_on_a_line(piece, lines), (piece, width)
    text = BOX.sub("", "\n".join(lines))
    # the citation is shown: in its column, or under the message on a narrow terminal
    assert ("依据：" in text) == (width == 80) and ("依据" in lines[1]) == (width != 80)
    assert text.count("厅发〔2020〕26号") == len(RULE_IDS)


def test_a_narrow_terminal_leaves_out_columns_and_says_which() -> None:
    columns = (Col("编号", "id"), Col("说明", "text"), Col("备注", "text", keep=1))
    data = [["a-very-long-identifier-of-forty-characters", "说明" * 20, "备注" * 20]]
    lines = render(fit_table(Console(width=60), columns, data), 60)
    assert whole_on_a_line("a-very-long-identifier-of-forty-characters", lines)
    assert "未显示 1 列：备注" in "".join(lines)


@given(
    ids=st.lists(st.from_regex(r"[a-z][a-z\-]{3,33}", fullmatch=True), min_size=1, max_size=6),
    width=st.sampled_from(WIDTHS),
)
def test_any_ids_stay_whole(ids: list[str], width: int) -> None:
    data = [["错误", i, "对象", "问题说明" * 5, "依据"] for i in ids]
    shape = layout(Console(width=width), COLUMNS, data)
    lines = render(shape.table(data), width)
    for i in ids:
        assert whole_on_a_line(i, lines)
    assert all(cell_len(line) <= width for line in lines)


def test_a_long_list_of_units_is_counted() -> None:
    items = "、".join(f"县{i}（45{i:04d}）" for i in range(111))
    text = summarise_units(f"{items}均有记录：要求 111 个", lambda _: "县级")
    assert (
        text == "县0（450000）、县1（450001）、县2（450002）等 111 个县级单位均有记录：要求 111 个"
    )
    short = "、".join(f"县{i}（45{i:04d}）" for i in range(6))
    assert summarise_units(short) == short  # six names read fine


# ----------------------------------------------------------------- commands


@pytest.mark.parametrize("width", WIDTHS)
def test_check_at_any_width(width: int) -> None:
    code, out, err = run("check", "--exit-zero", width=width)
    assert code == 0, err
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines), max(map(cell_len, lines))
    code, data, _ = run("check", "--exit-zero", "--format", "json")
    findings = json.loads(data)["findings"]
    assert findings
    for f in findings:
        assert whole_on_a_line(f["rule"], lines), (f["rule"], width)
        for doc in re.findall(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号", f["citation"]):
            assert whole_on_a_line(doc, lines), (doc, width)


@pytest.fixture(scope="module")
def guangxi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("guangxi")
    code, _, err = run("synth", "--scale", "province", "--fraction", "0.02", "--out", str(folder))
    assert code == 0, err
    return folder


@pytest.mark.regional
@pytest.mark.parametrize("width", WIDTHS)
def test_plan_status_counts_long_unit_lists(guangxi: Path, width: int) -> None:
    code, out, err = run("plan", "status", str(guangxi), width=width)
    assert code == 0, err
    assert "等 111 个县级单位" in out
    assert not re.search(r"(?:[^、（）\s│]{1,20}（\d{6}）、){6}", out)  # never a run of codes
    assert "完整名单见 --format json 或 --format xlsx" in out
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    # the full list stays in JSON
    code, data, _ = run("plan", "status", str(guangxi), "--format", "json")
    reasons = [t["reason"] for t in json.loads(data)["tasks"]]
    assert any(r.count("（45") >= 111 for r in reasons)


@pytest.mark.regional
def test_plan_show_names_programmes() -> None:
    code, out, err = run("plan", "show", width=200)
    assert code == 0, err
    assert "“县域义务教育优质均衡发展督导评估认定”" in out
    assert "quality_balanced" not in out and "universal_preschool" not in out
    code, data, _ = run("plan", "show", "--format", "json")
    targets = [t["target"] or "" for p in json.loads(data) for t in p["tasks"]]
    assert not [t for t in targets if "quality_balanced" in t]
    assert any("优质均衡" in t for t in targets)


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    code, out, err = run("check", "--exit-zero", "--format", "json")
    assert code == 0
    json.loads(out)
    assert "检查中" not in err and "\x1b" not in err


def test_progress_goes_to_stderr_never_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    from dudao.cli import output

    monkeypatch.delenv("TERM", raising=False)  # the fake terminal draws, whatever the caller's
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(output, "stderr", console)
    monkeypatch.setattr(output, "progress_shown", lambda: True)
    monkeypatch.setattr(output, "PROGRESS_AFTER", 0.0)  # this check is quicker than a second
    code, out, _ = run("check", "--exit-zero", "--format", "json")
    assert code == 0
    json.loads(out)  # stdout is the JSON and nothing else
    assert "检查中" in screen.getvalue()  # the bar was drawn on the (fake) terminal


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_at_any_width(width: int) -> None:
    code, out, err = run("rules", "--for", "450103", width=width)
    assert code == 0, err
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    code, data, _ = run("rules", "--for", "450103", "--format", "json")
    listed = json.loads(data)
    for kind in ("rules", "parameters"):
        for r in listed[kind]:
            assert whole_on_a_line(r["id"], lines), (r["id"], width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--set", "quality_balanced"],
        ["programmes"],
        ["plan", "show"],
        pytest.param(["plan", "status", "nanning"], marks=pytest.mark.regional),
    ],
    ids=["evaluate", "programmes", "plan-show", "plan-status"],
)
def test_every_table_fits(args: list[str], width: int) -> None:
    code, out, err = run(*args, width=width)
    assert code == 0, err
    too_wide = [line for line in out.splitlines() if cell_len(line) > width]
    assert not too_wide


def test_explain_shows_markup_from_data_as_written(tmp_path: Path) -> None:
    import shutil

    from dudao.examples import example_path

    folder = tmp_path / "data"
    shutil.copytree(example_path(), folder)
    for path in folder.glob("*.csv"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("DJ-Z1", "[/]DJ-Z1"), encoding="utf-8"
        )
    code, out, err = run("explain", "routine-visits", "DJ-03", str(folder), width=80)
    assert code == 0, err  # rich read "[/]" as a closing tag and the command failed
    assert "zone = [/]DJ-Z1" in out
    assert all(cell_len(line) <= 80 for line in out.splitlines())


def test_quick_work_shows_no_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from dudao.cli import output

    monkeypatch.delenv("TERM", raising=False)  # TERM=dumb would keep the bar from drawing
    screen = io.StringIO()
    monkeypatch.setattr(output, "stderr", Console(file=screen, force_terminal=True, width=100))
    monkeypatch.setattr(output, "progress_shown", lambda: True)
    monkeypatch.setattr(output, "PROGRESS_AFTER", 0.5)
    with output.working("很快"):
        pass
    time.sleep(0.7)  # the timer that would have shown it has been cancelled
    assert "很快" not in screen.getvalue()
    with output.working("较慢", total=2) as advance:
        time.sleep(0.8)
        advance()
    assert "较慢" in screen.getvalue()


def test_the_callers_terminal_changes_nothing() -> None:
    """The tests above choose the width themselves (COLUMNS in CliRunner's env) and fake
    the terminal they need: run some of them under a narrow, coloured, dumb terminal."""
    env = {
        **os.environ,
        "COLUMNS": "60",
        "LINES": "10",
        "FORCE_COLOR": "1",
        "TTY_COMPATIBLE": "1",
        "TERM": "dumb",
    }
    chosen = "rules_at_any_width or plan_show or progress or no_progress or check_at_any_width"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", __file__, "-k", chosen],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parent.parent,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "deselected" in result.stdout
