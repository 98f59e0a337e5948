"""Issue 13's leftovers: what ``rules`` and ``explain`` show of a value (who set it, as
the local government names its bodies, sample data never under a document alone),
``hierarchy show --depth`` counting what it shows."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
from typing import Any

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.law.kinds import Kind
from dudao.law.parameters import SAMPLE_NOTE

needs_nanning = pytest.mark.skipif(
    importlib.util.find_spec("dudao_nanning") is None
    or bool(os.environ.get("DUDAO_NO_PLUGIN_AUTOLOAD")),
    reason="uses the Guangxi and Nanning plugins and the Nanning example (core alone: skipped)",
)

TODAY = dt.date(2023, 3, 1)


def run(*args: str) -> Any:
    out = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return out


def as_json(*args: str) -> dict[str, Any]:
    out = run(*args, "--format", "json")
    assert out.exit_code in (0, 1), out.output
    data: dict[str, Any] = json.loads(out.stdout)
    return data


# ------------------------------------------------ rules --for: the local office host


@needs_nanning
def test_rules_for_a_district_names_its_own_office_host_and_member_units() -> None:
    """厅发〔2020〕26号 二（一） puts the region's office in 自治区教育厅 and has cities and
    counties follow suit: for 青秀区 the host is 青秀区教育局, not the region's."""
    data = as_json("rules", "--for", "450103", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    host = params["committee.office_host"]
    assert host["display"] == "青秀区教育局"
    assert host["value"] == "自治区教育厅"  # the catalogue's name, as the document writes it
    units = params["committee.required_member_units"]["display"].split("、")
    assert "青秀区财政局" in units and "青秀区体育局" in units and "共青团青秀区委" in units
    assert not [u for u in units if u.startswith("自治区")]
    table = run("rules", "--for", "450103", "--as-of", "2023-03-01").stdout
    assert "青秀区教育局" in table.replace("\n", "").replace("│", "").replace(" ", "")


@needs_nanning
def test_rules_for_the_region_keeps_the_region_s_names() -> None:
    data = as_json("rules", "--for", "450000", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "自治区教育厅"


@needs_nanning
def test_rules_for_a_city_names_the_city_s_bureau() -> None:
    data = as_json("rules", "--for", "450100", "--as-of", "2023-03-01")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "南宁市教育局"


# ------------------------------------------- explain: who set each value it applied


@needs_nanning
def test_explain_names_the_plugin_whose_value_applied_not_the_rule_s() -> None:
    """upward-reporting is Guangxi's rule; its deadline 04-09 is Nanning's parameter."""
    data = as_json("explain", "upward-reporting", "450125", "nanning")
    assert data["plugin"] == "guangxi"
    params = {p["id"]: p for p in data["parameters"]}
    deadline = params["reporting.plan_deadline"]
    assert (deadline["value"], deadline["plugin"]) == ("04-09", "nanning")
    assert deadline["source"].startswith("plugins/nanning/") and deadline["source"].endswith(
        ".yaml:" + deadline["source"].rsplit(":", 1)[1]
    )
    assert params["reporting.plan_required"]["plugin"] == "guangxi"
    text = "".join(run("explain", "upward-reporting", "450125", "nanning").stdout.split())
    line = text[text.index("参数reporting.plan_deadline") :].split("参数", 2)[1]
    assert "来自插件nanning（plugins/nanning/" in line  # however the terminal wraps it


@needs_nanning
def test_explain_says_a_dataset_set_a_sample_value_and_marks_it() -> None:
    data = as_json("explain", "inspector-staffing", "450103", "nanning")
    params = {p["id"]: p for p in data["parameters"]}
    large = params["inspector.large_school_students"]
    assert large["plugin"] == "dataset" and large["sample"] is True
    assert large["source"].endswith("examples/nanning/parameters.yaml:4")
    assert SAMPLE_NOTE in large["citation"]
    text = "".join(run("explain", "inspector-staffing", "450103", "nanning").stdout.split())
    line = text[text.index("参数inspector.large_school_students") :].split("；来自", 1)[0]
    assert "（示例数据）" in line and f"依据{SAMPLE_NOTE}" in line
    assert "来自数据集（" in text[text.index("参数inspector.large_school_students") :]


@needs_nanning
def test_explain_shows_the_committee_s_own_office_host() -> None:
    data = as_json("explain", "committee-composition", "450103", "nanning")
    params = {p["id"]: p for p in data["parameters"]}
    assert params["committee.office_host"]["display"] == "青秀区教育局"
    assert data["evidence"]["expected_office_host"] == "青秀区教育局"  # the rule agrees


# ------------------------------------------- hierarchy show --depth: counts what it hides


def test_hierarchy_depth_1_says_what_lies_below_each_unit_shown() -> None:
    out = run("hierarchy", "show", "420000", "--depth", "1").stdout
    line = next(x for x in out.splitlines() if "宜昌市" in x)
    assert line.rstrip().endswith("（下辖 13 个县级单位）")  # 5 districts, 3 counties, 2
    # autonomous counties, 3 county-level cities
    data = as_json("hierarchy", "show", "420000", "--depth", "1")
    kids = data["tree"]["children"]
    yichang = next(k for k in kids if k["code"] == "420500")
    assert (yichang["children"], yichang["descendants"], yichang["below"]) == (
        [],
        13,
        {"county": 13},
    )
    assert data["shown"] == len(kids)
    assert data["total"] == sum(1 + k["descendants"] for k in kids)
    assert data["total"] > data["shown"]
    assert out.rstrip().endswith(
        f"显示 {data['shown']} 个下级单位（共 {data['total']} 个，--depth 加大可看到更多）"
    )


def test_hierarchy_without_depth_shows_and_counts_everything() -> None:
    out = run("hierarchy", "show", "420500").stdout
    assert "下辖" not in out  # nothing is hidden
    assert out.rstrip().endswith("共 13 个下级单位")
    data = as_json("hierarchy", "show", "420500")
    assert data["shown"] == data["total"] == 13
    assert data["tree"]["below"] == {"county": 13}


# ------------------------------ 示例 beside the citation of every result resting on one

MARK = "（含示例数值，非文件规定）"
#: dudao's own example: 西陵区's staffing applies the dataset's sample large-school size
CORE = ["--rule", "inspector-staffing", "--rule", "part-time-terms", "--exit-zero"]


def test_check_json_marks_findings_resting_on_a_sample_value() -> None:
    data = as_json("check", "yichang", *CORE)
    by = {(f["rule"], f["target"]): f for f in data["findings"]}
    staffing = by[("inspector-staffing", "420502")]
    assert staffing["evidence"]["sample_parameters"] is True
    assert staffing["citation"].endswith(MARK)
    assert staffing["citation"] != MARK  # the rule's own document is still named
    terms = by[("part-time-terms", "XL-P2")]  # the ordinance's 3 terms: no sample value
    assert terms["evidence"]["sample_parameters"] is False
    assert terms["citation"] == "《教育督导条例》 第六条"


def test_check_markdown_marks_findings_resting_on_a_sample_value() -> None:
    md = run("check", "yichang", *CORE, "--format", "markdown").stdout
    row = next(x for x in md.splitlines() if "inspector-staffing | 西陵区" in x)
    assert row.rstrip(" |").endswith(MARK)
    terms = next(x for x in md.splitlines() if "part-time-terms | XL兼职督学二" in x)
    assert "示例" not in terms.replace("XL兼职督学二", "")


def test_check_table_marks_findings_resting_on_a_sample_value(monkeypatch) -> None:
    from dudao.cli import output

    monkeypatch.setattr(output.stdout, "_width", 400)  # one line per row
    out = run("check", "yichang", *CORE).stdout
    row = next(x for x in out.splitlines() if "inspector-staffing" in x and "西陵区" in x)
    assert MARK in row


def test_rules_rows_mark_a_sample_value_with_or_without_a_citation() -> None:
    from dudao.api import law_in_force
    from dudao.law.contributions import Contributor
    from dudao.law.parameters import Parameter, ParameterValue, parameter_law
    from dudao.model.documents import Citation
    from dudao.plugins.manager import load_plugins

    plugins = load_plugins(autoload=False)
    h = plugins.hierarchy()
    cited = ParameterValue(4, cite=Citation.parse("教督〔2016〕2号 第六条"), sample=True)
    entries = parameter_law(
        Contributor("dataset", "420500"),
        [
            (
                Parameter("inspector.schools_per_inspector", "每名督学负责的学校数", (cited,)),
                None,
                None,
            ),
            (
                Parameter(
                    "inspector.large_school_students",
                    "大规模学校",
                    (ParameterValue(3000, sample=True),),
                ),
                None,
                None,
            ),
        ],
        h,
    )
    book = plugins.law_book(h, extra=entries)
    rows = {p["id"]: p for p in law_in_force(book, "420502", dt.date(2023, 3, 1))["parameters"]}
    ratio = rows["inspector.schools_per_inspector"]
    assert ratio["citation"] == f"教督〔2016〕2号 第六条（{SAMPLE_NOTE}）"
    assert ratio["display"] == "4（示例数据）"
    assert rows["inspector.large_school_students"]["citation"] == SAMPLE_NOTE
    visits = rows["supervision.visits_per_semester"]  # the ordinance's: no mark
    assert "示例" not in visits["citation"] and visits["citation"]


def test_evaluate_marks_grades_resting_on_sample_standards(tmp_path) -> None:
    data = as_json("evaluate", "--set", "preschool_universal")
    assert data["set"]["rests_on_sample"] is True
    assert data["set"]["cite_shown"] == f"{data['set']['cite']}{MARK}"
    table = "".join(run("evaluate", "--set", "preschool_universal").stdout.split())
    assert f"依据{data['set']['cite']}{MARK}" in table  # however the heading wraps
    # each sample standard in an explanation: marked, and never under the set's document
    lines = as_json("evaluate", "--set", "preschool_universal", "--explain", "420503")
    sample = [x for x in lines["lines"] if x["sample"]]
    assert sample and all(not x["cite"] for x in sample)
    assert all("（示例参数）" in x["rule"] for x in sample)
    # the 评分表 says it too
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    done = run("evaluate", "--set", "preschool_universal", "--format", "xlsx", "--out", str(out))
    assert done.exit_code == 0, done.output
    cells = [c for row in load_workbook(out).worksheets[0].iter_rows(values_only=True) for c in row]
    assert f"{data['set']['cite']}{MARK}" in cells


def test_rests_on_sample_is_false_for_a_set_with_only_cited_numbers() -> None:
    import pandas as pd

    from dudao.cli.evaluate import rests_on_sample
    from dudao.evaluation.model import parse_indicator_set
    from dudao.evaluation.score import evaluate

    text = """\
id: t
title: 测试
cite: 教督〔2017〕6号
grades: [{label: 达标, min: 1}, {label: 不达标}]
dimensions:
  - id: d
    name: 一
    indicators:
      - id: a
        name: 甲
        measure: x
        points: 1
        cite: 教督〔2017〕6号 第五条
        scoring: {kind: threshold, op: ">=", value: 1}
"""
    s = parse_indicator_set(text, columns=["x"])
    frame = pd.DataFrame({"target": ["420502"], "x": [2.0]})
    assert rests_on_sample(evaluate(s, frame)) is False
    sample = parse_indicator_set(
        text.replace("value: 1}", "value: 1, sample: true}"), columns=["x"]
    )
    assert rests_on_sample(evaluate(sample, frame)) is True


@needs_nanning
def test_plan_status_marks_a_task_judged_with_a_sample_value() -> None:
    data = as_json("plan", "status", "nanning", "--plugin", "nanning", "--as-of", "2022-12-31")
    tasks = {t["task"]: t for t in data["tasks"]}
    staffing = tasks["reform-staffing"]  # inspector-staffing: the sample large-school size
    assert staffing["evidence"]["sample_parameters"] is True
    assert staffing["citation"].endswith(MARK) and staffing["reason"].endswith(MARK)
    funding = tasks["reform-funding"]  # supervision-funding: no sample value
    assert "示例" not in (funding["citation"] or "") + funding["reason"]


# ------------------------------- an unknown parameter id in a dataset: a located error


def _dataset_with(tmp_path, parameters: str):
    import shutil

    from dudao.examples import example_path

    folder = tmp_path / "ds"
    shutil.copytree(example_path(), folder)
    (folder / "parameters.yaml").write_text(parameters, encoding="utf-8")
    return folder


MISSPELT = """\
parameters:
  - id: inspector.large_school_students
    title: 大规模学校
    values: [{value: 3000, sample: true}]
  - id: inspector.school_per_inspector
    title: 每名督学负责的学校数
    values: [{value: 4, sample: true}]
"""


def test_a_dataset_parameter_nothing_states_or_reads_is_an_error_at_its_line(tmp_path) -> None:
    folder = _dataset_with(tmp_path, MISSPELT)
    out = run("check", str(folder), "--exit-zero")
    assert out.exit_code == 2, out.output
    assert "内部错误" not in out.stderr
    text = " ".join(out.stderr.split())
    assert f"{folder / 'parameters.yaml'}:5" in text  # the second item's line
    assert "未知的参数 'inspector.school_per_inspector'" in text
    assert "是否是 inspector.schools_per_inspector" in text


def test_a_dataset_may_set_parameters_others_state_or_read(tmp_path) -> None:
    ok = MISSPELT.replace("inspector.school_per_inspector", "inspector.schools_per_inspector")
    folder = _dataset_with(tmp_path, ok)
    data = as_json("check", str(folder), "--rule", "inspector-staffing", "--exit-zero")
    by = {f["target"]: f for f in data["findings"]}
    assert by["420502"]["evidence"]["schools_per_inspector"] == 4  # the dataset's value


def test_an_inline_test_case_parameter_is_checked_the_same_way(tmp_path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        """\
name: 拼错的参数
as_of: 2023-03-01
dataset:
  scope: "420502"
  parameters:
    - id: supervision.visit_per_semester
      title: 每学期经常性督导次数
      values: [{value: 3, sample: true}]
  tables:
    schools:
      - {school_id: A, name: 甲校, stage: primary, ownership: public, students: 100, county: "420502"}
rules: [routine-visits]
expect:
  findings: []
""",
        encoding="utf-8",
    )
    out = run("test", str(case))
    text = " ".join((out.stdout + out.stderr).split())
    assert "未知的参数 'supervision.visit_per_semester'" in text
    assert f"{case}:6" in text and "supervision.visits_per_semester" in text
    assert out.exit_code != 0


def test_known_ids_are_those_stated_or_read() -> None:
    from dudao.law.kinds import Kind
    from dudao.law.parameters import Parameter as P
    from dudao.law.parameters import known_parameter_ids, unknown_parameter_problems
    from dudao.plugins.manager import load_plugins

    book = load_plugins(autoload=False).law_book()
    known = known_parameter_ids(book)
    read = {p for e in book.entries(Kind.RULE) if e.value for p in e.value.parameters}
    assert read and read <= known
    assert set(book.ids(Kind.PARAMETER)) <= known
    # the workflow names its own settings (and checks them): not judged here
    workflow = P("workflow.feedback.invitees", "反馈邀请", ())
    typo = P("government.supervision_cycle_year", "周期", ())
    (problem,) = unknown_parameter_problems([(workflow, "a", 1), (typo, "b.yaml", 7)], known)
    assert (problem.source, problem.line, problem.code) == ("b.yaml", 7, "unknown-parameter")
    assert "government.supervision_cycle_years" in (problem.hint or "")


# ---------------- inline test-case datasets: the checks a dataset folder gets (item 7)

CASE = """\
name: 坏数据
as_of: 2023-03-01
dataset:
  scope: "420502"
{units}  tables:
    schools:
      - {{school_id: A, name: 甲校, stage: primary, ownership: public, students: 100, county: "{county}"}}
    visits:
      - {{school_id: {visited}, date: 2022-10-01}}
rules: [routine-visits]
expect:
  findings: []
"""


UNIT = (
    '  units:\n    - {{code: {code}, name: 某开发区, kind: development_zone, parent: "{parent}"}}\n'
)


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        (
            {"county": "999999"},
            ":7 dataset.tables.schools[0].county:",
            "县级区划代码 '999999' 不是已知的县级区划代码",
        ),
        (
            {"county": "420503"},
            ":7 dataset.tables.schools[0].county:",
            "'420503'（伍家岗区）不在数据集范围 420502 西陵区 之内",
        ),
        (
            {"visited": "X"},
            ":9 dataset.tables.visits[0].school_id:",
            "经常性督导记录表引用了不存在的学校 'X'",
        ),
        (
            {"units": UNIT.format(code="420500-kaifa", parent="420500")},
            ":6 dataset.units[0]:",
            "420500-kaifa 某开发区 不在数据集范围 420502 之内",
        ),
        (
            {"units": UNIT.format(code="420502-kaifa", parent="420502")},
            ":6",
            "420502-kaifa 某开发区（县级）不能隶属于同级或更低级的 420502 西陵区（县级）",
        ),
    ],
    ids=["unknown-code", "out-of-scope", "unknown-school", "unit-out-of-scope", "unit-bad-parent"],
)
def test_an_inline_dataset_gets_the_folder_checks(tmp_path, fields, where, words) -> None:
    values = {"county": "420502", "visited": "A", "units": "", **fields}
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(**values), encoding="utf-8")
    out = run("test", str(case))
    text = " ".join((out.stdout + out.stderr).split())
    assert out.exit_code == 2, text
    assert "用例文件有误" in text and "内部错误" not in text
    assert f"{case}{where}" in text and words in text


def test_a_clean_inline_dataset_still_runs(tmp_path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(county="420502", visited="A", units=""), encoding="utf-8")
    out = run("test", str(case))
    assert out.exit_code == 0, out.stdout + out.stderr


# ------------------------- an unknown parameter id in a plugin: a misspelling is an error


def _plugin(root, ids: list[str]):
    from dudao.plugins.yaml_plugin import YamlPlugin

    folder = root / "hubei_test"
    (folder / "parameters").mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        "name: hubei_test\ntitle: 湖北测试\nscope: '420000'\n", encoding="utf-8"
    )
    items = "".join(
        f"  - id: {i}\n    title: 测试\n    values: [{{value: 4, sample: true}}]\n" for i in ids
    )
    (folder / "parameters" / "staffing.yaml").write_text(f"parameters:\n{items}", encoding="utf-8")
    return folder, YamlPlugin(folder)


def test_a_plugin_parameter_misspelling_a_known_id_excludes_the_plugin(tmp_path) -> None:
    from dudao.plugins.manager import load_plugins

    folder, plugin = _plugin(
        tmp_path, ["inspector.schools_per_inspector", "inspector.school_per_inspector"]
    )
    plugins = load_plugins(autoload=False, extra={"hubei_test": plugin})
    mine = plugins.get("hubei_test")
    assert not mine.ok
    (problem,) = mine.problems
    assert problem.code == "unknown-parameter"
    assert (problem.source or "").endswith("parameters/staffing.yaml") and problem.line == 5
    assert "inspector.school_per_inspector" in problem.message
    assert "inspector.schools_per_inspector" in (problem.hint or "")
    # the rest of the law stands: the national value still governs Hubei
    book = plugins.law_book()
    entry = book.resolve(Kind.PARAMETER, "inspector.schools_per_inspector", "420502", TODAY)
    assert entry is not None and entry.origin.plugin == "national"
    # validate says the same of the folder
    out = run("validate", str(folder))
    text = " ".join((out.stdout + out.stderr).split())
    assert out.exit_code != 0 and "inspector.school_per_inspector" in text


def test_a_plugin_may_refine_a_known_id_or_state_a_new_one(tmp_path) -> None:
    from dudao.plugins.manager import load_plugins

    _, plugin = _plugin(tmp_path, ["inspector.schools_per_inspector", "hubei.monitoring_subjects"])
    plugins = load_plugins(autoload=False, extra={"hubei_test": plugin})
    assert plugins.get("hubei_test").ok, plugins.get("hubei_test").problems
    entry = plugins.law_book().resolve(
        Kind.PARAMETER, "inspector.schools_per_inspector", "420502", TODAY
    )
    assert entry is not None and entry.value == 4 and entry.origin.plugin == "hubei_test"
