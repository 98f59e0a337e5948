"""The core stands alone (issue 12 item 7): dudao's own example, 宜昌市, loads and checks
with no regional plugin; the Nanning example lives in the Nanning plugin and is still
found by name where that plugin is installed.

Run as the "core alone" CI step (no regional plugin loaded):
``DUDAO_NO_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:randomly tests/test_core_example.py``
— every test here also passes in an environment with only ``dudao`` installed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from dudao import examples
from dudao.api import check
from dudao.cli import cli
from dudao.errors import DudaoError
from dudao.examples import DEFAULT, FOLDER, example_names, example_path
from dudao.plugins.manager import load_plugins

ROOT = Path(__file__).parents[1]

# Each problem tools/make_example_nanning.py places, for the rules in force in Hubei (the
# national ones): the Nanning roles land on Yichang's units (see the tool's YICHANG).
# committee-composition finds nothing: nationally no member unit, office or liaison is
# required (those are Guangxi's parameters); upward-reporting and committee-meetings are
# Guangxi's and Nanning's rules.
EXPECTED_ERRORS = {
    "committee-established": {"420526"},  # 兴山县: no committee
    "government-supervised": {"420526", "420505"},  # 2016; 猇亭区 never
    "inspector-staffing": {"420502", "420528"},  # 西陵区 (a 3,000-student school), 长阳
    "inspector-training-hours": {"YD-P1"},  # 32 hours
    "part-time-terms": {"XL-P2", "YL-P1"},  # four terms; a four-year term
    "pre-service-training": {"WF-I2"},
    "routine-visits": {"DJ-03", "YD-04", "DY-07", "YL-10"},
    "school-comprehensive-cycle": {"YA-02", "ZG-04", "DY-09"},
    "supervision-funding": {"420525"},  # 远安县: no 2022 budget line
    "unqualified-removed": {"DY-I2"},
    "zone-coverage": {"CY-05", "CY-06", "CY-07", "CY-08", "YL-10"},
}
NATIONAL_ONLY = ["national"]
#: the ``dudao`` command, run by this interpreter
DUDAO = [sys.executable, "-c", "from dudao.cli import main; main()"]


def _errors(findings: pd.DataFrame) -> dict[str, set[str]]:
    errors = findings[findings["severity"] == "error"]
    out: dict[str, set[str]] = {}
    for rule, target in zip(errors["rule"], errors["target"], strict=True):
        out.setdefault(rule, set()).add(target)
    return out


@pytest.fixture(scope="module")
def core_only():
    plugins = load_plugins(autoload=False)
    assert [p.name for p in plugins] == NATIONAL_ONLY
    return plugins


def test_the_default_example_is_dudao_s_own() -> None:
    assert DEFAULT == "yichang"
    assert example_path() == FOLDER / "yichang"
    assert "yichang" in example_names()
    assert not (FOLDER / "nanning").exists()  # moved to the Nanning plugin


def test_core_example_checks_with_no_regional_plugin(core_only) -> None:
    result = check(example_path(), core_only)
    assert _errors(result.findings) == EXPECTED_ERRORS
    warnings = result.findings[result.findings["severity"] == "warning"]
    assert list(zip(warnings["rule"], warnings["target"], strict=True)) == [
        ("inspector-training-hours", "DJ-P1")  # no training record
    ]
    # every finding rests on the national plugin alone
    assert set(result.findings["plugin"]) == {"national"}
    # every national rule that can run on a city checks something and passes something
    ran: dict[str, int] = {}
    for run in result.runs:
        if run.checked:
            ran[run.rule] = ran.get(run.rule, 0) + run.checked - run.failed
    assert set(ran) >= set(EXPECTED_ERRORS)
    assert all(passed > 0 for passed in ran.values())


def test_staffing_in_xiling_uses_the_labelled_sample_threshold(core_only) -> None:
    found = check(example_path(), core_only).findings
    (row,) = found[
        (found["rule"] == "inspector-staffing") & (found["target"] == "420502")
    ].itertuples()
    # 14 schools, one of 3,000 students ≥ 3,000 (the dataset's sample threshold):
    # ceil(13 / 5) + 1 = 4 required; 1 full-time + 2 part-time = 3 in post
    assert (row.evidence["required"], row.evidence["actual"]) == (4, 3)
    assert row.evidence["sample_parameters"] is True


def test_installed_plugins_change_nothing_in_the_core_example(core_only) -> None:
    """Hubei lies outside every bundled plugin's scope: with all of them installed the
    findings are the same, row for row."""
    alone = check(example_path(), core_only).findings
    everything = check(example_path(), load_plugins()).findings
    pd.testing.assert_frame_equal(alone, everything)


def _without_plugins() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUDAO_")}
    return {**env, "DUDAO_NO_PLUGIN_AUTOLOAD": "1"}


def test_dudao_check_with_no_argument_runs_in_a_process_with_no_regional_plugin() -> None:
    """README's command 1 (``dudao check --exit-zero``) in a process that loads no
    plugin entry point: the default dataset needs none."""
    run = subprocess.run(
        [*DUDAO, "check", "--format", "json", "--exit-zero"],
        capture_output=True,
        text=True,
        env=_without_plugins(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "内部错误" not in run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["dataset"]["scope"] == "420500"
    assert {r["plugin"] for r in data["findings"]} == {"national"}
    errors: dict[str, set[str]] = {}
    for r in data["findings"]:
        if r["severity"] == "error":
            errors.setdefault(r["rule"], set()).add(r["target"])
    assert errors == EXPECTED_ERRORS
    # and without --exit-zero the errors make it exit 1
    strict = subprocess.run(
        [*DUDAO, "check"],
        capture_output=True,
        text=True,
        env=_without_plugins(),
        timeout=120,
    )
    assert strict.returncode == 1, strict.stderr


def test_demo_accounts_and_their_pages_need_no_regional_plugin(tmp_path: Path) -> None:
    """README's information-system command (``dudao accounts demo && dudao serve``)
    with the core alone: demo accounts of 宜昌 and its approved example data; a
    county's page shows its findings and the bundled sample evaluation about it."""
    from fastapi.testclient import TestClient

    from dudao.server.settings import Settings
    from dudao.web.app import create_app

    data = tmp_path / "data"
    run = subprocess.run(
        [*DUDAO, "accounts", "--data", str(data), "demo"],
        capture_output=True,
        text=True,
        env=_without_plugins(),
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "yc-staff" in run.stdout and "xl-staff" in run.stdout and "dudao-demo" in run.stdout
    assert "已导入示例数据集 yichang" in run.stdout and "420500" in run.stdout
    settings = Settings(data=data, plugins=load_plugins(autoload=False))
    with TestClient(create_app(settings)) as client:
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert token is not None
        signed = client.post(
            "/login",
            data={"username": "xl-staff", "password": "dudao-demo", "csrf_token": token[1]},
        )
        assert signed.status_code == 200 and "西陵区政府教育督导室（示例）" in signed.text
        page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/units/420502").text))
    assert "宜昌市2023年已审核数据" in page
    assert "兼职督学已连续任职 4 届" in page  # XL-P2: part-time-terms, as in EXPECTED_ERRORS
    assert "没有该项评估数据" not in page and "西陵区 420502 2024 年" in page


def test_simulate_with_no_argument_runs_with_no_regional_plugin(tmp_path: Path) -> None:
    """``dudao simulate`` on dudao's own example and its evaluation data, core alone."""
    reform = tmp_path / "four.yaml"
    reform.write_text(
        "name: ratio-4-hubei\nparameters:\n"
        "  - {id: inspector.schools_per_inspector, scope: '420000', value: 4}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [*DUDAO, "simulate", "--reform", str(reform), "--runs", "0", "--format", "json"],
        capture_output=True,
        text=True,
        env=_without_plugins(),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["dataset"]["scope"] == "420500" and data["dataset"]["sample"]
    staffing = {r["scenario"]: r for r in data["staffing"]}
    assert staffing["ratio-4-hubei"]["required"] > staffing["baseline"]["required"]
    assert {r["set"] for r in data["ranks"]} == {"quality_balanced", "preschool_universal"}
    assert data["plugins"] == {"excluded": [], "conflicts": []}


def test_evaluate_with_no_argument_scores_yichang_with_no_regional_plugin() -> None:
    """``dudao evaluate`` defaults to dudao's own example's evaluation data, like check
    and simulate: it was Nanning's, whose targets no national-only run has a name for."""
    run = subprocess.run(
        [*DUDAO, "evaluate", "--set", "quality_balanced", "--format", "json"],
        capture_output=True,
        text=True,
        env=_without_plugins(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    grades = {r["target"]: r["grade"] for r in data["results"]}
    # yichang_evaluation/README.md: the designed results
    assert grades == {"420502": "达标", "420503": "不达标", "420525": "不达标", "420526": "不达标"}
    assert {r["evaluator"] for r in data["results"]} == {"420500"}
    assert data["set"]["rests_on_sample"] and data["plugins"] == {"excluded": [], "conflicts": []}


def test_evaluate_reaches_nanning_s_evaluation_data_by_name() -> None:
    for args in (["evaluate", "nanning"], ["evaluate", "yichang"], ["evaluate"]):
        run = CliRunner().invoke(cli, [*args, "--set", "preschool_universal", "--format", "json"])
        assert run.exit_code == 0, run.output
        targets = {r["target"] for r in json.loads(run.output)["results"]}
        prefix = "450" if "nanning" in args else "420"
        assert targets and all(t.startswith(prefix) for t in targets), (args, targets)
    table = CliRunner().invoke(cli, ["evaluate", "nanning", "--set", "preschool_universal"])
    assert "nanning_evaluation" in table.output and "示例数据" in table.output


def test_an_example_is_named_on_the_command_line() -> None:
    run = CliRunner().invoke(cli, ["check", "yichang", "--format", "json", "--exit-zero"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["dataset"]["scope"] == "420500"


def test_a_plugin_example_missing_says_which_plugin_ships_it(monkeypatch) -> None:
    monkeypatch.setattr(examples, "_plugin_examples", dict)
    with pytest.raises(DudaoError) as e:
        example_path("nanning")
    (problem,) = e.value.problems
    assert problem.code == "unknown-example"
    assert "dudao-nanning" in (problem.hint or "") and "yichang" in (problem.hint or "")


@pytest.mark.skipif(
    importlib.util.find_spec("dudao_nanning") is None, reason="the Nanning plugin is not installed"
)
def test_the_nanning_example_is_the_nanning_plugin_s() -> None:
    import dudao_nanning

    path = example_path("nanning")
    assert path == Path(dudao_nanning.__file__).parent / "examples" / "nanning"
    assert "nanning" in example_names()


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_example", ROOT / "tools" / "make_example_nanning.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool  # dataclasses look their module up
    try:
        spec.loader.exec_module(tool)
    finally:
        del sys.modules[spec.name]
    return tool


@pytest.mark.parametrize("region", ["nanning", "yichang"])
def test_the_generator_writes_the_examples_as_committed(region: str, tmp_path: Path) -> None:
    tool = _generator()
    r = tool.REGIONS[region]
    committed = r.out
    if not committed.exists():
        pytest.skip(f"{committed} is not in this checkout")
    tool.write(dataclasses.replace(r, out=tmp_path))
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in committed.iterdir() if p.name != "dataset.yaml")
    for name in written:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name


def test_the_generator_writes_yichang_s_evaluation_data_as_committed(tmp_path: Path) -> None:
    tool = _generator()
    tool.write_evaluation(tool.REGIONS["yichang"], tmp_path)
    committed = examples.evaluation_path("yichang")
    assert committed == tool.EVALUATION_OUT["yichang"]
    assert committed is not None and committed.parent == FOLDER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["measurements.csv", "schools.csv"]
    for name in ("measurements.csv", "schools.csv"):
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
    measured = pd.read_csv(committed / "measurements.csv", dtype={"target": str})
    assert set(measured["target"]) == {"420502", "420503", "420525", "420526"}
