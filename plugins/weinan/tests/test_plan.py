"""Weinan's 2023 work plan, its programmes and the example dataset."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.api import check, measure_plans
from dudao.cli import cli
from dudao.plans.model import RecordsTarget, RuleTarget, WorkPlan
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin

weinan_plugin = folder_plugin("dudao_weinan")

EXAMPLE = Path(weinan_plugin.folder).parent / "example"
SEED = "渭政教督办〔2023〕1号"


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture(scope="module")
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"weinan": weinan_plugin})


@pytest.fixture(scope="module")
def plans() -> dict[str, WorkPlan]:
    return {s.value.id: s.value for s in weinan_plugin.dudao_work_plans()}


def test_city_plan_items_and_tasks(plans: dict[str, WorkPlan]) -> None:
    plan = plans["weinan-2023"]
    assert (plan.year, plan.scope, plan.issued) == (2023, "610500", dt.date(2023, 2, 15))
    assert [i.number for i in plan.items] == ["一", "二", "三", "四", "五", "六", "七"]
    tasks = plan.tasks()
    assert len(tasks) == 36
    assert sum(t.target is not None for t in tasks) == 23
    assert plan.problems() == []
    for t in tasks:
        assert t.cite is not None and t.cite.document == SEED
        assert t.cite.clause == t.item  # each task cites its own item
        assert t.responsible, t.id
        assert t.target is not None or t.note, f"{t.id}: why not measurable?"


def test_named_units_carry_their_tasks(plans: dict[str, WorkPlan]) -> None:
    plan = plans["weinan-2023"]

    def units(task: str) -> tuple[str, ...]:
        target = plan.task(task).target
        assert isinstance(target, RecordsTarget)
        return target.units

    # 华州区、华阴市、高新区 in 普及普惠; 富平县 in 优质均衡; 潼关县's pilot
    assert units("preschool-process-preparation") == ("610503", "610582", "610500-gaoxin")
    assert units("fuping-process-preparation") == ("610528",)
    assert units("tongguan-principal-pilot") == ("610522",)
    rules = {t.id: t.target.rule for t in plan.tasks() if isinstance(t.target, RuleTarget)}
    assert rules == {
        "qianyuan-completion": "qianyuan-annual-task",
        "dabiao-schools": "dabiao-school-annual-task",
        "county-bodies-independent": "committee-established",
        "monitoring-rectification": "monitoring-rectification",
    }


def test_special_supervisions_counted_by_topic(plans: dict[str, WorkPlan]) -> None:
    """六 names “双减” and “五项管理”, which have conventional topics; 防疫工作 and the
    unnamed 重大教育政策 do not, so those stay unmeasured."""
    plan = plans["weinan-2023"]
    topics: dict[str, object] = {}
    for task in plan.tasks():
        target = task.target
        if isinstance(target, RecordsTarget) and "topic" in target.where:
            assert (target.table, target.where["kind"]) == ("supervisions", "special")
            assert (target.unit_column, target.units) == ("body", ("610500",))
            topics[task.id] = target.where["topic"]
    assert topics == {
        "double-reduction": "double_reduction",
        "five-managements": "five_managements",
    }
    for task_id in ("epidemic-prevention", "major-policy-supervision"):
        task = plan.task(task_id)
        assert task.target is None and task.note and "常用值" in task.note


def test_forwarded_by_pucheng_without_inventing_a_date(plans: dict[str, WorkPlan]) -> None:
    (fwd,) = plans["weinan-2023"].forwarded
    assert fwd.by == "610526"
    assert str(fwd.number) == "蒲政教督办函〔2023〕3号"
    assert fwd.date is None  # the scan reads 2023年公月23日
    assert fwd.to == "各责任区督学办公室"
    letter = plans["pucheng-2023-forwarding"]
    assert letter.scope == "610526" and letter.issued is None
    (task,) = letter.tasks()
    assert task.target is None and "会议记录" in task.text


def test_programmes_in_weinan_only(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    book = plugins.law_book(h)
    day = dt.date(2023, 6, 1)
    up = book.resolve("programme", "universal_preschool", "610503", day)
    assert up.origin.plugin == "weinan"
    assert [s.id for s in up.value.stages][:3] == [
        "roadmap",
        "self_assessment",
        "provincial_process",
    ]
    assert book.resolve("programme", "universal_preschool", "450102", day).origin.plugin == (
        "national"
    )
    assert book.resolve("programme", "qianyuan", "450102", day) is None
    ids = set(book.ids("programme"))
    assert {
        "school_316_round4",
        "principal_term_evaluation",
        "accountability_situation_list",
    } <= ids


def test_no_invented_situations(plugins: PluginSet) -> None:
    """The seed only announces the city and county lists: none are encoded."""
    assert list(weinan_plugin.dudao_accountability_situations()) == []


def test_example_check_finds_the_placed_problems(plugins: PluginSet) -> None:
    result = check(EXAMPLE, plugins)
    found = sorted(zip(result.findings["rule"], result.findings["target"], strict=True))
    assert found == [
        ("committee-established", "610527"),
        ("dabiao-school-annual-task", "610528"),
        ("monitoring-rectification", "610523"),
        ("qianyuan-annual-task", "610582"),
    ]
    assert set(result.findings["severity"]) == {"error"}


def test_example_plan_status(plugins: PluginSet) -> None:
    report = measure_plans(EXAMPLE, plugins, plugin="weinan")
    status = {r.task.id: r.status.value for r in report.results}
    assert report.counts() == {"met": 15, "not_met": 8, "pending": 0, "not_measurable": 14}
    assert {k for k, v in status.items() if v == "not_met"} == {
        "preschool-roadmaps",  # 韩城市 has no roadmap
        "qianyuan-completion",
        "dabiao-schools",
        "county-bodies-independent",
        "county-situation-lists",  # 合阳县、澄城县、白水县
        "round4-annual-plan",  # 合阳县
        "monitoring-rectification",
        "five-managements",  # only a 2022 record on 五项管理
    }
    assert status["double-reduction"] == "met"
    assert status["epidemic-prevention"] == "not_measurable"
    assert status["preschool-process-preparation"] == "met"
    assert status["tongguan-principal-pilot"] == "met"


@pytest.mark.parametrize(
    ("folder", "set_id", "expected"),
    [
        (
            "evaluation",
            "preschool_universal",
            {"610503": (10.0, "达标"), "610582": (9.0, "不达标"), "610500-gaoxin": (9.0, "不达标")},
        ),
        ("evaluation_balanced", "quality_balanced", {"610528": (6.0, "不达标")}),
    ],
)
def test_example_evaluations(folder: str, set_id: str, expected: dict) -> None:
    """The named counties' self-assessments, scored with the national sets; the city
    evaluates its counties."""
    args = ["evaluate", str(EXAMPLE / folder), "--set", set_id, "--as-of", "2023-12-31"]
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = {r["target"]: r for r in json.loads(out.output)["results"]}
    assert {k: (r["total"], r["grade"]) for k, r in rows.items()} == expected
    assert {r["evaluator"] for r in rows.values()} == {"610500"}
