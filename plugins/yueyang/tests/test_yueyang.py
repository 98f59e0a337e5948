"""The yueyang plugin: manifest and its one source document (no 文号, no exact date)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md

import pytest

from dudao.model.documents import Citation
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin

yueyang_plugin = folder_plugin("dudao_yueyang")


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"yueyang": yueyang_plugin})


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("yueyang")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("yueyang", "岳阳市", "430600")
    assert p.info.builds_on == ()
    assert p.info.description


def test_document_has_no_number_and_no_date(plugins: PluginSet) -> None:
    (doc,) = plugins.get("yueyang").info.documents
    assert doc.number is None  # none printed
    assert doc.date is None  # none printed: not invented
    assert doc.issuer == "岳阳市人民政府教育督导委员会办公室"
    assert doc.title == "岳阳市2023年教育督导工作要点"
    assert doc.key == "《岳阳市2023年教育督导工作要点》"
    assert doc.cite("六") == Citation.parse("《岳阳市2023年教育督导工作要点》 六")


def test_adds_no_units(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    assert h.contains("430600", "430624")  # 湘阴县, the one unit the seed names
    assert [u for u in h.descendants("430600") if u.is_development_zone] == []
    base = load_plugins(autoload=False)
    assert set(h.codes()) == set(base.hierarchy().codes())


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="yueyang")
    assert ep.value == "dudao_yueyang"
    # the entry point names the package: its data/ folder is the plugin, no Python needed
    assert folder_plugin(ep.load()).folder == yueyang_plugin.folder


# ------------------------------------------------------------------ data as a whole

SEED = "《岳阳市2023年教育督导工作要点》"


def test_work_plan_is_the_seed_item_by_item(plugins: PluginSet) -> None:
    from dudao.plans.model import RecordsTarget, RuleTarget

    book = plugins.law_book(plugins.hierarchy())
    (entry,) = book.versions("work_plan", "yueyang-2023")
    plan = entry.value
    assert [i.number for i in plan.items] == ["一", "二", "三", "四", "五", "六"]
    tasks = plan.tasks()
    assert len(tasks) == 46
    # every numbered clause 1–15 has at least one task citing it
    clauses = {str(t.cite.clause).split("（")[0] for t in tasks}
    assert clauses == {str(n) for n in range(1, 16)}
    assert all(t.cite.document == SEED for t in tasks)
    assert all(t.responsible for t in tasks)
    # a task without a target says why
    assert all(t.note for t in tasks if t.target is None)
    rule_targets = {t.target.rule for t in tasks if isinstance(t.target, RuleTarget)}
    assert rule_targets <= set(book.ids("rule"))
    assert "township-evaluation" not in rule_targets  # a warning rule cannot be a target
    records = [t.target for t in tasks if isinstance(t.target, RecordsTarget)]
    assert len(rule_targets) + len(records) == 27  # 9 rules, 18 records
    # programme targets name programmes and stages that exist in Yueyang in 2023
    on = dt.date(2023, 12, 31)
    for target in records:
        if target.table != "programmes":
            continue
        programme = book.resolve("programme", target.where["programme"], "430600", on).value
        stages = target.where.get("stage", [])
        for stage in stages if isinstance(stages, list) else [stages]:
            assert programme.stage(stage).id == stage


def test_duty_sets_are_sample_with_the_four_parts(plugins: PluginSet) -> None:
    book = plugins.law_book(plugins.hierarchy())
    for set_id in ("yueyang_county_duty", "yueyang_county_leaders_duty"):
        entry = book.resolve("indicator_set", set_id, "430624", dt.date(2023, 6, 1))
        s = entry.value
        assert entry.scope == "430600" and s.sample  # weights are not in the text
        assert [d.name for d in s.dimensions] == ["综合材料", "数据监测", "常规管理"]
        assert [i.name for i in s.bonus.items] == ["专项加分"]
        assert all(i.sample for i in s.indicators())
        assert str(s.cite) == f"{SEED} 4"
        # the 2023 work points only: gone in 2024
        assert book.resolve("indicator_set", set_id, "430624", dt.date(2024, 1, 1)) is None


def test_2023_parameters(plugins: PluginSet) -> None:
    book = plugins.law_book(plugins.hierarchy())
    day = dt.date(2023, 12, 31)

    def value(pid: str, code: str = "430624") -> object:
        entry = book.resolve("parameter", pid, code, day)
        return None if entry is None else entry.value

    assert value("monitoring.subjects") == ["德育", "科学", "劳动教育"]
    assert value("school.compulsory_round_years") == 5
    assert value("school.high_school_assessment_cycle_years") == 1
    assert value("evaluation.township_evaluation") is True
    assert (value("zone.full_time_inspectors_min"), value("zone.part_time_inspectors_max")) == (
        2,
        3,
    )
    # outside Yueyang the switches are unset
    assert value("school.private_compulsory_evaluation", "450103") is None
    # and in 2024 (no work points yet) Yueyang falls back to the national null
    assert (
        book.resolve(
            "parameter", "evaluation.township_evaluation", "430624", dt.date(2024, 1, 1)
        ).value
        is None
    )
