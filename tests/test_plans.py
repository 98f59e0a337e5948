"""Work plans: targets measured against small datasets with hand-counted answers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io import yamlio
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.plans import RecordsTarget, RuleTarget, TaskStatus, WorkPlan, plan_status
from dudao.plans.model import Wording
from dudao.plans.status import TaskResult, measure_records
from dudao.plugins.manager import load_plugins
from dudao.testing import dataset, school

PLUGINS = load_plugins(autoload=False)
HIERARCHY = PLUGINS.hierarchy()
NANNING_COUNTIES = [u.code for u in HIERARCHY.children("450100")]
YEAR_START, YEAR_END = dt.date(2022, 1, 1), dt.date(2022, 12, 31)


def filing(code: str, on: str, kind: str = "plan") -> dict:
    return {"jurisdiction": code, "kind": kind, "year": 2022, "filed_on": on}


def test_nanning_has_twelve_county_level_units_in_the_national_divisions() -> None:
    # 7 districts, 4 counties and 横州市: the count the "every" targets below rely on
    assert len(NANNING_COUNTIES) == 12


def test_at_least_counts_distinct_units_not_records() -> None:
    ds = dataset(
        "450100",
        filings=[
            filing("450102", "2022-03-01"),
            filing("450102", "2022-04-01"),  # the same county twice counts once
            filing("450103", "2022-04-05"),
        ],
    )
    target = RecordsTarget("filings", "county", where={"kind": "年度工作计划"}, at_least=3)
    status, reason, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MET
    assert (ev["required"], ev["actual"]) == (3, 2)
    assert "仅 2 个" in reason


def test_records_outside_the_plan_year_or_after_the_deadline_do_not_count() -> None:
    ds = dataset(
        "450100",
        filings=[filing("450102", "2021-12-31"), filing("450103", "2022-05-01")],
    )
    target = RecordsTarget("filings", "county", at_least=1)
    status, _, ev = measure_records(
        target, ds, HIERARCHY, "450100", YEAR_START, dt.date(2022, 4, 9)
    )
    assert status is TaskStatus.NOT_MET and ev["actual"] == 0
    status, _, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.MET and ev["actual"] == 1


def test_listed_units_report_the_missing_ones_by_name() -> None:
    ds = dataset("450100", filings=[filing("450107", "2022-03-01")])
    target = RecordsTarget("filings", "county", units=["450107", "450110"])
    status, _, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MET
    assert ev["missing"] == ["450110 武鸣区"]


def test_school_records_count_for_their_county() -> None:
    ds = dataset("450100", schools=[school("S1", "450102"), school("S2", "450102")])
    target = RecordsTarget("schools", "prefecture", at_least=1)
    status, _, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.MET and ev["units"] == ["450100 南宁市"]


def test_a_missing_table_or_column_is_not_measurable_and_says_why() -> None:
    ds = dataset("450100")
    status, reason, _ = measure_records(
        RecordsTarget("meetings", "county", at_least=1),
        ds,
        HIERARCHY,
        "450100",
        YEAR_START,
        YEAR_END,
    )
    assert status is TaskStatus.NOT_MEASURABLE and "缺少 meetings 表" in reason
    ds = dataset("450100", filings=[filing("450102", "2022-03-01")])
    status, reason, _ = measure_records(
        RecordsTarget("filings", "county", where={"knd": "x"}, at_least=1),
        ds,
        HIERARCHY,
        "450100",
        YEAR_START,
        YEAR_END,
    )
    assert status is TaskStatus.NOT_MEASURABLE and "没有列 knd" in reason


@given(st.sets(st.sampled_from(NANNING_COUNTIES)))
def test_every_is_met_exactly_when_each_unit_has_a_record(filed: set[str]) -> None:
    ds = dataset("450100", filings=[filing(c, "2022-03-01") for c in sorted(filed)])
    target = RecordsTarget("filings", "county", every=True)
    status, _, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert ev["actual"] == len(filed) and ev["required"] == 12
    assert (status is TaskStatus.MET) == (len(filed) == 12)
    # at_least n is met exactly when n units have filed
    for n in (1, 6, 12):
        at_least = RecordsTarget("filings", "county", at_least=n)
        s, _, _ = measure_records(at_least, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
        assert (s is TaskStatus.MET) == (len(filed) >= n)


PLAN_YAML = """\
id: test-2022
title: 测试工作要点
cite: 南府督委办〔2022〕7号
year: 2022
items:
  - number: 一
    title: 委员会
    tasks:
      - id: meetings
        text: 至少召开一次工作例会
        cite: 南府督委办〔2022〕7号 一
        responsible: [市政府教育督导委员会办公室, 各成员单位]
        target: {rule: committee-meetings}
  - number: 三
    title: 优质均衡
    tasks:
      - id: filings
        text: 各县报送工作要点
        deadline: 2022-04-09
        target: {table: filings, level: county, at_least: 2}
      - id: exhort
        text: 加强研究
        note: 纯倡导性表述
"""


def _plan(tmp_path: Path, text: str = PLAN_YAML) -> WorkPlan:
    path = tmp_path / "2022.yaml"
    path.write_text(text, encoding="utf-8")
    return yamlio.load(path, WorkPlan, validate=WorkPlan.problems)


def test_plan_status_reports_each_task_with_its_lead_and_deadline(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    ds = dataset(
        "450100",
        filings=[filing("450102", "2022-04-01"), filing("450103", "2022-04-20")],
        meetings=[],
    )
    law: LawBook = PLUGINS.law_book(HIERARCHY)
    results = {
        r.task.id: r for r in plan_status(plan, "450100", ds, HIERARCHY, law, dt.date(2022, 12, 31))
    }
    assert results["meetings"].task.lead == "市政府教育督导委员会办公室"
    # one county filed by 9 April, the other late: 1 of the 2 required
    assert results["filings"].status is TaskStatus.NOT_MET
    assert results["filings"].evidence["actual"] == 1
    assert results["exhort"].status is TaskStatus.NOT_MEASURABLE
    assert results["exhort"].reason == "纯倡导性表述"


def test_a_rule_target_for_a_rule_not_in_force_is_not_measurable(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    ds = dataset("450100", meetings=[])
    law = PLUGINS.law_book(HIERARCHY)
    (meetings,) = [
        r
        for r in plan_status(plan, "450100", ds, HIERARCHY, law, dt.date(2023, 1, 10))
        if r.task.id == "meetings"
    ]
    # national rules only: committee-meetings is a template no plugin adopts here
    assert meetings.status is TaskStatus.NOT_MEASURABLE
    assert "committee-meetings" in meetings.reason
    assert isinstance(meetings.task.target, RuleTarget)


def test_bad_plans_name_the_line_and_field(tmp_path: Path) -> None:
    text = PLAN_YAML.replace("at_least: 2", "at_least: 2, every: true").replace(
        "id: exhort", "id: meetings"
    )
    with pytest.raises(DudaoError) as err:
        _plan(tmp_path, text)
    shown = str(err.value)
    assert "2022.yaml:20" in shown and "at_least、every、units 之一" in shown
    text = PLAN_YAML.replace("id: exhort", "id: meetings")
    with pytest.raises(DudaoError) as err:
        _plan(tmp_path, text)
    assert "2022.yaml:21 items[1].tasks[1].id" in str(err.value)
    assert "任务编号 'meetings' 重复" in str(err.value)


def test_a_where_value_the_column_cannot_hold_is_not_a_silent_zero() -> None:
    ds = dataset("450100", filings=[filing("450102", "2022-03-01")])
    target = RecordsTarget("filings", "county", where={"kind": "work_plan"}, at_least=1)
    status, reason, _ = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MEASURABLE
    assert "'work_plan' 不是有效的取值" in reason and "年度工作计划（plan）" in reason


def test_before_the_deadline_an_unreached_target_is_pending_not_failed(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    ds = dataset("450100", filings=[filing("450102", "2022-03-01")], meetings=[])
    law = PLUGINS.law_book(HIERARCHY)
    early = {
        r.task.id: r for r in plan_status(plan, "450100", ds, HIERARCHY, law, dt.date(2022, 3, 15))
    }
    # 1 of 2 filings before 9 April: not reached yet, but still possible
    assert early["filings"].status is TaskStatus.PENDING
    assert "期限 2022-04-09 未到" in early["filings"].reason
    # a rule judges its period at the deadline, so a mid-year check cannot pass it yet
    assert early["meetings"].status is TaskStatus.PENDING
    late = {
        r.task.id: r for r in plan_status(plan, "450100", ds, HIERARCHY, law, dt.date(2022, 5, 1))
    }
    assert late["filings"].status is TaskStatus.NOT_MET


@pytest.mark.regional
def test_cli_plan_status_shows_each_plugin_example_and_the_forwarding_chain() -> None:
    import json

    from click.testing import CliRunner

    from dudao.cli import cli

    example = Path(__file__).parents[1] / "plugins/weinan/src/dudao_weinan/example"
    result = CliRunner().invoke(
        cli, ["plan", "status", str(example), "--plugin", "weinan", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert sum(shown["summary"].values()) == len(shown["tasks"])
    (weinan,) = [p for p in shown["plans"] if p["id"] == "weinan-2023"]
    assert weinan["forwarded"][0]["by"] == "610526" and weinan["forwarded"][0]["date"] is None
    table = CliRunner().invoke(cli, ["plan", "status", str(example), "--plugin", "weinan"])
    assert "转发：610526 蒲城县 蒲政教督办函〔2023〕3号（日期不详）" in table.output
    unknown = CliRunner().invoke(cli, ["plan", "status", str(example), "--plugin", "nope"])
    assert unknown.exit_code == 2 and "未知的插件 'nope'" in unknown.output


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--plugin", "national"], {}),  # the national texts hold no work plan
        ([], {"DUDAO_NO_PLUGIN_AUTOLOAD": "1"}),  # the core alone: no plugin has one
    ],
    ids=["plugin-without-plans", "core-alone"],
)
def test_plan_show_says_so_when_no_plan_is_in_force(args: list[str], env: dict[str, str]) -> None:
    import json

    from click.testing import CliRunner

    from dudao.cli import cli

    table = CliRunner().invoke(cli, ["plan", "show", *args], env=env)
    assert table.exit_code == 0, table.output
    assert "没有工作要点" in table.stdout
    shown = CliRunner().invoke(cli, ["plan", "show", *args, "--format", "json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == []


def test_a_target_may_count_schools() -> None:
    ds = dataset(
        "450100",
        schools=[school("S1", "450102"), school("S2", "450102"), school("S3", "450103")],
        visits=[
            {"school_id": "S1", "date": "2022-03-01"},
            {"school_id": "S1", "date": "2022-04-01"},
            {"school_id": "S3", "date": "2021-04-01"},  # before the plan's year
        ],
    )
    target = RecordsTarget("visits", "学校", every=True)
    status, reason, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MET
    assert (ev["required"], ev["actual"]) == (3, 1)
    assert ev["missing"] == ["S2 学校S2", "S3 学校S3"]
    assert reason.startswith("全部学校有经常性督导记录")
    # only the schools inside the scope count
    status, _, ev = measure_records(target, ds, HIERARCHY, "450102", YEAR_START, YEAR_END)
    assert ev["required"] == 2


def test_a_topic_filter_counts_only_the_counties_supervised_on_that_topic() -> None:
    def sup(id: str, kind: str, tk: str, target: str, on: str, topic: str | None) -> dict:
        return {"supervision_id": id, "kind": kind, "body": "450100", "target_kind": tk,
                "target": target, "date": on, "topic": topic}  # fmt: skip

    ds = dataset(
        "450100",
        schools=[school("S3", "450103")],
        supervisions=[
            sup("D1", "special", "government", "450102", "2022-05-01", "double_reduction"),
            sup("D2", "special", "school", "S3", "2022-06-01", "double_reduction"),  # 青秀区
            sup("D3", "special", "government", "450107", "2022-06-01", "dropout"),
            sup("D4", "special", "government", "450108", "2022-06-01", None),  # no topic
            sup("D5", "comprehensive", "government", "450109", "2022-06-01", "double_reduction"),
            sup("D6", "special", "government", "450110", "2021-12-01", "double_reduction"),
            sup("D7", "special", "government", "450102", "2022-09-01", "double_reduction"),
        ],
    )
    where = {"kind": "专项督导", "topic": "double_reduction"}
    target = RecordsTarget("supervisions", "county", where=where, at_least=3)
    status, reason, ev = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    # D1 and D7 are one county, D2's school is in 450103; D3 is another topic, D4 has
    # none, D5 is comprehensive, D6 is before the plan's year: 2 of the 3 required
    assert status is TaskStatus.NOT_MET and "仅 2 个" in reason
    assert ev["units"] == ["450102 兴宁区", "450103 青秀区"]
    either = RecordsTarget(
        "supervisions", "county", where={**where, "topic": ["double_reduction", "dropout"]}
    )
    _, _, ev = measure_records(either, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert ev["units"] == ["450102 兴宁区", "450103 青秀区", "450107 西乡塘区"]


def test_a_topic_filter_on_a_dataset_that_records_no_topics_is_not_measurable() -> None:
    # the file has no topic column: its blanks say nothing, so the task is not "not met"
    row = {"supervision_id": "D1", "kind": "special", "body": "450100",
           "target_kind": "government", "target": "450102", "date": "2022-05-01"}  # fmt: skip
    ds = dataset("450100", supervisions=[row])
    where = {"kind": "special", "topic": "double_reduction"}
    target = RecordsTarget("supervisions", "county", where=where, at_least=1)
    status, reason, _ = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MEASURABLE
    assert reason == "数据集的 supervisions 表没有记录 topic 列"
    # the same record with the column, blank: recorded as no topic, so not met
    ds = dataset("450100", supervisions=[{**row, "topic": None}])
    status, _, _ = measure_records(target, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MET


def test_a_unit_s_own_records_count_only_for_it_with_own_records() -> None:
    def record(unit: str) -> dict:
        return {"unit": unit, "programme": "committee_work_rules", "stage": "issued",
                "date": "2022-06-01"}  # fmt: skip

    # only 兴宁区 (450102) issued work rules: by default its record counts for the city
    # above it too; "the city issues its own work rules" must not be met by a county's
    ds = dataset("450100", programmes=[record("450102")])
    rolled = RecordsTarget("programmes", "prefecture", units=["450100"])
    own = attrs.evolve(rolled, own_records=True)
    assert measure_records(rolled, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)[0] is (
        TaskStatus.MET
    )
    status, _, ev = measure_records(own, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.NOT_MET and ev["missing"] == ["450100 南宁市"]
    ds = dataset("450100", programmes=[record("450102"), record("450100")])
    status, _, ev = measure_records(own, ds, HIERARCHY, "450100", YEAR_START, YEAR_END)
    assert status is TaskStatus.MET and ev["units"] == ["450100 南宁市"]


FUNDING_PLAN = """\
id: funding-2022
title: 测试工作要点
cite: 南府督委办〔2022〕7号
year: 2022
items:
  - number: 一
    title: 保障
    tasks:
      - id: funding
        text: 完善保障
        target: {rule: supervision-funding}
"""


def test_a_task_on_an_annual_rule_is_judged_for_its_own_year_like_check(tmp_path: Path) -> None:
    """supervision-funding judges the last year that ended before the check day: on
    2022-12-31 that is 2021. The 2022 task must be judged on 2022's budgets, from
    2023-01-01, and agree with ``check`` on that day."""
    from dudao.rules.base import Context
    from dudao.rules.engine import run_rules

    plan = _plan(tmp_path, FUNDING_PLAN)
    counties = [c for c in NANNING_COUNTIES]
    budgets = [{"jurisdiction": c, "year": 2022, "amount": 10.0} for c in counties]
    # the city's budget has a 2021 line only: 2021 passes, 2022 fails
    budgets.append({"jurisdiction": "450100", "year": 2021, "amount": 10.0})
    ds = dataset("450100", budgets=budgets)
    law = PLUGINS.law_book(HIERARCHY)

    def task(day: dt.date) -> TaskResult:
        (result,) = plan_status(plan, "450100", ds, HIERARCHY, law, day)
        return result

    on_deadline = task(dt.date(2022, 12, 31))
    # the year is not over: not yet judged (before, the 2021 line read as 达成)
    assert on_deadline.status is TaskStatus.PENDING
    assert "2023-01-01 起" in on_deadline.reason
    after = task(dt.date(2023, 1, 10))
    assert after.status is TaskStatus.NOT_MET
    assert after.evidence["targets"] == ["450100"]
    checked = run_rules(
        Context(ds, HIERARCHY, law, dt.date(2023, 1, 10)), only={"supervision-funding"}
    )
    errors = checked.findings.loc[checked.findings["severity"] == "error", "target"].tolist()
    assert errors == after.evidence["targets"]


def test_a_rule_that_judged_nothing_in_scope_leaves_the_task_not_measurable(
    tmp_path: Path,
) -> None:
    # part-time-terms judges serving part-time inspectors; with none there is no evidence
    text = FUNDING_PLAN.replace("supervision-funding", "part-time-terms")
    plan = _plan(tmp_path, text)
    law = PLUGINS.law_book(HIERARCHY)
    ds = dataset("450100")
    (result,) = plan_status(plan, "450100", ds, HIERARCHY, law, dt.date(2023, 1, 10))
    assert result.status is TaskStatus.NOT_MEASURABLE
    assert result.reason == "规则 part-time-terms 在范围内没有可判断的对象，无法说明任务是否完成"


def _wording(law: LawBook, scope: str, day: dt.date) -> Wording:
    def programme(pid: str) -> object:
        entry = law.resolve(Kind.PROGRAMME, pid, scope, day, blocked="none")
        return None if entry is None else entry.value

    return Wording(lambda c: HIERARCHY.get(c).name if c in HIERARCHY else None, programme)


def test_targets_read_in_words_with_the_names_of_units_and_programmes() -> None:
    target = RecordsTarget(
        "filings",
        "county",
        where={
            "kind": "plan",
            "year": 2022,
            "filed_on": {"from": "2022-01-01", "to": "2022-04-09"},
        },
        every=True,
    )
    assert target.describe() == (
        "全部县级单位有向上级报告记录"
        "（类别：年度工作计划；年度：2022；报送日期：2022-01-01至2022-04-09）"
    )
    sup = RecordsTarget(
        "supervisions",
        "county",
        where={"kind": "special", "topic": "double_reduction", "body": "450100"},
        at_least=1,
    )
    words = Wording(lambda c: {"450100": "南宁市"}.get(c))
    assert sup.describe(words) == (
        "县级单位中至少 1 个有督导活动记录"
        "（类别：专项督导；督导事项：“双减”；组织单位：南宁市（450100））"
    )


def _all_records_targets() -> list[tuple[str, str, RecordsTarget, str, dt.date]]:
    plugins = load_plugins()
    law = plugins.law_book()
    out = []
    for entry in law.entries(Kind.WORK_PLAN):
        plan = entry.value
        for t in plan.tasks():
            if isinstance(t.target, RecordsTarget):
                out.append((plan.id, t.key, t.target, entry.scope, t.deadline_in(plan)))
    return out


def test_no_bundled_plan_target_or_note_names_a_table_or_a_column() -> None:
    """What an official reads — a target in words, a task's note — speaks of records,
    documents and units, never of tables, columns or ids."""
    from dudao.model.tables import TABLES

    plugins = load_plugins()
    law = plugins.law_book()
    # a table's or column's name (rule ids such as routine-visits are the rules' names)
    names = "|".join(TABLES)
    internal = re.compile(
        rf"[A-Za-z_]+ ?(表|=|列)|(?<![\w-])({names})(?![\w-])|README|\.yaml"
        r"|(?<![\w.-])[a-z]+_[a-z_]+(?![\w.-])"  # a programme's, stage's or value's id
    )
    bad = []
    for entry in law.entries(Kind.WORK_PLAN):
        plan = entry.value
        for t in plan.tasks():
            texts = [t.note or ""]
            if isinstance(t.target, RecordsTarget):
                words = _wording(law, entry.scope, t.deadline_in(plan))
                text = t.target.describe(words)
                texts.append(text)
                # every programme and stage is named, not given by its id
                assert not re.search(r"[a-z]+_[a-z_]+", text), (plan.id, t.key, text)
            bad += [(plan.id, t.key, x) for x in texts if internal.search(x)]
    assert bad == []


@pytest.mark.regional
def test_task_wording_names_units_and_programmes_in_force() -> None:
    from dudao.plans.status import task_wording
    from dudao.plugins.manager import load_plugins

    plugins = load_plugins()
    law = plugins.law_book()
    words = task_wording(law.hierarchy, law, "450100", dt.date(2023, 6, 30))
    assert words.named("450103") == "青秀区（450103）"
    assert words.named("999999") == "999999"
    assert words.programme("no_such_programme") is None
    assert words.programme("county_quality_evaluation") is not None
    # a programme of another region is not in force here
    assert words.programme("compulsory_school_evaluation") is None
