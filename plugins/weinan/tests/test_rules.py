"""Weinan's own rules (written from templates in data/rules/*.yaml) on small datasets built in code.

Expected numbers are counted by hand from the rows each test writes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin
from dudao.testing import dataset, evidence, parameter, run, school

weinan_plugin = folder_plugin("dudao_weinan")

YEAR_END = dt.date(2023, 12, 31)
MID_YEAR = dt.date(2023, 6, 30)


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture(scope="module")
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"weinan": weinan_plugin})


def target(id: str, value: int, scope: str) -> list:
    """A county's annual task as sample data (the seed gives no number)."""
    return parameter(id, value, scope=scope, since=dt.date(2023, 2, 15), sample=True)


def prog(unit: str, programme: str, stage: str, date: str, passed: bool | None = None) -> dict:
    row = {"unit": unit, "programme": programme, "stage": stage, "date": date}
    if passed is not None:
        row["passed"] = passed
    return row


# ---------------------------------------------------------------- 千园达标


def kindergartens() -> list[dict]:
    return [
        school("HZ-K1", "610503", stage="kindergarten"),
        school("HZ-K2", "610503", stage="kindergarten"),
        school("HZ-K3", "610503", stage="kindergarten"),
        school("HZ-P1", "610503", stage="primary"),
        school("HY-K1", "610582", stage="kindergarten"),
    ]


QIANYUAN_ROWS = [
    prog("HZ-K1", "qianyuan", "acceptance", "2023-05-10", True),
    prog("HZ-K1", "qianyuan", "acceptance", "2023-09-10", True),  # same school twice: 1
    prog("HZ-K2", "qianyuan", "acceptance", "2022-10-10", True),  # last year: not counted
    prog("HZ-K3", "qianyuan", "acceptance", "2023-10-10", False),  # failed: not counted
    prog("HZ-P1", "qianyuan", "acceptance", "2023-10-10", True),  # not a kindergarten
    prog("XX-K9", "qianyuan", "acceptance", "2023-10-10", True),  # unknown school
    prog("HY-K1", "qianyuan", "acceptance", "2023-10-10", True),
]


def test_qianyuan_shortfall_is_an_error_at_year_end(plugins: PluginSet) -> None:
    ds = dataset("610500", schools=kindergartens(), programmes=QIANYUAN_ROWS)
    extra = target("creation.qianyuan_annual_target", 2, "610503")
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"}, extra=extra)
    f = result.findings
    assert list(f["target"]) == ["610503"]  # 华阴市 has no task set: not checked
    assert f.iloc[0]["severity"] == "error"
    # the task count is sample data: the citation says so (issue 13)
    assert f.iloc[0]["citation"] == "渭政教督办〔2023〕1号 二（含示例数值，非文件规定）"
    ev = evidence(result, "qianyuan-annual-task", "610503")
    assert (ev["required"], ev["achieved"], ev["shortfall"]) == (2, 1, 1)
    assert ev["unplaced_records"] == 1
    assert bool(ev["sample_parameters"]) is True
    assert "差1所" in f.iloc[0]["message"]


def test_qianyuan_shortfall_mid_year_is_a_warning(plugins: PluginSet) -> None:
    ds = dataset("610500", schools=kindergartens(), programmes=QIANYUAN_ROWS)
    extra = target("creation.qianyuan_annual_target", 2, "610503")
    result = run(ds, MID_YEAR, plugins=plugins, rules={"qianyuan-annual-task"}, extra=extra)
    # by 30 June only the May acceptance of HZ-K1 has happened
    assert evidence(result, "qianyuan-annual-task", "610503")["achieved"] == 1
    assert list(result.findings["severity"]) == ["warning"]
    assert "尚未到期" in result.findings.iloc[0]["message"]


def test_qianyuan_met(plugins: PluginSet) -> None:
    ds = dataset("610500", schools=kindergartens(), programmes=QIANYUAN_ROWS)
    extra = target("creation.qianyuan_annual_target", 1, "610582")
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"}, extra=extra)
    assert result.findings.empty
    assert evidence(result, "qianyuan-annual-task", "610582")["achieved"] == 1


def test_unset_task_checks_nothing(plugins: PluginSet) -> None:
    """The plugin states the parameter as null: the seed gives no number."""
    ds = dataset("610500", schools=kindergartens(), programmes=QIANYUAN_ROWS)
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"})
    assert result.findings.empty
    (r,) = [r for r in result.runs if r.rule == "qianyuan-annual-task"]
    assert r.checked == 0 and r.skipped is None


def test_rules_only_in_weinan_and_in_2023(plugins: PluginSet) -> None:
    schools = [school("XN-K1", "450102", stage="kindergarten")]
    ds = dataset("450100", schools=schools, programmes=[])
    extra = target("creation.qianyuan_annual_target", 3, "450102")
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"}, extra=extra)
    assert result.findings.empty  # Nanning: Weinan's rule does not reach it
    assert not any(r.rule == "qianyuan-annual-task" for r in result.runs)

    ds = dataset("610500", schools=kindergartens(), programmes=QIANYUAN_ROWS)
    extra = target("creation.qianyuan_annual_target", 2, "610503")
    before = run(ds, dt.date(2023, 2, 14), plugins=plugins, extra=extra)
    assert not any(r.rule == "qianyuan-annual-task" for r in before.runs)  # not yet issued


def test_rule_skipped_without_programmes_table(plugins: PluginSet) -> None:
    ds = dataset("610500", schools=kindergartens())
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"})
    (r,) = [r for r in result.runs if r.rule == "qianyuan-annual-task"]
    assert r.skipped == "数据集中没有 programmes 表"


# ---------------------------------------------------------------- 达标校


def test_dabiao_counts_compulsory_schools_only(plugins: PluginSet) -> None:
    schools = [
        school("FP-P1", "610528", stage="primary"),
        school("FP-N1", "610528", stage="nine_year"),
        school("FP-S1", "610528", stage="senior"),
    ]
    rows = [
        prog("FP-P1", "quality_balanced_school", "recognition", "2023-11-30", True),
        prog("FP-N1", "quality_balanced_school", "recognition", "2023-11-30", True),
        prog("FP-S1", "quality_balanced_school", "recognition", "2023-11-30", True),
    ]
    ds = dataset("610500", schools=schools, programmes=rows)
    extra = target("creation.dabiao_annual_target", 3, "610528")
    result = run(ds, YEAR_END, plugins=plugins, rules={"dabiao-school-annual-task"}, extra=extra)
    ev = evidence(result, "dabiao-school-annual-task", "610528")
    assert (ev["required"], ev["achieved"]) == (3, 2)  # the senior high school does not count
    assert list(result.findings["target"]) == ["610528"]

    extra = target("creation.dabiao_annual_target", 2, "610528")
    result = run(ds, YEAR_END, plugins=plugins, rules={"dabiao-school-annual-task"}, extra=extra)
    assert result.findings.empty


# ---------------------------------------------------------------- 质量监测整改

MONITORING = [
    prog("610523", "quality_monitoring", "feedback", "2022-12-05"),  # 大荔县: never fixed
    prog("610502", "quality_monitoring", "feedback", "2022-12-05"),  # 临渭区: fixed before
    prog("610502", "quality_monitoring", "rectification", "2022-11-01"),
    prog("610526", "quality_monitoring", "feedback", "2022-12-05"),  # 蒲城县: fixed in 2023
    prog("610526", "quality_monitoring", "rectification", "2023-05-20", True),
    prog("610524", "quality_monitoring", "feedback", "2021-12-01"),  # 合阳县: too old
    prog("610525", "quality_monitoring", "testing", "2023-05-25"),  # 澄城县: no feedback
]


def test_monitoring_rectification(plugins: PluginSet) -> None:
    ds = dataset("610500", programmes=MONITORING)
    result = run(ds, YEAR_END, plugins=plugins, rules={"monitoring-rectification"})
    f = result.findings
    assert list(f["target"]) == ["610502", "610523"]
    assert set(f["severity"]) == {"error"}
    assert set(f["citation"]) == {"渭政教督办〔2023〕1号 五"}
    fixed = evidence(result, "monitoring-rectification", "610526")
    assert fixed["ok"] and fixed["rectified_on"] == dt.date(2023, 5, 20)
    checked = set(result.checks["monitoring-rectification@610500"]["target"])
    assert checked == {"610502", "610523", "610526"}


def test_monitoring_rectification_mid_year_warns(plugins: PluginSet) -> None:
    ds = dataset("610500", programmes=MONITORING)
    result = run(ds, MID_YEAR, plugins=plugins, rules={"monitoring-rectification"})
    assert list(result.findings["target"]) == ["610502", "610523"]
    assert set(result.findings["severity"]) == {"warning"}


# ------------------------------------------------------- invariant (hypothesis)

UNITS = ["HZ-K1", "HZ-K2", "HZ-K3", "HZ-P1", "XX-K9"]  # three kindergartens, a primary, unknown
DATES = ["2022-12-31", "2023-03-01", "2023-07-01", "2024-01-02"]
record = st.tuples(
    st.sampled_from(UNITS), st.sampled_from([True, False, None]), st.sampled_from(DATES)
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=8), required=st.integers(1, 3))
def test_annual_task_counts_like_a_hand_count(
    plugins: PluginSet, records: list, required: int
) -> None:
    """achieved = distinct kindergartens of the county with a passed record dated in the
    as-of year up to the as-of date — whatever the order, duplicates or pending rows."""
    rows = [prog(u, "qianyuan", "acceptance", d, p) for u, p, d in records]
    ds = dataset("610500", schools=kindergartens(), programmes=rows)
    extra = target("creation.qianyuan_annual_target", required, "610503")
    result = run(ds, YEAR_END, plugins=plugins, rules={"qianyuan-annual-task"}, extra=extra)
    hand = {
        u
        for u, p, d in records
        if p is True and u.startswith("HZ-K") and d.startswith("2023") and d <= "2023-12-31"
    }
    ev = evidence(result, "qianyuan-annual-task", "610503")
    assert ev["achieved"] == len(hand)
    assert ev["unplaced_records"] == len(
        {u for u, p, d in records if u == "XX-K9" and p is True and d.startswith("2023")}
    )
    assert (len(result.findings) == 1) == (len(hand) < required)
