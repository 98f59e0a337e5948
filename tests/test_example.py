"""The bundled Nanning example: every rule runs, and fails exactly where the data was made to."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dudao.api import check
from dudao.cli import cli
from dudao.examples import example_path
from dudao.plugins.manager import load_plugins

pytestmark = pytest.mark.regional

# Each problem placed on purpose by tools/make_example_nanning.py (see its PROBLEMS).
EXPECTED_ERRORS = {
    "committee-composition": {"450103"},
    "committee-established": {"450124"},
    "committee-meetings": {"450100"},
    "government-supervised": {"450124", "450100-dongmeng"},
    "inspector-staffing": {"450103", "450126"},
    "inspector-training-hours": {"WM-P1"},
    "part-time-terms": {"QX-P2", "XXT-P1"},
    "pre-service-training": {"LQ-I2"},
    "routine-visits": {"HZ-07", "JN-03", "WM-04", "XXT-10"},
    "school-comprehensive-cycle": {"HZ-09", "LA-02", "SL-04"},
    "supervision-funding": {"450123"},
    "unqualified-removed": {"HZ-I2"},
    "upward-reporting": {"450125", "450100-gaoxin"},
    "zone-coverage": {"BY-05", "BY-06", "BY-07", "BY-08", "XXT-10"},
}


@pytest.fixture(scope="module")
def result():
    return check(example_path("nanning"), load_plugins())


def test_every_placed_problem_is_found_and_nothing_else(result) -> None:
    errors = result.findings[result.findings["severity"] == "error"]
    found: dict[str, set[str]] = {}
    for rule, target in zip(errors["rule"], errors["target"], strict=True):
        found.setdefault(rule, set()).add(target)
    assert found == EXPECTED_ERRORS
    warnings = result.findings[result.findings["severity"] == "warning"]
    assert list(zip(warnings["rule"], warnings["target"], strict=True)) == [
        ("inspector-training-hours", "JN-P1")  # no training record
    ]


def test_every_rule_that_can_run_on_a_city_checks_something_and_passes_something(result) -> None:
    ran = {}
    for run in result.runs:
        if run.checked:
            ran[run.rule] = ran.get(run.rule, 0) + run.checked - run.failed
    assert set(ran) == set(EXPECTED_ERRORS)
    assert all(passed > 0 for passed in ran.values())
    # the province's annual supervision is judged on province-wide datasets only
    assert {r.rule for r in result.runs if not r.checked} >= {"annual-comprehensive-supervision"}


def test_staffing_in_qingxiu_uses_the_labelled_sample_threshold(result) -> None:
    (row,) = result.findings[
        (result.findings["rule"] == "inspector-staffing") & (result.findings["target"] == "450103")
    ].itertuples()
    # 14 schools, one with 3,000 students ≥ 3,000 (sample): ceil(13 / 5) + 1 = 4 required;
    # 1 full-time + 2 part-time serving = 3
    assert row.evidence["required"] == 4 and row.evidence["actual"] == 3
    assert row.evidence["sample_parameters"] is True
    assert (
        row.message
        == "督学配备不足：14 所学校（其中 1 所大规模学校按 1:1）应配 4 名，在任 3 名，缺 1 名"
    )


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_exits_1_on_errors_and_0_with_exit_zero() -> None:
    assert run("check", "nanning").exit_code == 1
    assert run("check", "nanning", "--exit-zero").exit_code == 0


def test_check_table_groups_by_jurisdiction_and_says_the_data_is_sample() -> None:
    out = run("check", "nanning", "--exit-zero").stdout
    assert "注意：本数据集为示例数据，不代表实际情况。" in out
    assert "青秀区（450103）" in out and "马山县（450124）" in out
    assert "发现 错误 27 项、警告 1 项、提示 0 项" in out


def test_check_json_and_markdown() -> None:
    data = json.loads(run("check", "nanning", "--format", "json", "--exit-zero").stdout)
    assert data["summary"] == {"error": 27, "warning": 1, "info": 0}
    assert data["dataset"]["sample"] is True
    first = data["findings"][0]
    assert set(first) >= {
        "rule",
        "severity",
        "target",
        "message",
        "message_en",
        "citation",
        "evidence",
        "plugin",
    }
    md = run("check", "nanning", "--format", "markdown", "--exit-zero").stdout
    assert md.startswith("# 南宁市教育督导示例数据集")
    assert "| 错误 | committee-established | 马山县 |" in md


def test_check_single_rule_and_as_of() -> None:
    data = json.loads(
        run("check", "nanning", "--rule", "committee-established", "--format", "json").stdout
    )
    assert {f["rule"] for f in data["findings"]} == {"committee-established"}
    bad = run("check", "nanning", "--as-of", "2023-13-01")
    assert bad.exit_code == 2 and "日期 '2023-13-01' 格式不对" in bad.stderr


def test_rules_lists_rules_and_parameters_with_sources() -> None:
    data = json.loads(
        run("rules", "--for", "450103", "--as-of", "2023-03-01", "--format", "json").stdout
    )
    rules = {r["id"]: r for r in data["rules"]}
    assert rules["inspector-staffing"]["citation"] == "厅发〔2020〕26号 三（一）"
    assert rules["committee-meetings"]["plugin"] == "nanning"
    params = {p["id"]: p for p in data["parameters"]}
    assert params["inspector.schools_per_inspector"]["value"] == 5
    # outside Guangxi no region adopted the meeting template: it is not in force
    weinan = json.loads(
        run("rules", "--for", "610503", "--as-of", "2023-03-01", "--format", "json").stdout
    )
    assert "committee-meetings" not in {r["id"] for r in weinan["rules"]}


def test_explain_shows_the_numbers_and_the_parameters() -> None:
    data = json.loads(
        run("explain", "inspector-staffing", "450103", "nanning", "--format", "json").stdout
    )
    assert data["ok"] is False
    assert data["evidence"]["required"] == 4
    assert {p["id"] for p in data["parameters"]} == {
        "inspector.schools_per_inspector",
        "inspector.large_school_students",
    }
    sample = next(p for p in data["parameters"] if p["id"] == "inspector.large_school_students")
    assert (sample["plugin"], sample["sample"]) == ("dataset", True)
    passing = json.loads(
        run("explain", "inspector-staffing", "450108", "nanning", "--format", "json").stdout
    )
    assert passing["ok"] is True and passing["message"] is None
    missing = run("explain", "inspector-staffing", "999999", "nanning")
    assert missing.exit_code == 2 and "没有检查对象 '999999'" in missing.stderr
