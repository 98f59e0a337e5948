"""Supervision frequencies (《教育督导条例》 第十四条; 厅发〔2020〕26号 二（二）、二（四）),
on hand-built datasets with hand-computed answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.model.dataset import Dataset
from dudao.plugins.manager import load_plugins
from dudao.rules.national.supervision import add_years
from dudao.testing import dataset, evidence, inspector, parameter, run, school

PLUGINS = load_plugins()
DAY = dt.date(2023, 3, 1)
# Context.semester() for 2023-03-01: the autumn semester 2022-09-01 … 2023-01-31 (a convention)
ORDINANCE = "《教育督导条例》 第十四条"
BASIS = "学期起止为约定（秋季学期9月1日至次年1月31日，春季学期2月1日至7月31日），非法定"
ALL = {
    "routine-visits",
    "school-comprehensive-cycle",
    "government-supervised",
    "annual-comprehensive-supervision",
}


def _run(ds: Dataset, rule: str, day: dt.date = DAY, **kw: Any):
    return run(ds, day, plugins=PLUGINS, rules={rule}, **kw)


def _messages(result) -> dict[str, str]:
    return dict(zip(result.findings["target"], result.findings["message"], strict=True))


def _visit(school_id: str, date: str, inspector_id: str | None = None) -> dict[str, Any]:
    row = {"school_id": school_id, "date": date}
    if inspector_id is not None:
        row["inspector_id"] = inspector_id
    return row


def _sup(id: str, kind: str, body: str, target_kind: str, target: str, date: str) -> dict[str, Any]:
    return {
        "supervision_id": id,
        "kind": kind,
        "body": body,
        "target_kind": target_kind,
        "target": target,
        "date": date,
    }


# ------------------------------------------------------------------ routine-visits

ZONES = [
    {"zone_id": "Z1", "name": "青秀一区", "county": "450103"},
    {"zone_id": "Z2", "name": "青秀二区", "county": "450103"},
]
INSPECTORS = [inspector("I1", "450103", zone="Z1"), inspector("I2", "450103", zone="Z2")]


def _visits_dataset(visits: list[dict[str, Any]], **more: Any) -> Dataset:
    return dataset(
        "450103",
        schools=[
            school("A", "450103", zone="Z1"),
            school("B", "450103", zone="Z1"),
            school("C", "450103", zone="Z1", stage="kindergarten"),
            school("D", "450103", zone="Z1", stage="special"),  # needs no zone: not checked
        ],
        zones=ZONES,
        inspectors=INSPECTORS,
        visits=visits,
        **more,
    )


def test_routine_visits_count_zone_inspectors_and_unattributed_visits() -> None:
    ds = _visits_dataset(
        [
            # A: I1 (its zone) on the first day + one with no inspector on the last day = 2
            _visit("A", "2022-09-01", "I1"),
            _visit("A", "2023-01-31"),
            # B: I1 once (counted) + I2 of zone Z2 (not counted) + two outside the semester = 1
            _visit("B", "2022-10-10", "I1"),
            _visit("B", "2022-11-01", "I2"),
            _visit("B", "2022-08-31", "I1"),
            _visit("B", "2023-02-01", "I1"),
            # C: two records on one day (I1 and an unattributed one) are one visit = 1
            _visit("C", "2022-12-05", "I1"),
            _visit("C", "2022-12-05"),
            _visit("D", "2022-12-05", "I1"),
        ]
    )
    result = _run(ds, "routine-visits")
    (run_,) = result.runs
    assert (run_.checked, run_.failed, run_.plugin) == (3, 2, "national")  # D is not checked
    assert _messages(result) == {
        "B": "2022年秋季学期（2022-09-01至2023-01-31，学期起止为约定）责任督学经常性督导 1 次"
        "（另有 1 条其他督学的记录未计入），少于每学期 2 次",
        "C": "2022年秋季学期（2022-09-01至2023-01-31，学期起止为约定）责任督学经常性督导 1 次，"
        "少于每学期 2 次",
    }
    b = result.findings.set_index("target").loc["B"]
    assert b["message_en"] == (
        "1 routine visit(s) by zone inspectors in the autumn 2022 semester (2022-09-01 to "
        "2023-01-31; semester dates are a convention) (1 record(s) by other inspectors not "
        "counted), fewer than the 2 required"
    )
    assert b["citation"] == ORDINANCE
    assert b["evidence"] == {
        "zone": "Z1",
        "visits": 1,
        "other_records": 1,
        "required": 2.0,
        "semester_start": "2022-09-01",
        "semester_end": "2023-01-31",
        "semester_basis": BASIS,
        "sample_parameters": False,
    }
    a = evidence(result, "routine-visits", "A")
    assert (bool(a["ok"]), a["visits"], a["other_records"]) == (True, 2, 0)


@given(st.permutations(range(6)))
def test_routine_visits_do_not_depend_on_the_order_of_the_records(order: list[int]) -> None:
    """Records kept by school and date are counted without sorting them; any other order
    gives the same counts (a repeated day is one visit either way)."""
    visits = [
        _visit("A", "2022-09-01", "I1"),
        _visit("A", "2022-09-01"),
        _visit("A", "2022-10-01", "I1"),
        _visit("B", "2022-10-10", "I1"),
        _visit("B", "2022-11-01", "I2"),
        _visit("C", "2022-12-05", "I1"),
    ]
    result = _run(_visits_dataset([visits[i] for i in order]), "routine-visits")
    got = {t: evidence(result, "routine-visits", t) for t in "ABC"}
    assert {t: (e["visits"], e["other_records"]) for t, e in got.items()} == {
        "A": (2, 0),
        "B": (1, 1),
        "C": (1, 0),
    }


def test_routine_visits_in_spring_and_unknown_inspectors() -> None:
    # as of 2023-09-01 the last complete semester is spring 2023: 2023-02-01 … 2023-07-31
    ds = _visits_dataset(
        [
            _visit("A", "2023-03-01", "I1"),
            _visit("A", "2023-06-30", "I1"),
            _visit("B", "2023-03-01", "NOBODY"),  # not in the inspectors table: not counted
            _visit("C", "2023-03-01", "I1"),
            _visit("C", "2023-04-01", "I1"),
            _visit("C", "2023-05-01", "I2"),
        ]
    )
    result = _run(ds, "routine-visits", dt.date(2023, 9, 1))
    assert _messages(result) == {
        "B": "2023年春季学期（2023-02-01至2023-07-31，学期起止为约定）责任督学经常性督导 0 次"
        "（另有 1 条其他督学的记录未计入），少于每学期 2 次",
    }
    c = evidence(result, "routine-visits", "C")
    assert (c["visits"], c["other_records"]) == (2, 1)


def test_a_school_without_a_zone_counts_only_unattributed_visits() -> None:
    ds = dataset(
        "450103",
        schools=[school("A", "450103")],
        inspectors=INSPECTORS,
        visits=[_visit("A", "2022-10-01", "I1"), _visit("A", "2022-11-01")],
    )
    row = evidence(_run(ds, "routine-visits"), "routine-visits", "A")
    # I1's zone Z1 is not the school's (none): 0 + 1 unattributed = 1 < 2
    assert (row["visits"], row["other_records"], bool(row["ok"])) == (1, 1, False)


def test_a_local_visit_count_overrides_the_national_one() -> None:
    # a sample value of 3 at 青秀区: A's 2 visits now fall short; the citation stays the
    # ordinance's, marked as resting on a sample number (issue 13)
    ds = _visits_dataset([_visit("A", "2022-09-01", "I1"), _visit("A", "2023-01-31")])
    three = parameter("supervision.visits_per_semester", 3, scope="450103", sample=True)
    result = _run(ds, "routine-visits", extra=three)
    finding = result.findings.set_index("target").loc["A"]
    assert finding["message"].endswith("责任督学经常性督导 2 次，少于每学期 3 次")
    assert finding["citation"] == f"{ORDINANCE}（含示例数值，非文件规定）"
    assert finding["evidence"]["sample_parameters"] is True


def test_routine_visits_are_not_checked_before_the_ordinance() -> None:
    # as of 2012-09-15 the last semester is spring 2012, before 2012-10-01: rule not in force
    result = _run(_visits_dataset([]), "routine-visits", dt.date(2012, 9, 15))
    assert result.runs == [] and result.findings.empty
    # as of 2013-02-15 the semester ends 2013-01-31, in force: every zoned school fails
    result = _run(_visits_dataset([]), "routine-visits", dt.date(2013, 2, 15))
    assert sorted(result.findings["target"]) == ["A", "B", "C"]


# ----------------------------------------------------- school-comprehensive-cycle


def _schools_dataset(supervisions: list[dict[str, Any]] | None, scope: str = "450100") -> Dataset:
    return dataset(
        scope,
        schools=[school(s, "450103") for s in "ABCDEF"] + [school("G", "450108")],
        supervisions=supervisions,
    )


SCHOOL_SUPERVISIONS = [
    # A: 2018-03-01 + 5 years = 2023-03-01, the as-of day itself: still within the cycle
    _sup("1", "comprehensive", "450103", "school", "A", "2018-03-01"),
    # B: 2017-06-30 + 5 years = 2022-06-30 < 2023-03-01; 2070 days / 365.25 = 5.67 → 5.7 years
    _sup("2", "comprehensive", "450103", "school", "B", "2017-06-30"),
    # C: a special supervision is not a comprehensive one
    _sup("3", "special", "450103", "school", "C", "2022-05-01"),
    # D: 良庆区 450108 does not supervise 青秀区's schools
    _sup("4", "comprehensive", "450108", "school", "D", "2021-05-01"),
    # E: 南宁市 450100 is above 青秀区: counts
    _sup("5", "comprehensive", "450100", "school", "E", "2021-05-01"),
    # F: dated after the as-of day: ignored
    _sup("6", "comprehensive", "450103", "school", "F", "2023-06-01"),
    # G: the latest of two counts
    _sup("7", "comprehensive", "450108", "school", "G", "2016-01-01"),
    _sup("8", "comprehensive", "450108", "school", "G", "2020-09-01"),
]


@pytest.mark.regional
def test_school_comprehensive_cycle_in_guangxi() -> None:
    result = _run(_schools_dataset(SCHOOL_SUPERVISIONS), "school-comprehensive-cycle")
    none = "没有综合督导记录（应每 5 年至少一次）"
    assert _messages(result) == {
        "B": "上次综合督导在 2017-06-30，距今 5.7 年，超过 5 年周期（应在 2022-06-30 前再次综合督导）",
        "C": none,
        "D": none,
        "F": none,
    }
    assert set(result.findings["citation"]) == {"厅发〔2020〕26号 二（四）"}
    assert set(result.findings["plugin"]) == {"guangxi"}
    b = result.findings.set_index("target").loc["B"]
    assert b["message_en"] == (
        "Last comprehensive supervision on 2017-06-30, 5.7 years ago: more than the 5-year "
        "cycle (the next was due by 2022-06-30)"
    )
    assert b["evidence"] == {
        "last_comprehensive": "2017-06-30",
        "years_since": 5.7,
        "cycle_years": 5.0,
        "due": "2022-06-30",
        "sample_parameters": False,
    }
    assert result.findings.set_index("target").loc["C"]["evidence"] == {
        "last_comprehensive": None,
        "years_since": None,
        "cycle_years": 5.0,
        "due": None,
        "sample_parameters": False,
    }
    a = evidence(result, "school-comprehensive-cycle", "A")
    # 1826 days / 365.25 = 4.999 → 5.0 years, due on the as-of day: passes
    assert (bool(a["ok"]), a["years_since"], a["due"]) == (True, 5.0, dt.date(2023, 3, 1))
    g = evidence(result, "school-comprehensive-cycle", "G")
    assert (bool(g["ok"]), g["last_comprehensive"]) == (True, dt.date(2020, 9, 1))


def test_school_comprehensive_cycle_nationally_and_before_guangxi_adopted_it() -> None:
    # 渭南市华州区 610503: the ordinance's 3–5 years, read as 5
    ds = dataset(
        "610503",
        schools=[school("W", "610503")],
        supervisions=[_sup("1", "comprehensive", "610503", "school", "W", "2017-06-30")],
    )
    (finding,) = _run(ds, "school-comprehensive-cycle").findings.itertuples()
    assert (finding.citation, finding.plugin) == (ORDINANCE, "national")
    # 青秀区 on 2020-01-01, before 厅发〔2020〕26号 (2020-05-14): the national version governs
    # B: 2017-06-30 + 5 = 2022-06-30 ≥ 2020-01-01 passes; C has no comprehensive supervision
    early = _run(
        _schools_dataset(SCHOOL_SUPERVISIONS[:3]), "school-comprehensive-cycle", dt.date(2020, 1, 1)
    )
    assert [(r.plugin, r.checked) for r in early.runs] == [("national", 7)]
    assert set(early.findings["citation"]) == {ORDINANCE}
    assert "B" not in set(early.findings["target"])


# ---------------------------------------------------------------- government-supervised

GOV_SUPERVISIONS = [
    # 青秀区: special by 南宁市 on 2019-01-01, 1520 days / 365.25 = 4.2 years, due 2024-01-01
    _sup("1", "special", "450100", "government", "450103", "2019-01-01"),
    # 兴宁区: by the autonomous region (above too) on 2017-05-01, due 2022-05-01: too long ago;
    # 2130 days / 365.25 = 5.83 → 5.8 years
    _sup("2", "special", "450000", "government", "450102", "2017-05-01"),
    # 良庆区: by itself (not a higher government) and a random one (not special/comprehensive)
    _sup("3", "comprehensive", "450108", "government", "450108", "2022-01-01"),
    _sup("4", "random", "450100", "government", "450108", "2022-01-01"),
    # 南宁高新区 (a development zone) by 南宁市, which manages it
    _sup("5", "comprehensive", "450100", "government", "450100-gaoxin", "2021-04-01"),
    # 南宁市 by the autonomous region
    _sup("6", "comprehensive", "450000", "government", "450100", "2022-06-01"),
    # a school target is not a government supervision
    _sup("7", "comprehensive", "450100", "school", "450105", "2022-06-01"),
]


@pytest.mark.regional
def test_government_supervised_in_nanning() -> None:
    ds = dataset("450100", supervisions=GOV_SUPERVISIONS)
    result = _run(ds, "government-supervised")
    (run_,) = result.runs
    # 南宁市 + 12 county-level units + 3 development zones (from the nanning plugin)
    assert (run_.checked, run_.plugin) == (16, "national")
    got = _messages(result)
    assert set(got) == {
        "450102",
        "450105",
        "450107",
        "450108",
        "450109",
        "450110",
        "450123",
        "450124",
        "450125",
        "450126",
        "450181",
        "450100-jingkai",
        "450100-dongmeng",
    }
    assert got["450102"] == (
        "上级人民政府上次对其实施专项或综合督导在 2017-05-01，距今 5.8 年，"
        "超过 5 年周期（应在 2022-05-01 前再次督导）"
    )
    assert got["450108"] == "没有上级人民政府对其实施专项或综合督导的记录（应每 5 年至少一次）"
    assert set(result.findings["citation"]) == {ORDINANCE}
    assert result.findings.set_index("target").loc["450102"]["evidence"] == {
        "last_supervision": "2017-05-01",
        "last_kind": "special",
        "last_body": "450000",
        "years_since": 5.8,
        "cycle_years": 5.0,
        "due": "2022-05-01",
        "sample_parameters": False,
    }
    qx = evidence(result, "government-supervised", "450103")
    assert (bool(qx["ok"]), qx["years_since"], qx["due"], qx["last_body"]) == (
        True,
        4.2,
        dt.date(2024, 1, 1),
        "450100",
    )
    assert bool(evidence(result, "government-supervised", "450100-gaoxin")["ok"])
    assert bool(evidence(result, "government-supervised", "450100")["ok"])


def test_same_day_supervisions_report_one_body_whatever_the_order() -> None:
    rows = [
        _sup("1", "special", "450100", "government", "450103", "2019-01-01"),
        _sup("2", "comprehensive", "450000", "government", "450103", "2019-01-01"),
    ]
    for order in (rows, rows[::-1]):
        row = evidence(
            _run(dataset("450103", supervisions=order), "government-supervised"),
            "government-supervised",
            "450103",
        )
        # ties go to the greatest (body, kind): "450100" > "450000"
        assert (row["last_body"], row["last_kind"]) == ("450100", "special")


# ------------------------------------------------------- annual-comprehensive-supervision


@pytest.mark.regional
def test_annual_comprehensive_supervision_in_guangxi() -> None:
    # as of 2023-03-01 the last complete year is 2022
    passing = [_sup("1", "comprehensive", "450000", "government", "450100", "2022-06-01")]
    result = _run(dataset("450000", supervisions=passing), "annual-comprehensive-supervision")
    row = evidence(result, "annual-comprehensive-supervision", "450000")
    assert (bool(row["ok"]), row["year"], row["comprehensive"], row["required"]) == (
        True,
        2022,
        1,
        1.0,
    )
    failing = [
        _sup("1", "comprehensive", "450000", "government", "450100", "2021-12-31"),
        _sup("2", "comprehensive", "450000", "government", "450100", "2023-01-01"),
        _sup("3", "special", "450000", "government", "450100", "2022-06-01"),
        _sup("4", "comprehensive", "450100", "government", "450103", "2022-06-01"),  # a city's
    ]
    result = _run(dataset("450000", supervisions=failing), "annual-comprehensive-supervision")
    (finding,) = result.findings.itertuples()
    assert finding.message == "2022年本级教育督导机构组织综合督导 0 次，少于每年 1 次"
    assert finding.message_en == (
        "The body organised 0 comprehensive supervision(s) in 2022, fewer than the 1 "
        "required each year"
    )
    assert (finding.citation, finding.plugin, finding.target) == (
        "厅发〔2020〕26号 二（二）",
        "guangxi",
        "450000",
    )
    assert finding.evidence == {
        "year": 2022,
        "comprehensive": 0,
        "required": 1.0,
        "sample_parameters": False,
    }


def test_annual_comprehensive_supervision_is_not_set_nationally() -> None:
    # 陕西省 610000: no national text fixes a number; the rule is a template no one there
    # adopted, so it does not run at all
    result = _run(dataset("610000", supervisions=[]), "annual-comprehensive-supervision")
    assert result.runs == []


@pytest.mark.regional
def test_annual_parameter_is_read_on_the_last_day_of_the_year_judged() -> None:
    # as of 2020-06-01 Guangxi's rule is in force (since 2020-05-14), but the year judged is
    # 2019 and on 2019-12-31 no value was: nothing is checked
    result = _run(
        dataset("450000", supervisions=[]), "annual-comprehensive-supervision", dt.date(2020, 6, 1)
    )
    assert sum(r.checked for r in result.runs) == 0
    # as of 2021-01-15 the year judged is 2020, and on 2020-12-31 the value 1 was in force
    result = _run(
        dataset("450000", supervisions=[]), "annual-comprehensive-supervision", dt.date(2021, 1, 15)
    )
    (finding,) = result.findings.itertuples()
    assert finding.message == "2020年本级教育督导机构组织综合督导 0 次，少于每年 1 次"


# ----------------------------------------------------------------- absent tables


@pytest.mark.parametrize(
    ("rule", "table"),
    [
        ("routine-visits", "visits"),
        ("school-comprehensive-cycle", "supervisions"),
        ("government-supervised", "supervisions"),
        # a template rule only Guangxi adopts
        pytest.param(
            "annual-comprehensive-supervision", "supervisions", marks=pytest.mark.regional
        ),
    ],
)
def test_rules_are_skipped_without_their_table(rule: str, table: str) -> None:
    ds = dataset("450000", schools=[school("A", "450103", zone="Z1")])  # no optional tables
    result = _run(ds, rule)
    assert result.runs and all(r.skipped == f"数据集中没有 {table} 表" for r in result.runs)
    assert all(r.checked == 0 for r in result.runs)
    assert result.findings.empty


# ---------------------------------------------------------------------- properties

SCHOOLS = [school(f"S{i}", "450103", zone=f"Z{i % 2 + 1}") for i in range(4)] + [
    school("T0", "450108"),
    school("K0", "450103", zone="Z1", stage="kindergarten"),
]
SCHOOL_IDS = [s["school_id"] for s in SCHOOLS]
BODIES = ["450000", "450100", "450103", "450108", "450100-gaoxin"]
GOV_TARGETS = ["450100", "450103", "450108", "450100-gaoxin"]
DATES = st.dates(dt.date(2016, 1, 1), dt.date(2023, 12, 31)).map(dt.date.isoformat)

visits_st = st.builds(
    _visit,
    st.sampled_from(SCHOOL_IDS),
    st.dates(dt.date(2022, 8, 1), dt.date(2023, 2, 28)).map(dt.date.isoformat),
    st.none() | st.sampled_from(["I1", "I2", "I9"]),
)
supervisions_st = st.one_of(
    st.builds(
        lambda *a: _sup("x", *a),
        st.sampled_from(["comprehensive", "special", "routine", "random"]),
        st.sampled_from(BODIES),
        st.just("school"),
        st.sampled_from(SCHOOL_IDS),
        DATES,
    ),
    st.builds(
        lambda *a: _sup("x", *a),
        st.sampled_from(["comprehensive", "special", "routine", "random"]),
        st.sampled_from(BODIES),
        st.just("government"),
        st.sampled_from(GOV_TARGETS),
        DATES,
    ),
)


def _numbered(sups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "supervision_id": f"D{i}"} for i, s in enumerate(sups)]


def _all(visits: list[dict], sups: list[dict], schools: list[dict] = SCHOOLS):
    ds = dataset(
        "450000",
        schools=schools,
        zones=ZONES,
        inspectors=INSPECTORS,
        visits=visits,
        supervisions=_numbered(sups),
    )
    return run(ds, DAY, plugins=PLUGINS, rules=ALL)


def _verdicts(result) -> dict[tuple[str, str], bool]:
    return {
        (key.split("@")[0], str(t)): bool(ok)
        for key, frame in result.checks.items()
        for t, ok in zip(frame["target"], frame["ok"], strict=True)
    }


def _key(findings: pd.DataFrame) -> set[tuple]:
    return {
        (r.rule, r.target, r.message, r.citation, tuple(sorted(r.evidence.items())))
        for r in findings.itertuples()
    }


@given(
    st.lists(visits_st, max_size=12),
    st.lists(supervisions_st, max_size=12),
    st.one_of(visits_st.map(lambda v: ("visit", v)), supervisions_st.map(lambda s: ("sup", s))),
)
def test_adding_a_record_never_turns_a_pass_into_a_fail(visits, sups, extra) -> None:
    before = _verdicts(_all(visits, sups))
    kind, row = extra
    if kind == "visit":
        after = _verdicts(_all([*visits, row], sups))
    else:
        after = _verdicts(_all(visits, [*sups, row]))
    assert before.keys() == after.keys()
    assert all(after[k] for k, ok in before.items() if ok)


@given(
    st.lists(visits_st, max_size=12),
    st.lists(supervisions_st, max_size=12),
    st.randoms(use_true_random=False),
)
def test_findings_do_not_depend_on_the_order_of_rows(visits, sups, rnd) -> None:
    expected = _key(_all(visits, sups).findings)
    visits, sups, schools = list(visits), list(sups), list(SCHOOLS)
    rnd.shuffle(visits)
    rnd.shuffle(sups)
    rnd.shuffle(schools)
    assert _key(_all(visits, sups, schools).findings) == expected


def test_routine_visits_adopted_by_a_region_leave_the_national_version_nothing_to_check() -> None:
    """A region adopting routine-visits: the national version governs no school of a
    dataset inside the region, and must not fail on its visits (it used to index an
    empty zone column)."""
    from dudao.model.documents import Citation
    from dudao.plugins.info import PluginInfo
    from dudao.plugins.markers import hookimpl
    from dudao.rules.statements import RuleStatement

    class Region:
        @hookimpl
        def dudao_plugin_info(self) -> PluginInfo:
            return PluginInfo(name="region", title="岳阳市", scope="430600")

        @hookimpl
        def dudao_rule_statements(self) -> list[RuleStatement]:
            cite = Citation.parse("《岳阳市2023年教育督导工作要点》 13（一）")
            return [RuleStatement("routine-visits", cite=(cite,), since=dt.date(2023, 1, 1))]

    plugins = load_plugins(autoload=False, extra={"region": Region()})
    ds = dataset(
        "430602",
        schools=[school("S1", "430602", zone="Z1")],
        zones=[{"zone_id": "Z1", "name": "一区", "county": "430602"}],
        inspectors=[inspector("I1", "430602", zone="Z1")],
        visits=[{"school_id": "S1", "inspector_id": "I1", "date": "2023-03-10"}],
    )
    result = run(ds, dt.date(2023, 9, 10), plugins=plugins, rules={"routine-visits"})
    # 1 visit in the spring semester against the national 2: found under the region's clause
    (row,) = result.findings.itertuples()
    assert row.target == "S1" and "13（一）" in row.citation


@given(
    st.lists(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 12, 31)), max_size=30),
    st.data(),
)
def test_adding_years_to_a_column_agrees_with_pandas_offsets(
    days: list[dt.datetime], data: st.DataObject
) -> None:
    years = data.draw(st.lists(st.integers(0, 10), min_size=len(days), max_size=len(days)))
    stamps = pd.Series(pd.to_datetime(days), dtype="datetime64[s]")
    got = add_years(stamps.to_numpy(), pd.Series(years, dtype="int64").to_numpy())
    expected = [
        pd.Timestamp(d).floor("s") + pd.DateOffset(years=n)
        for d, n in zip(days, years, strict=True)
    ]
    assert list(pd.Series(got)) == expected
