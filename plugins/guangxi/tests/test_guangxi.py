"""The guangxi plugin: manifest, source documents and the member-unit catalogue."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md

import pytest

from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin

guangxi_plugin = folder_plugin("dudao_guangxi")

# 厅发〔2020〕26号 二（一）, in the order the clause lists them.
MEMBERS = [
    "自治区党委组织部",
    "自治区党委宣传部",
    "自治区发展改革委",
    "自治区教育厅",
    "自治区科技厅",
    "自治区工业和信息化厅",
    "自治区民宗委",
    "自治区公安厅",
    "自治区财政厅",
    "自治区人力资源社会保障厅",
    "自治区自然资源厅",
    "自治区住房城乡建设厅",
    "自治区农业农村厅",
    "自治区卫生健康委",
    "自治区应急厅",
    "自治区市场监管局",
    "自治区体育局",
    "共青团广西区委",
    "自治区妇联",
    "自治区残联",
]


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"guangxi": guangxi_plugin})


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("guangxi")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("guangxi", "广西壮族自治区", "450000")
    assert p.info.builds_on == ()
    assert p.info.description


def test_documents(plugins: PluginSet) -> None:
    docs = plugins.get("guangxi").info.documents
    assert [d.key for d in docs] == ["厅发〔2020〕26号", "桂教督委办〔2023〕11号"]
    opinions, work_points = docs
    # Jointly issued: the 文号 is the party committee office's, both offices signed.
    assert opinions.issuer.startswith("中共广西壮族自治区委员会办公厅")
    assert "广西壮族自治区人民政府办公厅" in opinions.issuer
    assert opinions.date == dt.date(2020, 5, 14)
    assert opinions.title == "关于深化新时代教育督导体制机制改革的实施意见"
    assert opinions.public is True  # 此件公开发布
    assert work_points.issuer == "广西壮族自治区人民政府教育督导委员会办公室"
    assert work_points.date == dt.date(2023, 3, 17)
    assert work_points.public is False  # 此件不予公开
    assert str(opinions.cite("二（一）")) == "厅发〔2020〕26号 二（一）"


def test_adds_no_units(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    assert h.contains("450000", "450100")
    assert [u for u in h.descendants("450000") if u.is_development_zone] == []


def test_member_units_are_the_twenty_of_clause_two_one(plugins: PluginSet) -> None:
    catalogue = plugins.member_units("450000")
    names = list(dict.fromkeys(u.name for u in catalogue.values()))
    assert names == MEMBERS


def test_aliases_are_unique(plugins: PluginSet) -> None:
    units = [item.value for item in guangxi_plugin.dudao_member_units()]
    every_name = [n for u in units for n in (u.name, *u.aliases)]
    duplicates = {n for n in every_name if every_name.count(n) > 1}
    assert not duplicates
    assert len(plugins.member_units("450000")) == len(every_name)


@pytest.mark.parametrize(
    ("code", "written", "unit"),
    [
        ("450100", "市教育局", "自治区教育厅"),  # 南宁市
        ("450100", "市委组织部", "自治区党委组织部"),
        ("450100", "团市委", "共青团广西区委"),
        ("450126", "县财政局", "自治区财政厅"),  # 宾阳县
        ("450103", "区教育局", "自治区教育厅"),  # 青秀区
        ("450000", "教育厅", "自治区教育厅"),
        ("450000", "广西壮族自治区卫生健康委员会", "自治区卫生健康委"),
    ],
)
def test_city_and_county_names_resolve(
    plugins: PluginSet, code: str, written: str, unit: str
) -> None:
    assert plugins.member_units(code)[written].name == unit


@pytest.mark.parametrize("code", ["450100", "450103", "450123", "450181"])
def test_every_unit_has_a_local_name_at_each_level(plugins: PluginSet, code: str) -> None:
    """Findings name a city's or county's own bodies (南宁市财政局): every catalogue unit
    has a name of that level, and none of them is the region's (自治区…, 广西…)."""
    from dudao.rules.national.governance import local_name

    unit = plugins.hierarchy().get(code)
    catalogue = plugins.member_units(code)
    named = {local_name(name, catalogue[name], unit) for name in MEMBERS}
    assert len(named) == len(MEMBERS)
    assert all(n.startswith(unit.name) or n.startswith("共青团" + unit.name) for n in named)
    assert not [n for n in named if "自治区" in n or "广西" in n]


def test_catalogue_stays_inside_guangxi(plugins: PluginSet) -> None:
    assert plugins.member_units("430600") == {}  # 岳阳市
    assert plugins.member_units("000000") == {}


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="guangxi")
    assert ep.value == "dudao_guangxi"
    # the entry point names the package: its data/ folder is the plugin, no Python needed
    assert folder_plugin(ep.load()).folder == guangxi_plugin.folder


# ------------------------------------------------------------- the law book


def _law(plugins: PluginSet):
    h = plugins.hierarchy()
    return h, plugins.law_book(h)


def test_own_rules_are_in_force_in_guangxi_only(plugins: PluginSet) -> None:
    _, law = _law(plugins)
    day = dt.date(2023, 6, 1)
    for rule, clause in [
        ("region-committee-leadership", "厅发〔2020〕26号 二（一）"),
        ("city-upward-reporting", "厅发〔2020〕26号 二（二）"),
        ("vocational-evaluation-participation", "桂教督委办〔2023〕11号 八"),
    ]:
        entry = law.resolve("rule", rule, "450305", day)
        assert entry is not None and entry.citation_text() == clause
        assert law.resolve("rule", rule, "430600", day) is None  # 岳阳市
    # the 2023 work point governs 2023 only
    assert (
        law.resolve("rule", "vocational-evaluation-participation", "450305", dt.date(2024, 1, 1))
        is None
    )


def test_parameters_cite_their_clauses(plugins: PluginSet) -> None:
    _, law = _law(plugins)
    day = dt.date(2023, 6, 1)
    result = law.resolve("parameter", "reporting.result_required", "450103", day)
    assert result.value is True and result.citation_text() == "厅发〔2020〕26号 二（二）"
    townships = law.resolve("parameter", "evaluation.township_evaluation", "451002", day)
    assert townships.value is False and townships.citation_text() == "厅发〔2020〕26号 二（三）"


def test_accountability_situations_of_clauses_twelve_to_fourteen(plugins: PluginSet) -> None:
    situations = {s.id: s for s in plugins.accountability_situations("450305", dt.date(2023, 6, 1))}
    interview = [s for s in situations.values() if str(s.cite) == "厅发〔2020〕26号 二（十二）"]
    assert len(interview) == 8  # the eight situations 二（十二） lists
    assert all([f.value for f in s.forms] == ["interview"] for s in interview)
    assert [f.value for f in situations["notice.rectification_failed"].forms] == [
        "supervision_notice"
    ]
    direct = {s.id for s in situations.values() if s.direct and s.scope == "450000"}
    # 二（十四）: obstruction is first-tier (约谈、通报 and accountability), not direct
    assert direct == {"mass_incidents", "major_accident", "retaliation"}
    failed = situations["duty_evaluation_failed"]
    assert not failed.direct and str(failed.cite) == "厅发〔2020〕26号 二（十四）"
    assert [f.value for f in situations["unlawful_conduct_referred"].forms] == ["referral"]


def test_information_system_subsystems_are_programmes(plugins: PluginSet) -> None:
    programmes = {p.id: p for p in plugins.programmes("450000", dt.date(2023, 6, 1))}
    subsystems = [p for p in programmes.values() if str(p.cite) == "桂教督委办〔2023〕11号 九"]
    assert sorted(p.id for p in subsystems) == [
        "system_duty_evaluation",
        "system_quality_balanced",
        "system_quality_evaluation",
        "system_quality_monitoring",
        "system_universal_preschool",
    ]
    duty = programmes["duty_evaluation"]
    assert [s.id for s in duty.stages] == [
        "self_assessment",
        "evaluation",
        "feedback",
        "rectification",
        "published",
    ]
    # Guangxi's 优质均衡 keeps the national stage ids (Nanning records use them)
    balanced = [s.id for s in programmes["quality_balanced"].stages]
    assert {
        "self_assessment",
        "city_review",
        "provincial_assessment",
        "national_recognition",
    } <= set(balanced)


# -------------------------------------------------------------- the 2023 plan


@pytest.fixture(scope="module")
def plan():
    from dudao.io import yamlio
    from dudao.plans import WorkPlan

    path = guangxi_plugin.folder / "plans" / "2023.yaml"
    return yamlio.load(path, WorkPlan, validate=WorkPlan.problems)


def test_plan_has_the_ten_items_with_cited_tasks(plan) -> None:
    assert plan.id == "guangxi-2023" and plan.year == 2023
    numbers = [i.number for i in plan.items]
    assert numbers == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
    for item in plan.items:
        assert item.tasks, item.number
        for task in item.tasks:
            assert str(task.cite) == f"桂教督委办〔2023〕11号 {item.number}", task.key
            assert task.responsible, task.key
            assert task.target is not None or task.note, task.key  # unmeasurable says why
    tasks = plan.tasks()
    assert len(tasks) == 64
    assert sum(t.target is not None for t in tasks) == 45


def test_every_county_list_is_exactly_guangxi_s_111_counties(plugins: PluginSet, plan) -> None:
    from dudao.model.jurisdiction import Level

    h = plugins.hierarchy()
    counties = {
        u.code for u in h.at_level(Level.COUNTY, within="450000") if not u.is_development_zone
    }
    cities = {u.code for u in h.at_level(Level.PREFECTURE, within="450000")}
    assert len(counties) == 111 and len(cities) == 14
    monitoring = plan.task("national-monitoring").target
    assert set(monitoring.units) == counties and monitoring.level is Level.COUNTY
    assert set(plan.task("duty-evaluation-cities").target.units) == cities


# --------------------------------------------------------------- own rules


def _committee(code: str, chair: str, vices: list[str], deputies: int):
    from dudao.model.bodies import Committee, Officer

    return Committee(
        code,
        "委员会",
        chair=Officer(chair),
        vice_chairs=tuple(Officer(v) for v in vices),
        deputy_chief_inspectors=tuple(Officer("副总督学") for _ in range(deputies)),
    )


@pytest.mark.parametrize(
    ("chair", "vices", "deputies", "missing"),
    [
        ("分管教育工作的副主席", ["协助分管教育工作的副秘书长", "自治区教育厅厅长"], 2, []),
        ("主席", ["副秘书长", "自治区教育厅厅长"], 1, ["chair"]),
        ("副主席", ["自治区教育厅副厅长", "副秘书长"], 1, ["education_head"]),  # not 副厅长
        ("副主席", ["副秘书长"], 0, ["education_head", "deputy_chief_inspector"]),
    ],
)
def test_region_committee_leadership(
    plugins: PluginSet, chair: str, vices: list[str], deputies: int, missing: list[str]
) -> None:
    from dudao.testing import dataset, evidence, run

    ds = dataset("450000", committees=[_committee("450000", chair, vices, deputies)])
    result = run(ds, dt.date(2023, 6, 1), plugins=plugins, rules={"region-committee-leadership"})
    row = evidence(result, "region-committee-leadership", "450000")
    assert list(row["missing"]) == missing
    assert len(result.findings) == (1 if missing else 0)


def test_city_results_owed_only_when_supervisions_are_known(plugins: PluginSet) -> None:
    from dudao.testing import dataset, evidence, run

    filings = [
        {"jurisdiction": c, "kind": "plan", "year": 2022, "filed_on": "2022-03-01"}
        for c in ("450100", "450200")
    ]
    # no supervisions table: results cannot be owed, plans still are
    ds = dataset("450000", filings=filings)
    result = run(ds, dt.date(2023, 2, 1), plugins=plugins, rules={"city-upward-reporting"})
    row = evidence(result, "city-upward-reporting", "450100")
    assert bool(row["ok"]) and row["supervisions"] is None
    failed = set(result.findings["target"])
    assert len(failed) == 12 and "450100" not in failed and "450200" not in failed


def _supervision(id: str, body: str, date: str, **more: str) -> dict[str, str]:
    row = {"supervision_id": id, "kind": "special", "body": body, "target_kind": "government"}
    return {**row, "target": body, "date": date, **more}


def test_report_publication_is_counted_per_body_and_names_what_lacks(
    plugins: PluginSet,
) -> None:
    from dudao.testing import dataset, evidence, run

    rule = "supervision-report-published"
    ds = dataset(
        "450000",
        supervisions=[
            _supervision("A3", "450100", "2022-05-01", report_date="2022-06-01"),
            _supervision("A1", "450100", "2022-03-01"),
            _supervision(
                "A2", "450100", "2022-04-01", report_date="2022-05-01", published_on="2022-05-02"
            ),
            _supervision(
                "B1", "450300", "2022-04-01", report_date="2023-03-02", published_on="2023-03-03"
            ),  # both after the as-of day
        ],
    )
    result = run(ds, dt.date(2023, 3, 1), plugins=plugins, rules={rule})
    nanning = evidence(result, rule, "450100")
    assert (nanning["supervisions"], nanning["without_report"], nanning["unpublished"]) == (
        3,
        1,
        2,
    )
    assert list(nanning["examples"]) == ["A1", "A3"]  # in id order, not row order
    guilin = evidence(result, rule, "450300")
    assert (guilin["without_report"], guilin["unpublished"]) == (1, 1)
    (message,) = result.findings.loc[result.findings["target"] == "450100", "message"]
    assert (
        message == "2022 年组织的 3 次督导中，1 次没有督导报告，2 次的报告未向社会公开（如 A1、A3）"
    )


def test_report_publication_is_not_judged_where_reports_are_not_recorded(
    plugins: PluginSet,
) -> None:
    from dudao.testing import dataset, run

    rule = "supervision-report-published"
    ds = dataset("450000", supervisions=[_supervision("A1", "450100", "2022-03-01")])
    result = run(ds, dt.date(2023, 3, 1), plugins=plugins, rules={rule})
    (run_,) = [r for r in result.runs if r.rule == rule]
    assert run_.skipped == (
        "数据集中没有 supervisions 表的 report_date 列、supervisions 表的 published_on 列"
    )
    assert result.findings.empty


# ------------------------------------------------------------- the example


def test_example_shows_one_to_one_staffing_under_a_labelled_sample_threshold() -> None:
    from pathlib import Path

    from dudao.api import check
    from dudao.testing import evidence

    folder = Path(guangxi_plugin.folder).parent / "example"
    result = check(folder, load_plugins())
    # 玉州区: 8 schools, one of 3,200 students ≥ 3,000 (sample): ceil(7 / 5) + 1 = 3 required
    row = evidence(result, "inspector-staffing", "450902")
    assert (row["schools"], row["large_schools"], row["required"], row["actual"]) == (8, 1, 3, 3)
    assert bool(row["ok"]) and bool(row["sample_parameters"])
    # 七星区: 9 schools, none large: ceil(9 / 5) = 2 required, 1 serving
    row = evidence(result, "inspector-staffing", "450305")
    assert (row["required"], row["actual"], bool(row["ok"])) == (2, 1, False)
