"""YAML test cases: what passes, what fails and says why, what is a broken file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.errors import DudaoError
from dudao.plugins.manager import load_plugins
from dudao.testcases import run_case

PLUGINS = load_plugins(autoload=False)

ZONE_CASE = """\
name: 责任区没有督学
as_of: 2023-03-01
dataset:
  scope: "450108"
  tables:
    schools:
      - {school_id: S1, name: 一小, stage: primary, ownership: public, students: 600,
         county: "450108", zone: Z1}
      - {school_id: S2, name: 二小, stage: primary, ownership: public, students: 600,
         county: "450108", zone: Z1}
    zones: [{zone_id: Z1, name: 一区, county: "450108"}]
    inspectors: []
rules: [zone-coverage]
expect:
  findings:
"""


def _write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / "cases" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_every_finding_must_be_expected_and_every_expectation_found(tmp_path: Path) -> None:
    both = ZONE_CASE + "    - {rule: zone-coverage, target: S1, severity: error}\n"
    both += "    - {rule: zone-coverage, target: S2}\n"
    assert run_case(_write(tmp_path, both), PLUGINS).passed
    one = ZONE_CASE + "    - {rule: zone-coverage, target: S1}\n"
    result = run_case(_write(tmp_path, one), PLUGINS)
    assert not result.passed
    assert result.failures == [
        "多出未预期的问题：zone-coverage S2 错误：责任区 Z1 没有在任的责任督学"
    ]
    wrong = ZONE_CASE + "    - {rule: zone-coverage, target: S1, severity: warning}\n"
    wrong += "    - {rule: zone-coverage, target: S2}\n"
    result = run_case(_write(tmp_path, wrong), PLUGINS)
    assert "缺少预期的问题：zone-coverage S1 警告" in result.failures


def test_an_inspector_in_the_zone_clears_the_finding(tmp_path: Path) -> None:
    text = ZONE_CASE.replace(
        "    inspectors: []",
        "    inspectors:\n"
        "      - {inspector_id: I1, name: 李明, kind: full_time, appointing: '450108',\n"
        "         term_start: 2021-09-01, trained_on: 2021-08-01, zone: Z1}",
    )
    assert run_case(_write(tmp_path, text + "    []\n"), PLUGINS).passed


def test_a_bad_row_is_reported_at_its_yaml_line(tmp_path: Path) -> None:
    text = ZONE_CASE.replace(
        'students: 600,\n         county: "450108", zone: Z1}\n    zones',
        'students: 多,\n         county: "450108", zone: Z1}\n    zones',
    )
    path = _write(tmp_path, text + "    []\n")
    with pytest.raises(DudaoError) as err:
        run_case(path, PLUGINS)
    shown = str(err.value)
    assert "case.yaml:9" in shown and "dataset.tables.schools[1]" in shown
    assert "students" in shown


def test_a_misspelt_key_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ZONE_CASE.replace("rules:", "rulez:") + "    []\n")
    with pytest.raises(DudaoError) as err:
        run_case(path, PLUGINS)
    assert "case.yaml:13" in str(err.value)


def test_cli_exit_status_says_pass_fail_or_broken(tmp_path: Path) -> None:
    runner = CliRunner()
    good = _write(
        tmp_path,
        ZONE_CASE + "    - {rule: zone-coverage, target: S1}\n"
        "    - {rule: zone-coverage, target: S2}\n",
        "good.yaml",
    )
    result = runner.invoke(cli, ["test", str(good)])
    assert result.exit_code == 0, result.output
    assert "通过 1" in result.output
    _write(tmp_path, ZONE_CASE + "    []\n", "bad.yaml")
    result = runner.invoke(cli, ["test", str(good.parent)])
    assert result.exit_code == 1
    assert "不通过 1" in result.output
    _write(tmp_path, "name: x\n", "broken.yaml")
    result = runner.invoke(cli, ["test", str(good.parent), "--format", "json"])
    assert result.exit_code == 2


def test_pytest_collects_case_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        ZONE_CASE + "    - {rule: zone-coverage, target: S1}\n"
        "    - {rule: zone-coverage, target: S2}\n",
        "passes.yaml",
    )
    _write(tmp_path, ZONE_CASE + "    []\n", "fails.yaml")
    # data files beside the cases are not collected (a parameters file is no test)
    (tmp_path / "parameters.yaml").write_text("parameters: []\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"DUDAO_NO_PLUGIN_AUTOLOAD": "1", "PATH": "/usr/bin:/bin"},
    )
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "多出未预期的问题：zone-coverage S1" in run.stdout


#: one county's preschool measurements with a major safety accident (a veto), as YAML
ACCIDENT_CELLS = (
    "target: '450102', children: 9000, population_3_5: 10000, public_children: 5000, "
    "affordable_private_children: 3500, outdoor_area: 1, activity_room_area: 1, "
    "building_area: 1, compliant_classes: 10, classes: 10, full_time_teachers: 10, "
    "certified_staff: 10, staff: 10, social_recognition: 0.9, major_safety_accidents: 1"
)


@pytest.mark.regional
def test_scores_on_a_folder_dataset_resolve_the_set_at_the_dataset_scope(tmp_path: Path) -> None:
    from dudao.examples import example_path

    cells = ACCIDENT_CELLS
    text = f"""\
name: 重大安全事故一票否决
as_of: 2023-03-01
dataset: {example_path("nanning")}
measurements:
  - {{{cells}}}
expect:
  scores:
    set: preschool_universal
    units: {{"450102": {{vetoed: true}}}}
"""
    plugins = load_plugins()  # the example's development zones come from the Nanning plugin
    result = run_case(_write(tmp_path, text), plugins)
    assert result.passed, result.failures
    failing = run_case(_write(tmp_path, text.replace("vetoed: true", "vetoed: false")), plugins)
    assert failing.failures == ["得分 450102 vetoed：预期 False，实际 True"]


@pytest.mark.regional
def test_scores_use_a_regional_extension_of_the_national_set(tmp_path: Path) -> None:
    from dudao.examples import example_path
    from dudao.plugins.yaml_plugin import YamlPlugin

    data = tmp_path / "plugin"
    (data / "indicator_sets").mkdir(parents=True)
    (data / "plugin.yaml").write_text(
        'name: demo\ntitle: 示例\nscope: "450102"\n', encoding="utf-8"
    )
    # the region drops the accident veto: inside 450102 an accident no longer vetoes
    (data / "indicator_sets" / "preschool.yaml").write_text(
        "id: preschool_universal\nextends: preschool_universal\ntitle: 示例\n"
        "sample: true\nremove: [safety_accident]\n",
        encoding="utf-8",
    )
    plugins = load_plugins(extra={"demo": YamlPlugin(data)})
    cells = ACCIDENT_CELLS
    text = f"""\
name: 地区删去一票否决项
as_of: 2023-03-01
dataset: {example_path("nanning")}
measurements:
  - {{{cells}}}
expect:
  scores:
    set: preschool_universal
    units: {{"450102": {{vetoed: false}}}}
"""
    result = run_case(_write(tmp_path, text), plugins)
    assert result.passed, result.failures


STAFFING_CASE = """\
name: 数据集自带参数
as_of: 2023-03-01
dataset:
  scope: "450108"
  tables:
    schools:
{schools}
    inspectors:
      - {{inspector_id: I1, name: 李明, kind: full_time, appointing: "450108",
         term_start: 2021-09-01, trained_on: 2021-08-01}}
{parameters}
rules: [inspector-staffing]
expect:
  findings: {findings}
"""


def test_an_inline_dataset_carries_its_own_parameters(tmp_path: Path) -> None:
    schools = "\n".join(
        f"      - {{school_id: S{i}, name: 学校{i}, stage: primary, ownership: public,"
        f" students: 300, county: '450108'}}"
        for i in range(6)
    )
    # 6 schools at 5 per inspector need 2 inspectors; the county has 1
    short = STAFFING_CASE.format(
        schools=schools, parameters="", findings="[{rule: inspector-staffing, target: '450108'}]"
    )
    assert run_case(_write(tmp_path, short), PLUGINS).passed
    # at a (sample) 10 schools per inspector, 1 inspector is enough
    params = (
        "  parameters:\n"
        "    - id: inspector.schools_per_inspector\n"
        "      title: 每名督学负责的学校数\n"
        "      values: [{value: 10, sample: true}]"
    )
    enough = STAFFING_CASE.format(schools=schools, parameters=params, findings="[]")
    result = run_case(_write(tmp_path, enough), PLUGINS)
    assert result.passed, result.failures


def test_only_case_files_are_collected_from_a_folder(tmp_path: Path) -> None:
    """A plugin folder holds data files too: ``dudao test`` runs its cases and nothing
    else, as pytest runs test_*.py (it once reported 108 data files as broken cases)."""
    from dudao.testcases import find_cases

    case = _write(tmp_path, ZONE_CASE + "    []\n", "in_cases.yaml")
    nested = tmp_path / "cases" / "2023" / "nested.yaml"
    nested.parent.mkdir()
    nested.write_text("name: x\n", encoding="utf-8")  # broken, but in cases/: reported
    shaped = tmp_path / "elsewhere.yaml"  # a case by its shape, outside cases/
    shaped.write_text(ZONE_CASE + "    []\n", encoding="utf-8")
    for data in ("parameters.yaml", "data/dataset.yaml", "data/plans/2023.yaml"):
        (tmp_path / data).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / data).write_text("parameters: []\nname: 数据\n", encoding="utf-8")
    (tmp_path / "broken-data.yaml").write_text("a: [\n", encoding="utf-8")
    assert find_cases([tmp_path]) == [nested, case, shaped]
    result = CliRunner().invoke(cli, ["test", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2  # nested.yaml is a broken case
    assert len(json.loads(result.stdout)["broken"]) == 1


def test_the_plugins_folder_holds_cases_and_data_and_only_cases_run() -> None:
    from dudao.testcases import find_cases

    root = Path(__file__).resolve().parents[1] / "plugins"
    found = find_cases([root])
    assert found and all("cases" in p.relative_to(root).parts for p in found)
    assert len(found) == len(list(root.glob("*/tests/cases/*.yaml")))


def test_a_folder_without_cases_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "parameters.yaml").write_text("parameters: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}: 文件夹中没有测试用例" in result.stderr
