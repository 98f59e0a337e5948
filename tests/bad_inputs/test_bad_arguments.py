"""Every command-line argument given a bad value: exit 2 naming the option (or the path)
and how to fix it; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from .conftest import impossible_dates, refused, run

REFORM = Path(__file__).resolve().parents[2] / "docs/examples/reforms/ratio_1_4_guangxi.yaml"

#: every command with --as-of, as typed before it
AS_OF_COMMANDS = {
    "check": ["check"],
    "explain": ["explain", "inspector-staffing", "450103"],
    "rules": ["rules", "--for", "450100"],
    "evaluate": ["evaluate", "--set", "preschool_universal"],
    "plan-status": ["plan", "status"],
    "programmes": ["programmes"],
    "simulate": ["simulate", "--reform", str(REFORM), "--runs", "1", "--years", "0", "--quiet"],
}
BAD_DATES = {
    "2023-02-30": "2023 年 2 月只有 28 天",
    "2023-13-45": "格式不对：没有 13 月",
    "0001-01-01": "早于 1900 年",
    "1899-12-31": "早于 1900 年",
    "2023/03/01": "格式不对",
    "下周一": "格式不对",
    "": "格式不对",
}


@pytest.mark.parametrize("date", list(BAD_DATES))
@pytest.mark.parametrize("command", list(AS_OF_COMMANDS))
def test_a_bad_as_of(command: str, date: str) -> None:
    refused(run(*AS_OF_COMMANDS[command], "--as-of", date), "--as-of: ", BAD_DATES[date])


@given(date=impossible_dates().filter(lambda d: "-" in d))
@settings(deadline=None)
def test_any_impossible_as_of(date: str) -> None:
    refused(run("check", "--as-of", date), f"--as-of: 日期 '{date}' ")


#: (command, whether --out is a folder)
OUT_COMMANDS = {
    "evaluate": (["evaluate", "--set", "preschool_universal", "--format", "xlsx"], False),
    "simulate": (AS_OF_COMMANDS["simulate"], True),
    "synth": (["synth", "--fraction", "0.01"], True),
    "new-plugin": (["new-plugin", "liuzhou", "--scope", "450200"], True),
}


def _outs(tmp_path: Path, folder: bool) -> dict[str, tuple[Path, str]]:
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    out = {
        "dev-null": (Path("/dev/null"), "设备或特殊文件"),
        "under-a-file": (a_file / ("out" if folder else "out.xlsx"), "不是文件夹"),
        "under-dev-null": (Path("/dev/null/out"), "不是文件夹"),
    }
    if folder:
        out["a-file"] = (a_file, "这是一个文件，而 --out 应为文件夹")
    else:
        out["a-folder"] = (tmp_path, "这是一个文件夹，而 --out 应为文件名")
        out["in-a-missing-folder"] = (tmp_path / "missing" / "out.xlsx", "不存在")
    return out


OUTS = [
    pytest.param(command, case, id=f"{command}-{case}")
    for command, (_, folder) in OUT_COMMANDS.items()
    for case in (
        ["dev-null", "under-a-file", "under-dev-null"]
        + (["a-file"] if folder else ["a-folder", "in-a-missing-folder"])
    )
]


@pytest.mark.parametrize(("command", "case"), OUTS)
def test_a_bad_out(tmp_path: Path, command: str, case: str) -> None:
    args, folder = OUT_COMMANDS[command]
    path, words = _outs(tmp_path, folder)[case]
    before = sorted(tmp_path.rglob("*"))
    refused(run(*args, "--out", path), f"{path} --out: ", words)
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "--rule", "zone-coverag"], "是否是 'zone-coverage'？"),
        (["check", "--rule", "zone-coverage", "--rule", "nope"], "没有名为 'nope' 的规则"),
        (["check", "--rule", "inspector_staffing"], "是否是 'inspector-staffing'？"),
        (["explain", "zone-coverag", "XN-01"], "RULE: 没有名为 'zone-coverag' 的规则"),
        (["explain", "zone-coverage", "NOPE"], "没有检查对象 'NOPE'"),
        (["check", "--format", "markdown", "--rule", "routine-visit"], "routine-visits"),
    ],
    ids=["typo", "one-of-two", "underscore", "explain", "explain-target", "markdown"],
)
def test_an_unknown_rule(args: list[str], words: str) -> None:
    refused(run(*args), words)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "{tmp}/nowhere"], "不是数据集文件夹"),
        (["check", "{tmp}/a-file.txt"], "不是数据集文件夹"),
        (["check", "{tmp}"], "缺少 dataset.yaml"),
        (["programmes", "{tmp}/nowhere"], ""),
        (["plan", "status", "{tmp}"], "缺少 dataset.yaml"),
        (["validate", "{tmp}/empty"], "文件夹中没有 YAML 文件"),
        (["validate", "{tmp}/broken"], "{tmp}/broken/plans/2023.yaml:2"),
        (["validate", "{tmp}/broken"], "{tmp}/broken/cases/x.yaml:1"),
        (["test", "{tmp}/empty"], "文件夹中没有测试用例"),
        (["test", "{tmp}/nowhere"], "找不到"),
        (["schema", "plna"], "是否是 'plan'？"),
        (["simulate", "--reform", "{tmp}/a-file.txt", "--runs", "1", "--years", "0"], "应为映射"),
        (["rules", "--for", "999999"], "未知的区划代码 '999999'"),
        (["hierarchy", "show", "999999"], "未知的区划代码 '999999'"),
        (["evaluate", "--set", "nope"], "没有 id 为 'nope' 的指标体系"),
        (["programmes", "--programme", "nope"], "没有 id 为 'nope' 的项目"),
        (["plan", "status", "--plugin", "nope"], "未知的插件 'nope'"),
        (["synth", "--scope", "999999", "--out", "{tmp}/s"], "未知的区划代码 '999999'"),
    ],
)
def test_a_bad_path_or_name(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken" / "plans").mkdir(parents=True)
    (tmp_path / "broken" / "plans" / "2023.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "broken" / "cases").mkdir()
    (tmp_path / "broken" / "cases" / "x.yaml").write_text("- a\n", encoding="utf-8")
    tmp = str(tmp_path)
    refused(run(*(a.format(tmp=tmp) for a in args)), words.format(tmp=tmp))
