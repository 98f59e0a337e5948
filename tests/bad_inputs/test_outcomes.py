"""The honest outcomes next to the bad inputs: a clean check prints its report, and a
table the dataset does not have is reported as such, never read as zero records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dudao.io.dataset import load_dataset
from dudao.plugins.manager import load_plugins

from .conftest import run


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_a_check_without_findings_prints_its_report(fmt: str) -> None:
    # the example has no province-organised comprehensive supervision due yet: clean
    result = run("check", "--rule", "annual-comprehensive-supervision", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["summary"] == {"error": 0, "warning": 0, "info": 0}
    else:
        assert "错误 0 项、警告 0 项、提示 0 项" in result.stdout


@pytest.mark.regional
def test_a_dataset_without_zones_does_not_judge_zone_coverage(dataset: Path) -> None:
    (dataset / "zones.csv").unlink()
    result = run("check", dataset, "--format", "json")
    runs = json.loads(result.stdout)["rules"]
    assert {r["rule"]: r["skipped"] for r in runs if r["rule"] == "zone-coverage"} == {
        "zone-coverage": "数据集中没有 zones 表"
    }
    assert all(f["rule"] != "zone-coverage" for f in json.loads(result.stdout)["findings"])
    # national and Guangxi versions of the rule: said once
    lines = run("check", dataset).stdout.splitlines()
    assert sum(line.startswith("未运行 zone-coverage（") for line in lines) == 1


@pytest.mark.regional
def test_a_dataset_without_schools_says_which_rules_it_cannot_run(dataset: Path) -> None:
    """Not 40 visits naming unknown schools, nor every school counted as none."""
    (dataset / "schools.csv").unlink()
    result = run("check", dataset, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    skipped = {r["rule"]: r["skipped"] for r in json.loads(result.stdout)["rules"]}
    assert skipped["zone-coverage"] == "数据集中没有 schools 表"
    assert "未运行 zone-coverage（" in run("check", dataset).stdout


@pytest.mark.regional
@pytest.mark.parametrize("table", ["schools", "zones", "inspectors", "visits", "budgets"])
def test_an_absent_table_provides_nothing(dataset: Path, table: str) -> None:
    (dataset / f"{table}.csv").unlink()
    ds, _ = load_dataset(dataset, load_plugins().hierarchy())
    assert not ds.provides(table)
    assert not ds.provides(f"{table}.date")
    assert ds.provides("meetings") and ds.provides("meetings.date")


@pytest.mark.regional
def test_an_absent_inspectors_table_is_not_an_unknown_inspector_everywhere(
    dataset: Path,
) -> None:
    (dataset / "inspectors.csv").unlink()
    result = run("check", dataset, "--format", "json")
    assert result.exit_code in (0, 1), result.output  # visits name inspectors: not checked
    skipped = {r["rule"]: r["skipped"] for r in json.loads(result.stdout)["rules"]}
    assert skipped["city-inspector-renewal"] == "数据集中没有 inspectors 表"
