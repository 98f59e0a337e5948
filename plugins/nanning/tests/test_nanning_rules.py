"""Nanning's own rules (city-inspector-renewal, university-zones), the 2022 work plan
and the plugin's example dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dudao_nanning.rules import due_date
from hypothesis import given
from hypothesis import strategies as st

from dudao.api import measure_plans
from dudao.errors import DudaoError
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin
from dudao.testing import dataset, evidence, inspector, run, school

guangxi_plugin = folder_plugin("dudao_guangxi")
nanning_plugin = folder_plugin("dudao_nanning")

EXAMPLE = Path(nanning_plugin.folder).parent / "example"
CITY = "450100"


@pytest.fixture(scope="module")
def plugins() -> PluginSet:
    return load_plugins(
        autoload=False, extra={"guangxi": guangxi_plugin, "nanning": nanning_plugin}
    )


# ------------------------------------------------------------ city-inspector-renewal


def _renewal(plugins: PluginSet, rows: list[dict], as_of: dt.date):
    ds = dataset(CITY, inspectors=rows)
    return run(ds, as_of, plugins=plugins, rules={"city-inspector-renewal"})


def test_renewal_counts_serving_city_inspectors_only(plugins: PluginSet) -> None:
    rows = [
        inspector("C1", CITY, term_start="2022-06-01"),
        inspector("C2", CITY, term_start="2019-06-01"),  # previous term, still serving
        inspector("C3", CITY, term_start="2019-06-01", term_end="2022-05-31"),  # left
        inspector("C4", CITY, term_start="2023-02-01"),  # after the due date
        inspector("X1", "450102", term_start="2018-06-01"),  # a district's inspector
    ]
    result = _renewal(plugins, rows, dt.date(2023, 3, 1))
    row = evidence(result, "city-inspector-renewal", CITY)
    assert (row["serving"], row["renewed"], row["old_term"]) == (2, 1, 1)
    assert row["due"] == dt.date(2022, 12, 31) and row["term"] == 5
    (finding,) = result.findings.to_dict("records")
    assert "第五届换届未完成" in finding["message"]
    assert "南府督委办〔2022〕7号 一" in finding["citation"]


def test_renewal_with_only_past_city_inspectors_fails(plugins: PluginSet) -> None:
    rows = [inspector("C9", CITY, term_start="2017-06-01", term_end="2022-05-31")]
    result = _renewal(plugins, rows, dt.date(2023, 1, 1))
    assert evidence(result, "city-inspector-renewal", CITY)["problem"] == "no-inspectors"
    (message,) = result.findings["message"]
    assert message == "截至 2022-12-31 没有在任的市政府督学，第五届换届未完成"


def test_renewal_not_checked_when_no_city_inspector_is_recorded(plugins: PluginSet) -> None:
    # a dataset of district inspectors only does not cover the city's: no finding, no check
    result = _renewal(plugins, [inspector("X1", "450102")], dt.date(2023, 1, 1))
    assert result.findings.empty
    with pytest.raises(KeyError):
        evidence(result, "city-inspector-renewal", CITY)


def test_renewal_not_checked_before_due_date(plugins: PluginSet) -> None:
    rows = [inspector("C2", CITY, term_start="2019-06-01")]
    before = _renewal(plugins, rows, dt.date(2022, 12, 30))
    on_due = _renewal(plugins, rows, dt.date(2022, 12, 31))
    assert before.findings.empty
    assert len(on_due.findings) == 1


@given(new=st.integers(0, 4), old=st.integers(0, 4))
def test_renewal_passes_exactly_when_no_old_term_serves(
    plugins: PluginSet, new: int, old: int
) -> None:
    rows = [inspector(f"N{i}", CITY, term_start="2022-06-01") for i in range(new)]
    rows += [inspector(f"O{i}", CITY, term_start="2018-06-01") for i in range(old)]
    rows += [inspector("P0", CITY, term_start="2015-06-01", term_end="2020-05-31")]  # past
    row = evidence(_renewal(plugins, rows, dt.date(2023, 1, 1)), "city-inspector-renewal", CITY)
    assert (row["serving"], row["renewed"]) == (new + old, new)
    assert bool(row["ok"]) is (new > 0 and old == 0)


# ------------------------------------------------------------------- university-zones


def test_university_zones(plugins: PluginSet) -> None:
    ds = dataset(
        CITY,
        schools=[
            school("U1", "450107", stage="higher_vocational", zone="UZ"),
            school("U2", "450110", stage="higher_vocational"),
            school("U3", "450103", stage="higher_vocational", zone="EMPTY"),
            school("P1", "450103"),  # a primary school: zone-coverage's business
        ],
        zones=[
            {"zone_id": "UZ", "name": "高校区", "county": "450107"},
            {"zone_id": "EMPTY", "name": "空区", "county": "450103"},
        ],
        inspectors=[inspector("C1", CITY, term_start="2022-06-01", zone="UZ")],
    )
    result = run(ds, dt.date(2023, 1, 5), plugins=plugins, rules={"university-zones"})
    problems = dict(zip(result.findings["target"], result.findings["message"], strict=True))
    assert set(problems) == {"U2", "U3"}
    assert "未纳入督学责任区" in problems["U2"]
    assert "EMPTY 没有在任督学" in problems["U3"]
    assert evidence(result, "university-zones", "U1")["zone_inspectors"] == 1
    early = run(ds, dt.date(2022, 6, 1), plugins=plugins, rules={"university-zones"})
    assert early.findings.empty  # not due before 2022-12-31


def test_due_date_parses_and_rejects() -> None:
    assert due_date(dt.date(2022, 12, 31)) == dt.date(2022, 12, 31)
    assert due_date(" 2022-12-31 ") == dt.date(2022, 12, 31)
    with pytest.raises(DudaoError, match="不是日期"):
        due_date("年底", "zone.university_zones_due")


# ---------------------------------------------------------------- plan and example


def test_plan_loaded_with_every_item(plugins: PluginSet) -> None:
    law = plugins.law_book(plugins.hierarchy())
    (entry,) = law.versions("work_plan", "nanning-2022")
    plan = entry.value
    assert [i.number for i in plan.items] == [
        "通知", "一", "二", "三", "四", "五", "六", "七", "八", "九"
    ]  # fmt: skip
    assert entry.scope == CITY
    every = plan.tasks()
    assert all(
        t.cite is not None and str(t.cite).startswith("南府督委办〔2022〕7号") for t in every
    )
    assert all(t.target is not None or t.note for t in every)  # unmeasurable says why
    assert plan.task("county-plans-filed").deadline == dt.date(2022, 4, 9)


def test_example_plan_status(plugins: PluginSet) -> None:
    report = measure_plans(EXAMPLE, plugins, plugin="nanning")
    status = {r.task.id: r.status.value for r in report.results}
    assert status["work-rules"] == "met"
    assert status["inspector-renewal"] == "not_met"  # one fourth-term inspector still serving
    assert status["university-zones"] == "not_met"
    assert status["monitoring-samples"] == "met"
    assert status["up-liangqing-recognition"] == "met"
    assert status["up-qingxiu-rectified"] == "not_met"
    assert status["research"] == "not_measurable"
    by = {r.task.id: r for r in report.results}
    assert by["county-plans-filed"].evidence["missing"] == [
        "450125 上林县",
        "450100-gaoxin 南宁高新技术产业开发区",
    ]


def test_plan_and_check_agree_on_the_bundled_example_s_regular_meetings(
    plugins: PluginSet,
) -> None:
    """The bundled example: 南宁市 held only a special meeting in 2022, its counties one
    regular meeting each. ``check`` reports 南宁市; the plan task measured by the same
    rule does too (it once credited the counties' meetings to the city: 达成)."""
    from dudao.api import check
    from dudao.examples import example_path

    bundled = example_path("nanning")
    found = check(bundled, plugins, as_of=dt.date(2023, 3, 1)).findings
    meetings = found.loc[found["rule"] == "committee-meetings", "target"].tolist()
    assert meetings == [CITY]

    def task(day: dt.date):
        report = measure_plans(bundled, plugins, plan="nanning-2022", as_of=day)
        (result,) = [r for r in report.results if r.task.id == "regular-meeting"]
        return result

    after = task(dt.date(2023, 3, 1))
    assert after.status.value == "not_met"
    assert after.evidence["targets"] == meetings
    # on the last day of 2022 the year is not over: not yet judged, not 达成
    assert task(dt.date(2022, 12, 31)).status.value == "pending"
