"""Rule templates (dudao.rules.templates): each template written in YAML by a small
plugin, run on a dataset built in code; every expectation is counted by hand from the
rows the test writes.

The plugin ``testcity`` (scope 450100, 南宁市) holds the rules under test; its counties
are 450102 兴宁区, 450103 青秀区, 450105 江南区 (and the others of 450100).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from dudao.errors import DudaoError
from dudao.model import periods
from dudao.model.bodies import Committee, Officer
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.rules.templates import TEMPLATES
from dudao.rules.templates.common import Message
from dudao.testing import dataset, evidence, inspector, parameter, run, school

CITE = "南府督委办〔2022〕7号 一"


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


def plugin(tmp_path: Path, rules: str, *, scope: str = "450100", name: str = "testcity") -> Path:
    """A plugin folder whose rules/test.yaml holds ``rules`` (YAML, indented freely)."""
    folder = tmp_path / name
    (folder / "rules").mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        f'name: {name}\ntitle: 测试\nscope: "{scope}"\n'
        "documents:\n  - {number: 南府督委办〔2022〕7号, issuer: 测试机关, date: 2022-03-01, title: 测试文件}\n",
        encoding="utf-8",
    )
    (folder / "rules" / "test.yaml").write_text(
        "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  "), encoding="utf-8"
    )
    return folder


def loaded(folder: Path, name: str = "testcity") -> PluginSet:
    plugins = load_plugins(autoload=False, extra={name: YamlPlugin(folder)})
    assert plugins.get(name).ok, plugins.get(name).problems
    return plugins


def found(result: object, rule: str) -> dict[str, str]:
    f = result.findings  # type: ignore[attr-defined]
    rows = f.loc[f["rule"] == rule]
    return dict(zip(rows["target"], rows["severity"], strict=True))


# ------------------------------------------------------------------ count-per-period

COUNT = f"""
- id: plans-filed
  template: count-per-period
  title: 每年报送两份工作文件
  cite: [{CITE}]
  units: {{level: county}}
  records: {{table: filings, where: {{kind: [plan, result]}}, unit_column: jurisdiction, date: filed_on}}
  period: work-year
  early: warning
  at_least: {{parameter: test.filings_per_year}}
  message:
    zh: "{{year}} 年报送 {{achieved}} 份，应报 {{required}} 份（{{late}}，期限 {{due}}）"
"""


def filing(code: str, kind: str, day: str) -> dict[str, object]:
    return {"jurisdiction": code, "kind": kind, "year": int(day[:4]), "filed_on": day}


FILINGS = [
    filing("450102", "plan", "2023-03-01"),
    filing("450102", "result", "2023-05-01"),  # 兴宁: 2 by May
    filing("450103", "plan", "2023-03-01"),
    filing("450103", "plan", "2022-03-01"),  # last year's: not counted
    filing("450103", "result", "2023-10-01"),  # 青秀: 1 by June, 2 by December
]


def test_count_per_period_warns_before_year_end_and_fails_after(tmp_path: Path) -> None:
    plugins = loaded(plugin(tmp_path, COUNT))
    ds = dataset("450100", filings=FILINGS)
    # the target is set for 兴宁 and 青秀 only: 江南 and the others are not judged
    extra = [
        *parameter("test.filings_per_year", 2, scope="450102", cite=CITE),
        *parameter("test.filings_per_year", 2, scope="450103", cite=CITE),
    ]
    mid = run(ds, dt.date(2023, 6, 30), plugins=plugins, rules={"plans-filed"}, extra=extra)
    assert found(mid, "plans-filed") == {"450103": "warning"}
    ev = evidence(mid, "plans-filed", "450103")
    assert (ev["achieved"], ev["required"], ev["shortfall"]) == (1, 2, 1)
    (message,) = mid.findings["message"]
    assert message == "2023 年报送 1 份，应报 2 份（尚未到期，期限 2023-12-31）"
    assert len(mid.checks["plans-filed@450100"]) == 2  # only the two with a target
    end = run(ds, dt.date(2023, 12, 31), plugins=plugins, rules={"plans-filed"}, extra=extra)
    assert found(end, "plans-filed") == {}
    late = [*FILINGS[:3]]  # without 青秀's October result: on the due day an error
    end = run(
        dataset("450100", filings=late),
        dt.date(2023, 12, 31),
        plugins=plugins,
        rules={"plans-filed"},
        extra=extra,
    )
    assert found(end, "plans-filed") == {"450103": "error"}


def test_a_county_overrides_the_target(tmp_path: Path) -> None:
    plugins = loaded(plugin(tmp_path, COUNT))
    ds = dataset("450100", filings=FILINGS)
    extra = [
        *parameter("test.filings_per_year", 2, scope="450100", cite=CITE),
        *parameter("test.filings_per_year", 1, scope="450103", cite="南府督委办〔2022〕7号 二"),
    ]
    result = run(ds, dt.date(2023, 6, 30), plugins=plugins, rules={"plans-filed"}, extra=extra)
    # 青秀 needs 1 (its own number) and has 1; every other county needs 2 and has 0 (兴宁 2)
    failing = found(result, "plans-filed")
    assert "450103" not in failing and "450102" not in failing
    assert failing["450105"] == "warning"
    assert evidence(result, "plans-filed", "450103")["required"] == 1


# ------------------------------------------------------------------ deadline

DEADLINE = f"""
- id: plan-by-april
  template: deadline
  title: 4月9日前报送年度工作要点
  cite: [{CITE}]
  units: {{level: county}}
  records: {{table: filings, where: {{kind: plan}}, unit_column: jurisdiction, date: filed_on}}
  due: "04-09"
  messages:
    missing: {{zh: "截至 {{due}} 未报送"}}
    late: {{zh: "{{done_on}} 报送，逾期（期限 {{due}}）"}}
"""


def test_deadline_missing_late_and_on_time(tmp_path: Path) -> None:
    plugins = loaded(plugin(tmp_path, DEADLINE))
    ds = dataset(
        "450100",
        filings=[
            filing("450102", "plan", "2023-04-01"),  # on time
            filing("450103", "plan", "2023-04-20"),  # late
            filing("450105", "result", "2023-04-01"),  # not a plan: missing
        ],
    )
    early = run(ds, dt.date(2023, 4, 8), plugins=plugins, rules={"plan-by-april"})
    assert early.findings.empty and not early.checks["plan-by-april@450100"].size
    result = run(ds, dt.date(2023, 5, 1), plugins=plugins, rules={"plan-by-april"})
    f = result.findings.set_index("target")
    assert f.loc["450103", "message"] == "2023-04-20 报送，逾期（期限 2023-04-09）"
    assert f.loc["450105", "message"] == "截至 2023-04-09 未报送"
    assert "450102" not in f.index
    assert evidence(result, "plan-by-april", "450105")["problem"] == "missing"


def test_deadline_with_a_trigger_judges_only_the_units_it_obliges(tmp_path: Path) -> None:
    rules = f"""
    - id: rectified
      template: deadline
      title: 反馈问题整改
      cite: [{CITE}]
      units: {{level: county}}
      trigger: {{table: programmes, where: {{stage: feedback}}, since: previous-year}}
      records: {{table: programmes, where: {{stage: rectification}}}}
      due: year-end
      early: warning
    """
    plugins = loaded(plugin(tmp_path, rules))
    prog = [
        {"unit": "450102", "programme": "m", "stage": "feedback", "date": "2022-12-01"},
        {"unit": "450102", "programme": "m", "stage": "rectification", "date": "2022-11-01"},
        {"unit": "450103", "programme": "m", "stage": "feedback", "date": "2023-01-05"},
        {"unit": "450103", "programme": "m", "stage": "rectification", "date": "2023-03-01"},
        {"unit": "450105", "programme": "m", "stage": "feedback", "date": "2021-06-01"},
    ]
    ds = dataset("450100", programmes=prog)
    mid = run(ds, dt.date(2023, 6, 1), plugins=plugins, rules={"rectified"})
    # 兴宁's only rectification predates its feedback; 江南's feedback is too old
    assert found(mid, "rectified") == {"450102": "warning"}
    assert len(mid.checks["rectified@450100"]) == 2
    end = run(ds, dt.date(2023, 12, 31), plugins=plugins, rules={"rectified"})
    assert found(end, "rectified") == {"450102": "error"}
    assert evidence(end, "rectified", "450103")["done_on"] == dt.date(2023, 3, 1)


# ------------------------------------------------------------------ coverage


def test_coverage_of_schools_by_zones_with_serving_inspectors(tmp_path: Path) -> None:
    rules = f"""
    - id: senior-zones
      template: coverage
      title: 高中纳入责任区
      cite: [{CITE}]
      units: {{schools: [senior]}}
      due: "2023-06-30"
    """
    plugins = loaded(plugin(tmp_path, rules))
    ds = dataset(
        "450100",
        schools=[
            school("H1", "450102", stage="senior", zone="Z1"),
            school("H2", "450102", stage="senior"),
            school("H3", "450103", stage="senior", zone="Z2"),
            school("H4", "450103", stage="senior", zone="Z9"),  # no such zone
            school("P1", "450103", stage="primary"),  # not judged
        ],
        zones=[
            {"zone_id": "Z1", "name": "一区", "county": "450102"},
            {"zone_id": "Z2", "name": "二区", "county": "450103"},
        ],
        inspectors=[
            inspector("I1", "450102", zone="Z1", term_start="2022-01-01"),
            inspector("I2", "450103", zone="Z2", term_start="2020-01-01", term_end="2023-05-31"),
        ],
    )
    assert run(ds, dt.date(2023, 6, 29), plugins=plugins, rules={"senior-zones"}).findings.empty
    result = run(ds, dt.date(2023, 9, 1), plugins=plugins, rules={"senior-zones"})
    assert found(result, "senior-zones") == {"H2": "error", "H3": "error", "H4": "error"}
    problems = {t: evidence(result, "senior-zones", t)["problem"] for t in ("H2", "H3", "H4")}
    assert problems == {"H2": "no-zone", "H3": "no-inspector", "H4": "no-zone"}


# ------------------------------------------------------------------ composition


def test_composition_of_a_committee(tmp_path: Path) -> None:
    rules = f"""
    - id: city-leaders
      template: composition
      title: 委员会主任由副市长担任、设副总督学
      cite: [{CITE}]
      body: committee
      units: {{level: prefecture}}
      posts:
        - {{id: chair, field: chair, contains: 副市长, text: 主任由副市长担任}}
        - {{id: head, field: vice_chairs, contains: 局长, not_contains: 副局长, text: 副主任含教育局局长}}
        - {{id: deputy, field: deputy_chief_inspectors, text: 设副总督学}}
      message: {{zh: "缺：{{missing_posts}}"}}
    """
    plugins = loaded(plugin(tmp_path, rules))
    committee = Committee(
        "450100",
        "南宁市人民政府教育督导委员会",
        chair=Officer("分管教育工作的副市长"),
        vice_chairs=(Officer("市教育局副局长"),),
    )
    ds = dataset("450100", committees=[committee])
    result = run(ds, dt.date(2023, 6, 1), plugins=plugins, rules={"city-leaders"})
    (message,) = result.findings["message"]
    assert message == "缺：副主任含教育局局长；设副总督学"
    assert evidence(result, "city-leaders", "450100")["missing"] == ["head", "deputy"]


def test_composition_of_zones(tmp_path: Path) -> None:
    rules = f"""
    - id: zone-inspectors
      template: composition
      title: 每个责任区 2 名专职、2–3 名兼职督学
      cite: [{CITE}]
      body: zone
      members:
        - {{kind: full_time, at_least: 2}}
        - {{kind: part_time, at_least: 2, at_most: {{parameter: test.part_time_max}}}}
    """
    plugins = loaded(plugin(tmp_path, rules))
    crew = {
        "Z1": ["full_time", "full_time", "part_time", "part_time"],  # as required
        "Z2": ["full_time", "part_time", "part_time", "part_time", "part_time"],  # 1 ft, 4 pt
    }
    inspectors = [
        inspector(f"{z}-{i}", "450102", kind=k, zone=z)
        for z, kinds in crew.items()
        for i, k in enumerate(kinds)
    ]
    zones = [{"zone_id": z, "name": z, "county": "450102"} for z in crew]
    ds = dataset("450100", zones=zones, inspectors=inspectors)
    extra = parameter("test.part_time_max", 3, scope="450100", cite=CITE)
    result = run(ds, dt.date(2023, 6, 1), plugins=plugins, rules={"zone-inspectors"}, extra=extra)
    assert found(result, "zone-inspectors") == {"Z2": "error"}
    ev = evidence(result, "zone-inspectors", "Z2")
    assert (ev["full_time"], ev["part_time"]) == (1, 4)
    assert ev["missing"] == ["full_time at_least 2", "part_time at_most 3"]


# ------------------------------------------------------------------ ratio


def test_ratio_of_schools_to_inspectors(tmp_path: Path) -> None:
    rules = f"""
    - id: schools-per-inspector
      template: ratio
      title: 每名督学负责的学校不超过 5 所
      cite: [{CITE}]
      units: {{level: county}}
      numerator: {{table: schools, unit_column: county}}
      denominator: {{table: inspectors, unit_column: appointing}}
      at_most: 5
    """
    plugins = loaded(plugin(tmp_path, rules))
    schools = [
        *(school(f"A{i}", "450102") for i in range(11)),  # 11 schools, 2 inspectors: 5.5
        *(school(f"B{i}", "450103") for i in range(10)),  # 10 schools, 2 inspectors: 5
        *(school(f"C{i}", "450105") for i in range(3)),  # 3 schools, no inspector
    ]
    inspectors = [inspector(f"I{c}{i}", c) for c in ("450102", "450103") for i in range(2)]
    ds = dataset("450100", schools=schools, inspectors=inspectors)
    result = run(ds, dt.date(2023, 6, 1), plugins=plugins, rules={"schools-per-inspector"})
    failing = found(result, "schools-per-inspector")
    assert failing == {"450102": "error", "450105": "error"}
    ev = evidence(result, "schools-per-inspector", "450102")
    assert (ev["numerator"], ev["denominator"], ev["ratio"]) == (11, 2, 5.5)
    assert evidence(result, "schools-per-inspector", "450105")["ratio"] is None


# ------------------------------------------------------------------ cycle


def test_cycle_of_n_years(tmp_path: Path) -> None:
    rules = f"""
    - id: three-year-round
      template: cycle
      title: 学校每三年接受一次综合督导
      cite: [{CITE}]
      units: {{schools: [primary]}}
      records:
        table: supervisions
        where: {{target_kind: school, kind: comprehensive}}
        unit_column: target
        organised_by: unit-or-above
      years: {{parameter: test.cycle_years}}
      message: {{zh: "{{span}}没有综合督导"}}
    """
    plugins = loaded(plugin(tmp_path, rules))

    def sup(id: str, target: str, body: str, day: str) -> dict[str, str]:
        kind = "comprehensive"
        return {"supervision_id": id, "kind": kind, "body": body, "target_kind": "school"} | {
            "target": target,
            "date": day,
        }

    ds = dataset(
        "450100",
        schools=[school(s, "450102") for s in ("S1", "S2", "S3", "S4")],
        supervisions=[
            sup("V1", "S1", "450102", "2021-03-01"),  # first year of 2021–2023: counts
            sup("V2", "S2", "450102", "2020-12-31"),  # before the cycle
            sup("V3", "S3", "450000", "2023-05-01"),  # the province, above the county
            sup("V4", "S4", "450103", "2023-05-01"),  # another county: not S4's body
        ],
    )
    extra = parameter("test.cycle_years", 3, scope="450100", cite=CITE)
    on = dt.date(2024, 2, 1)  # judged year 2023: cycle 2021–2023
    assert periods.judged_year(on) == 2023
    result = run(ds, on, plugins=plugins, rules={"three-year-round"}, extra=extra)
    assert found(result, "three-year-round") == {"S2": "error", "S4": "error"}
    messages = set(result.findings["message"])
    assert messages == {"2021—2023 年没有综合督导"}


# ------------------------------------------------------------------ row-condition


def test_row_condition_counts_rows_failing_each_condition(tmp_path: Path) -> None:
    rules = f"""
    - id: reports
      template: row-condition
      title: 督导形成报告
      cite: [{CITE}]
      records: {{table: supervisions, where: {{kind: [comprehensive, special]}}}}
      group_by: body
      period: judged-year
      conditions:
        - {{id: no_report, column: report_date}}
      examples: supervision_id
    """
    plugins = loaded(plugin(tmp_path, rules))
    base = {"kind": "special", "target_kind": "government", "target": "450102"}
    ds = dataset(
        "450100",
        supervisions=[
            {**base, "supervision_id": "R1", "body": "450100", "date": "2022-03-01"},
            {
                **base,
                "supervision_id": "R2",
                "body": "450100",
                "date": "2022-04-01",
                "report_date": "2023-05-01",  # after the check date: not yet
            },
            {
                **base,
                "supervision_id": "R3",
                "body": "450102",
                "date": "2022-04-01",
                "report_date": "2022-05-01",
            },
            {**base, "supervision_id": "R4", "body": "450102", "date": "2023-01-10"},  # 2023
        ],
    )
    result = run(ds, dt.date(2023, 3, 1), plugins=plugins, rules={"reports"})
    assert found(result, "reports") == {"450100": "error"}
    ev = evidence(result, "reports", "450100")
    assert (ev["rows"], ev["no_report"], ev["examples"]) == (2, 2, ["R1", "R2"])
    assert evidence(result, "reports", "450102")["rows"] == 1


# ------------------------------------------------------------------ loading and locality


def test_a_template_rule_is_in_force_only_in_its_plugins_scope(tmp_path: Path) -> None:
    """A city plugin's rule judges the city's counties in a province-wide dataset, and no
    county of another city."""
    plugins = loaded(plugin(tmp_path, COUNT))
    ds = dataset("450000", filings=FILINGS)
    extra = parameter("test.filings_per_year", 2, scope="450000", cite=CITE)
    result = run(ds, dt.date(2023, 12, 31), plugins=plugins, rules={"plans-filed"}, extra=extra)
    judged = set(result.checks["plans-filed@450100"]["target"])
    assert judged and all(code.startswith("4501") for code in judged)
    assert "450305" not in judged  # 桂林市七星区


def test_bad_template_rules_are_reported_at_file_and_line(tmp_path: Path) -> None:
    rules = f"""
    - id: fine
      template: count-per-period
      title: 正常
      cite: [{CITE}]
      units: {{level: county}}
      records: {{table: filings, unit_column: jurisdiction, date: filed_on}}
    - id: bad-table
      template: count-per-period
      title: 表名错
      cite: [{CITE}]
      units: {{level: county}}
      records: {{table: filling}}
    - id: bad-message
      template: cycle
      title: 消息错
      cite: [{CITE}]
      units: {{schools: [primary]}}
      records: {{table: supervisions, unit_column: target}}
      message: {{zh: "{{year.__class__}}"}}
    """
    folder = plugin(tmp_path, rules)
    with pytest.raises(DudaoError) as err:
        YamlPlugin(folder).template_rules()
    where = sorted((p.line, ".".join(map(str, p.path))) for p in err.value.problems)
    assert where == [(14, "rules.1.records.table"), (21, "rules.2.message.zh")]
    plugins = load_plugins(autoload=False, extra={"testcity": YamlPlugin(folder)})
    assert not plugins.get("testcity").ok  # left out whole, as every bad plugin is


def test_an_unknown_template_names_the_close_one(tmp_path: Path) -> None:
    folder = plugin(tmp_path, f"- {{id: x, template: count-per-perod, title: x, cite: [{CITE}]}}\n")
    with pytest.raises(DudaoError) as err:
        YamlPlugin(folder).template_rules()
    (problem,) = err.value.problems
    assert problem.line == 2 and "count-per-period" in (problem.hint or "")


def test_messages_name_only_evidence() -> None:
    assert not Message("{year} 年 {n} 所").problems({"year", "n"})
    for text in ("{n.real}", "{n[0]}", "{n!r}", "{n:>10}", "{other}", "{"):
        assert Message(text).problems({"n"}), text


def test_every_template_is_documented_with_an_example() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")
    for name in TEMPLATES:
        assert f"template: {name}" in docs, name


def test_the_reference_examples_build() -> None:
    """Every rule written from a template in docs/templates.md structures and builds
    (its settings, tables, stages and message fields are valid)."""
    import re

    from dudao.io import yamlio
    from dudao.rules.templates import RuleFile

    docs = (Path(__file__).parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")
    built = []
    for block in re.findall(r"```yaml\n(.*?)```", docs, flags=re.S):
        if "template:" not in block or not block.startswith("  - id:"):
            continue
        doc = yamlio.parse("rules:\n" + block, "docs/templates.md")
        for _, spec in yamlio.structure(doc, RuleFile).definitions():
            built.append(spec.build())
    assert {r.spec.name for r in built} == set(TEMPLATES)


def test_a_misspelt_column_or_coded_value_is_an_error_not_an_empty_match(tmp_path: Path) -> None:
    """A column the table lacks or a value a coded column cannot hold would match no
    record and judge every unit as lacking, silently: loading refuses it instead."""
    rules = f"""
    - id: typo
      template: cycle
      title: 拼错
      cite: [{CITE}]
      units: {{schools: [primary]}}
      records:
        table: supervisions
        where: {{kind: comprehensiv, topik: x}}
        unit_column: target
    """
    with pytest.raises(DudaoError) as err:
        YamlPlugin(plugin(tmp_path, rules)).template_rules()
    found = {(p.code, p.path[-1]) for p in err.value.problems}
    assert found == {("unknown-value", "kind"), ("unknown-column", "topik")}
    hints = " ".join(p.hint or "" for p in err.value.problems)
    assert "comprehensive（综合督导）" in hints and "topic" in hints


def test_a_coded_value_may_be_written_in_chinese(tmp_path: Path) -> None:
    rules = f"""
    - id: by-label
      template: cycle
      title: 中文取值
      cite: [{CITE}]
      units: {{schools: [primary]}}
      records: {{table: supervisions, where: {{kind: 综合督导}}, unit_column: target}}
    """
    plugins = loaded(plugin(tmp_path, rules))
    sup = {"supervision_id": "V1", "kind": "comprehensive", "body": "450102"}
    ds = dataset(
        "450100",
        schools=[school("S1", "450102"), school("S2", "450102")],
        supervisions=[{**sup, "target_kind": "school", "target": "S1", "date": "2023-05-01"}],
    )
    result = run(ds, dt.date(2023, 12, 31), plugins=plugins, rules={"by-label"})
    assert found(result, "by-label") == {"S2": "error"}


def test_count_of_sub_units_covered(tmp_path: Path) -> None:
    """Records naming townships count once per township, for the county above them,
    when the county organised them; a county with no known township says so."""
    from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind

    rules = f"""
    - id: towns
      template: count-per-period
      title: 县评价所辖乡镇
      cite: [{CITE}]
      severity: warning
      units: {{level: county}}
      records:
        table: supervisions
        where: {{target_kind: government}}
        unit_column: target
        sub_units: township
        organised_by: unit
      period: judged-year
      count_as: evaluated
      message: {{zh: "已知 {{sub_units}} 个，未评价：{{not_covered}}"}}
      messages:
        no-sub-units: {{zh: "没有已知的乡镇"}}
    """
    plugins = loaded(plugin(tmp_path, rules))
    towns = [
        Jurisdiction("450102901", "甲镇", JurisdictionKind.TOWN, "450102"),
        Jurisdiction("450102902", "乙镇", JurisdictionKind.TOWN, "450102"),
        Jurisdiction("450103901", "丙镇", JurisdictionKind.TOWN, "450103"),
    ]
    base = {"kind": "special", "target_kind": "government", "date": "2022-05-01"}
    ds = dataset(
        "450100",
        units=towns,
        supervisions=[
            {**base, "supervision_id": "T1", "body": "450102", "target": "450102901"},
            {**base, "supervision_id": "T2", "body": "450102", "target": "450102901"},  # again
            {**base, "supervision_id": "T3", "body": "450100", "target": "450103901"},  # city's
        ],
    )
    result = run(ds, dt.date(2023, 1, 10), plugins=plugins, rules={"towns"})
    ev = evidence(result, "towns", "450102")
    assert (ev["evaluated"], ev["sub_units"], ev["not_covered"]) == (1, 2, ["450102902 乙镇"])
    f = result.findings.set_index("target")
    assert "450102" not in f.index
    assert f.loc["450103", "message"] == "已知 1 个，未评价：450103901 丙镇"
    assert f.loc["450105", "message"] == "没有已知的乡镇"
    assert set(f["severity"]) == {"warning"}
