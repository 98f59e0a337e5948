"""``dudao simulate`` end to end on dudao's own example (宜昌市, national rules: no
regional plugin needed) and, with the plugins, on the Nanning example."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dudao.cli import cli

FOUR = """name: ratio-4-hubei
title: 湖北督学配比改为 1:4
parameters:
  - id: inspector.schools_per_inspector
    scope: "420000"
    value: 4
"""
FOUR_GUANGXI = FOUR.replace("hubei", "guangxi").replace("湖北", "广西").replace("420000", "450000")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def reform_file(tmp_path: Path, text: str = FOUR) -> Path:
    path = tmp_path / "four.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_static_comparison_as_json(tmp_path: Path) -> None:
    code, out, err = run(
        "simulate", "--reform", str(reform_file(tmp_path)), "--runs", "0", "--pay", "100000",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["dataset"]["scope"] == "420500"
    assert [s["name"] for s in data["scenarios"]] == ["baseline", "ratio-4-hubei"]
    assert data["rules"] == ["inspector-staffing"]
    staffing = {r["scenario"]: r for r in data["staffing"]}
    base, four = staffing["baseline"], staffing["ratio-4-hubei"]
    assert base["schools"] == four["schools"] and base["actual"] == four["actual"]
    assert four["required"] > base["required"]
    assert four["annual_cost"] == four["shortfall"] * 100_000
    assert "dynamic" not in data
    assert {r["set"] for r in data["ranks"]} == {"quality_balanced", "preschool_universal"}
    assert {r["targets"] for r in data["ranks"]} == {4}  # yichang_evaluation's four counties


def test_tables_plots_and_runs_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(
        "simulate", "--reform", str(reform_file(tmp_path)), "--runs", "4", "--years", "3",
        "--workers", "1", "--level", "prefecture", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert "第 3 年（4 次运行" in stdout and "示例参数" in stdout
    for name in ("findings", "staffing", "programmes", "ranks", "staffing_by_prefecture"):
        assert (out / "static" / f"{name}.parquet").exists(), name
    runs = pd.read_parquet(out / "dynamic" / "runs.parquet")
    assert sorted(runs["scenario"].unique()) == ["baseline", "ratio-4-hubei"]
    assert set(runs["group"]) == {"420500"} and runs["year"].max() == 3
    assert runs.groupby("scenario")["run"].nunique().tolist() == [4, 4]
    for stem in ("staffing", "findings", "dynamic", "distribution"):
        png, svg = out / "plots" / f"{stem}.png", out / "plots" / f"{stem}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", stem
        assert "<svg" in svg.read_text(encoding="utf-8")[:500], stem
    city = pd.read_parquet(out / "static" / "staffing_by_prefecture.parquet")
    assert city["jurisdiction"].tolist() == ["420500", "420500"]


@pytest.mark.regional
def test_the_nanning_example_is_compared_on_its_evaluation_data(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DUDAO_DISABLE_PLUGINS", "yueyang,weinan")
    code, out, err = run(
        "simulate", "nanning", "--reform", str(reform_file(tmp_path, FOUR_GUANGXI)),
        "--runs", "0", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["dataset"]["scope"] == "450100"
    staffing = {r["scenario"]: r for r in data["staffing"]}
    assert staffing["ratio-4-guangxi"]["required"] > staffing["baseline"]["required"]
    ranks = data["ranks"]
    assert {r["set"] for r in ranks} == {"quality_balanced", "preschool_universal"}
    assert {r["targets"] for r in ranks} == {4}  # the four Nanning counties measured


def test_bad_reform_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = reform_file(tmp_path, FOUR.replace("schools_per_inspector", "schools_per_inspecter"))
    code, _, err = run("simulate", "--reform", str(bad), "--runs", "0")
    assert code == 2
    assert f"{bad}:4 parameters[0].id: 未知的参数 'inspector.schools_per_inspecter'" in err
    assert "Traceback" not in err
