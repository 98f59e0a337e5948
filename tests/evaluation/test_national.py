"""The national sets, the example dataset, the programme pipeline and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.cli.evaluate import EXAMPLE, evaluate
from dudao.errors import DudaoError
from dudao.evaluation.measurements import load_dataset
from dudao.evaluation.national import evaluate_quality_balanced, national_sets
from dudao.evaluation.pipeline import ProgrammeRun
from dudao.evaluation.score import evaluate as run_evaluate

cli.add_command(evaluate)


def test_official_thresholds_encoded():
    sets = national_sets()
    pre = {i.id: i.scoring for i in sets["preschool_universal"].indicators()}
    assert (
        pre["gross_enrolment"].value,
        pre["affordable_coverage"].value,
        pre["public_share"].value,
    ) == (0.85, 0.80, 0.50)
    assert not pre["gross_enrolment"].sample and pre["outdoor_space"].sample
    prim = sets["quality_balanced.school.primary"].indicators()[0].scoring
    assert [i.value for i in prim.items] == [4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3]
    assert prim.min == 6 and prim.rest_at_least == 0.85 and prim.rest_sample
    jun = sets["quality_balanced.school.junior"].indicators()[0].scoring
    assert [i.value for i in jun.items] == [5.3, 1, 0.9, 5.8, 10.2, 2500, 2.4]
    qb = {i.id: i.scoring for i in sets["quality_balanced"].indicators()}
    assert {i.value for i in qb["cv_primary"].items} == {0.5}
    assert {i.value for i in qb["cv_junior"].items} == {0.45}


def test_example_passes_and_fails():
    s = national_sets()["quality_balanced"]
    m, schools = load_dataset(EXAMPLE, ["social_recognition"], schools=True)
    ev = evaluate_quality_balanced(schools, m)
    grades = dict(zip(ev.scores["target"], ev.scores["grade"], strict=True))
    # dudao's example, 宜昌市 (yichang_evaluation/README.md: the designed results)
    assert grades == {"420502": "达标", "420503": "不达标", "420525": "不达标", "420526": "不达标"}
    assert s.id == ev.set.id
    pre = run_evaluate(national_sets()["preschool_universal"], m)
    assert dict(zip(pre.scores["target"], pre.scores["grade"], strict=True))["420526"] == "不达标"


def test_pipeline_refuses_out_of_order():
    run = ProgrammeRun("preschool_universal", "450124")
    with pytest.raises(DudaoError, match="下一步应为“县级自评”"):
        run.record("city_review", passed=True, on=dt.date(2024, 1, 1))
    run = run.record("县级自评", passed=True, on=dt.date(2024, 1, 1))
    run = run.record("city_review", passed=False, on=dt.date(2024, 2, 1))
    assert run.status == "市级复核未通过"
    with pytest.raises(DudaoError):
        run.record("provincial_assessment", passed=True, on=dt.date(2024, 3, 1))
    with pytest.raises(DudaoError, match="早于上一步"):
        run.record("city_review", passed=True, on=dt.date(2024, 1, 15))
    for stage in ("city_review", "provincial_assessment", "national_recognition"):
        run = run.record(stage, passed=True, on=dt.date(2024, 6, 1))
    assert run.status == "已认定" and run.next_stage is None
    with pytest.raises(DudaoError, match="已通过国家认定"):
        run.record("national_recognition", passed=True, on=dt.date(2024, 7, 1))


def test_cli_table_json_explain_xlsx(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["evaluate", "--set", "quality_balanced"])
    assert r.exit_code == 0, r.output
    assert "西陵区" in r.output and "一票否决" in r.output
    r = runner.invoke(cli, ["evaluate", "--set", "preschool_universal", "--format", "json"])
    data = json.loads(r.output)
    assert data["results"][0]["rank"] == 1
    r = runner.invoke(cli, ["evaluate", "--set", "quality_balanced", "--explain", "420503"])
    assert "必达指标未达标" in r.output and "教督〔2017〕6号" in r.output
    out = tmp_path / "s.xlsx"
    r = runner.invoke(
        cli, ["evaluate", "--set", "preschool_universal", "--format", "xlsx", "--out", str(out)]
    )
    assert r.exit_code == 0 and out.exists()
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["说明", "评分表", "指标得分"]
    r = runner.invoke(cli, ["evaluate", "--set", "nope"])
    assert r.exit_code == 2
