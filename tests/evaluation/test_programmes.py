"""Programmes as scoped, dated, cited entries; the dataset's programmes table; the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.cli import programmes as programmes_cli
from dudao.errors import DudaoError
from dudao.evaluation.pipeline import ORDER, ProgrammeRun
from dudao.evaluation.programmes import (
    DEFAULT_STAGES,
    Programme,
    Stage,
    programme_problems,
    programme_status,
)
from dudao.io.tables import validate_table
from dudao.law.kinds import Kind
from dudao.model.tables import PROGRAMMES
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin

DAY = dt.date(2024, 6, 1)


def regional(root: Path, text: str, name: str = "nanning_test") -> YamlPlugin:
    folder = root / name
    (folder / "programmes").mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        f"name: {name}\ntitle: 南宁测试\nscope: '450100'\n", encoding="utf-8"
    )
    (folder / "programmes" / "p.yaml").write_text(text, encoding="utf-8")
    return YamlPlugin(folder)


GROUP = """\
id: group_schooling
title: 中小学幼儿园集团化办学督导评估
cite: 南府督委办〔2022〕7号
sample: true
target: school
stages:
  - {id: self_assessment, name: 集团自评}
  - {id: city_assessment, name: 市级督导评估}
"""

# 南宁 restates 普及普惠 with a stage of its own (sample: the names are illustrative)
PRESCHOOL_NN = """\
id: universal_preschool
title: 南宁市学前教育普及普惠督导评估
cite: 南府督委办〔2022〕7号
sample: true
indicator_set: preschool_universal
since: 2024-01-01
stages:
  - {id: self_assessment, name: 县级自评}
  - {id: city_review, name: 市级初核}
  - {id: mock_review, name: 自治区模拟评估}
  - {id: provincial_assessment, name: 自治区督导评估}
  - {id: national_recognition, name: 国家审核认定}
"""


def test_default_stages_agree_with_the_glossary_enum() -> None:
    assert [(s.id, s.name) for s in DEFAULT_STAGES] == [(s.value, s.label) for s in ORDER]


def test_national_plugin_declares_the_two_county_programmes() -> None:
    book = load_plugins(autoload=False).law_book()
    assert book.ids("programme") == ["quality_balanced", "universal_preschool"]
    qb = book.resolve("programme", "quality_balanced", "450103", DAY)
    assert qb is not None and qb.scope == "000000" and str(qb.cite[0]) == "教督〔2017〕6号"
    assert [s.name for s in qb.value.stages] == ["县级自评", "市级复核", "省级评估", "国家认定"]
    assert qb.value.indicator_set == "quality_balanced"
    up = book.resolve("programme", "universal_preschool", "450103", DAY).value
    assert [s.name for s in up.stages] == ["县级自评", "市级初核", "省级督导评估", "国家审核认定"]
    assert up.indicator_set == "preschool_universal"


def test_region_restates_a_programme_only_inside_its_scope(tmp_path: Path) -> None:
    plugins = load_plugins(autoload=False, extra={"nn": regional(tmp_path, PRESCHOOL_NN, "nn")})
    nanning = {p.id: p for p in plugins.programmes("450103", DAY)}
    liuzhou = {p.id: p for p in plugins.programmes("450203", DAY)}
    assert len(nanning["universal_preschool"].stages) == 5
    assert nanning["universal_preschool"].scope == "450100"
    assert len(liuzhou["universal_preschool"].stages) == 4  # outside: the national one
    before = {p.id: p for p in plugins.programmes("450103", dt.date(2023, 6, 1))}
    assert len(before["universal_preschool"].stages) == 4  # not yet in force


def test_uncited_programme_and_unknown_set_name_the_file(tmp_path: Path) -> None:
    text = "id: x\ntitle: 无依据\nindicator_set: nope\n"
    plugins = load_plugins(autoload=False, extra={"nn": regional(tmp_path, text, "nn")})
    assert "x" not in plugins.law_book().ids(Kind.PROGRAMME)  # the plugin is left out
    problems = plugins.get("nn").problems
    assert {"uncited-programme", "unknown-set"} <= {p.code for p in problems}
    assert all(p.source and p.source.endswith("p.yaml") for p in problems)


def test_duplicate_stage_is_reported() -> None:
    p = Programme("x", "重复", sample=True, stages=(Stage("a", "一"), Stage("a", "二")))
    assert [q.code for q in p.problems()] == ["duplicate-stage", "duplicate-stage"]


def _records(rows: list[dict]) -> pd.DataFrame:
    return validate_table(pd.DataFrame(rows), PROGRAMMES, source="programmes.csv", first_row=2)


def test_table_reads_booleans_in_english_and_chinese() -> None:
    df = _records(
        [
            {"unit": "450103", "programme": "quality_balanced", "stage": "县级自评",
             "passed": "通过", "date": "2024-01-10"},
            {"unit": "450103", "programme": "quality_balanced", "stage": "city_review",
             "passed": "false", "date": "2024-03-01"},
            {"unit": "450102", "programme": "quality_balanced", "stage": "self_assessment",
             "passed": "", "date": "2024-02-01"},
        ]
    )  # fmt: skip
    assert df["passed"].tolist() == [True, False, pd.NA]
    with pytest.raises(DudaoError) as err:
        _records(
            [{"unit": "1", "programme": "p", "stage": "s", "passed": "ok", "date": "2024-1-1"}]
        )
    assert err.value.problems[0].row == 2 and err.value.problems[0].code == "bad-bool"


def test_unknown_programme_and_stage_name_their_rows(tmp_path: Path) -> None:
    plugins = load_plugins(autoload=False, extra={"nn": regional(tmp_path, PRESCHOOL_NN, "nn")})
    law = plugins.law_book()
    df = _records(
        [
            {"unit": "450103", "programme": "quality_balanced", "stage": "县级自评", "date": "2024-01-10"},
            {"unit": "450103", "programme": "quality_balancd", "stage": "县级自评", "date": "2024-01-10"},
            {"unit": "450103", "programme": "universal_preschool", "stage": "mock_review", "date": "2024-02-10"},
            {"unit": "450203", "programme": "universal_preschool", "stage": "mock_review", "date": "2024-02-10"},
        ]
    )  # fmt: skip
    problems = programme_problems(df, law, DAY, source="programmes.csv")
    # row 3: misspelt programme; row 5: 柳州 has no 模拟评估 stage (南宁's only)
    assert [(p.row, p.code) for p in problems] == [(3, "unknown-programme"), (5, "unknown-stage")]
    assert "是否是 'quality_balanced'" in str(problems[0])
    assert "programmes.csv 第5行 stage" in str(problems[1])


def test_status_is_the_latest_record_per_unit_and_programme() -> None:
    law = load_plugins(autoload=False).law_book()
    df = _records(
        [
            {"unit": "450103", "programme": "quality_balanced", "stage": "self_assessment", "passed": "是", "date": "2024-01-10"},
            {"unit": "450103", "programme": "quality_balanced", "stage": "city_review", "passed": "是", "date": "2024-03-01"},
            {"unit": "450102", "programme": "quality_balanced", "stage": "self_assessment", "passed": "否", "date": "2024-02-01"},
            {"unit": "450102", "programme": "universal_preschool", "stage": "national_recognition", "passed": "是", "date": "2024-05-01"},
            {"unit": "450123", "programme": "quality_balanced", "stage": "self_assessment", "date": "2024-05-20"},
            {"unit": "450124", "programme": "quality_balanced", "stage": "self_assessment", "passed": "是", "date": "2024-09-01"},
        ]
    )  # fmt: skip
    st = programme_status(df, law, DAY)
    got = {(r.unit, r.programme): (r.stage, r.status, r.next_stage) for r in st.itertuples()}
    assert got == {
        ("450102", "quality_balanced"): ("self_assessment", "县级自评未通过", "县级自评"),
        ("450102", "universal_preschool"): ("national_recognition", "已认定", None),
        ("450103", "quality_balanced"): ("city_review", "进行中", "省级评估"),
        ("450123", "quality_balanced"): ("self_assessment", "县级自评待定", "县级自评"),
    }  # 450124's record is after the date asked about
    only = programme_status(df, law, DAY, "universal_preschool")
    assert only["unit"].tolist() == ["450102"]


def test_run_follows_a_programmes_own_stages() -> None:
    p = Programme(
        "g", "集团化办学评估", sample=True, stages=(Stage("a", "集团自评"), Stage("b", "市级评估"))
    )
    run = ProgrammeRun.of(p, "S1")
    with pytest.raises(DudaoError, match="下一步应为“集团自评”"):
        run.record("b", passed=True, on=DAY)
    with pytest.raises(DudaoError, match="没有阶段 '县级自评'"):
        run.record("县级自评", passed=True, on=DAY)
    run = run.record("集团自评", passed=True, on=DAY).record("b", passed=True, on=DAY)
    assert run.status == "市级评估已通过" and run.next_stage is None


def _dataset(root: Path, rows: str) -> Path:
    folder = root / "ds"
    folder.mkdir()
    (folder / "dataset.yaml").write_text(
        "name: 测试\nscope: '450100'\nas_of: 2024-06-01\nsample: true\n", encoding="utf-8"
    )
    (folder / "programmes.csv").write_text(
        "unit,programme,stage,passed,date,note\n" + rows, encoding="utf-8"
    )
    return folder


def test_cli_shows_status_and_reports_bad_rows(tmp_path: Path, monkeypatch) -> None:
    plugins = load_plugins(autoload=False)
    monkeypatch.setattr(programmes_cli, "load_plugins", lambda: plugins)
    folder = _dataset(
        tmp_path,
        "450103,quality_balanced,县级自评,是,2024-01-10,\n"
        "450103,quality_balanced,市级复核,是,2024-03-01,复核通过\n",
    )
    runner = CliRunner()
    r = runner.invoke(cli, ["programmes", str(folder), "--format", "json"])
    assert r.exit_code == 0, r.output
    unit = json.loads(r.output)["units"][0]
    assert (unit["unit_name"], unit["stage_name"], unit["status"], unit["next_stage"]) == (
        "青秀区",
        "市级复核",
        "进行中",
        "省级评估",
    )
    r = runner.invoke(cli, ["programmes", str(folder)])
    assert r.exit_code == 0 and "青秀区" in r.output and "省级评估" in r.output
    (folder / "programmes.csv").write_text(
        "unit,programme,stage,passed,date\n450103,quality_balanced,市级审核,是,2024-01-10\n",
        encoding="utf-8",
    )
    r = runner.invoke(cli, ["programmes", str(folder)])
    assert r.exit_code == 2
    assert "programmes.csv 第2行 stage" in r.output and "市级复核" in r.output


def test_cli_lists_the_catalogue() -> None:
    r = CliRunner().invoke(cli, ["programmes", "--programme", "universal_preschool"])
    assert r.exit_code == 0, r.output
    assert "县级自评 → 市级初核 → 省级督导评估 → 国家审核认定" in r.output
    r = CliRunner().invoke(cli, ["programmes", "--programme", "nope"])
    assert r.exit_code == 2 and "quality_balanced" in r.output


def test_validate_command_checks_programme_files(tmp_path: Path) -> None:
    path = tmp_path / "programmes" / "g.yaml"
    path.parent.mkdir()
    path.write_text(GROUP, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    path.write_text(GROUP + "indicator_set: preschool_universl\n", encoding="utf-8")
    r = runner.invoke(cli, ["validate", str(path)])
    assert r.exit_code == 2
    assert "g.yaml:9 indicator_set" in r.output and "是否是 'preschool_universal'" in r.output


@pytest.mark.regional
def test_a_record_is_read_by_the_programme_version_of_its_own_date() -> None:
    """Nanning restated 普及普惠 for 2022 with its own stages (南府督委办〔2022〕7号 四);
    a 2022 record of such a stage stays valid in a 2023 dataset, a 2023 one does not."""
    import datetime as _dt

    import pandas as _pd

    from dudao.evaluation.programmes import programme_problems
    from dudao.plugins.manager import load_plugins as _load

    law = _load().law_book()
    records = _pd.DataFrame(
        {
            "unit": ["450108", "450108"],
            "programme": ["universal_preschool", "universal_preschool"],
            "stage": ["provincial_rectification", "provincial_rectification"],
            "date": _pd.to_datetime(["2022-10-01", "2023-05-01"]),
        }
    )
    problems = programme_problems(records, law, _dt.date(2023, 6, 30))
    assert len(problems) == 1
    assert "第 3 行" in problems[0].message  # the 2023 row only (rows count from 2)
