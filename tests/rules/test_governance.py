"""The supervision bodies: committees established and complete, plans reported upward,
regular meetings, funding in the budget — on hand-built datasets with hand-computed answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.law.book import LawBook
from dudao.model.bodies import Committee, Membership, MemberUnit, Officer
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules
from dudao.rules.national.governance import deadline_in, judged_year, plan_year
from dudao.testing import dataset, evidence, parameter, run, share_of_examples

NANNING_COUNTIES = [
    "450102",
    "450103",
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
]
NANNING_ZONES = ["450100-dongmeng", "450100-gaoxin", "450100-jingkai"]

# The 20 member units of 厅发〔2020〕26号 二（一）, as a county committee names them
# (aliases in the Guangxi catalogue).
COUNTY_UNITS = [
    "县委组织部",
    "县委宣传部",
    "县发展改革局",
    "县教育局",
    "县科技局",
    "县工业和信息化局",
    "县民宗局",
    "县公安局",
    "县财政局",
    "县人力资源社会保障局",
    "县自然资源局",
    "县住房城乡建设局",
    "县农业农村局",
    "县卫生健康局",
    "县应急管理局",
    "县市场监管局",
    "县体育局",
    "团县委",
    "县妇联",
    "县残联",
]
# The same units under their catalogue names, in the order of the text.
CATALOGUE_UNITS = [
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


@cache
def plugins() -> PluginSet:
    return load_plugins()


@cache
def _law() -> tuple[Hierarchy, LawBook, Callable[[str], dict[str, MemberUnit]]]:
    """The installed law, built once (the property tests run the engine many times)."""
    h = plugins().hierarchy()
    return h, plugins().law_book(h), cache(plugins().member_units)


def check(ds: Any, day: dt.date, rule: str, **kw: Any) -> CheckResult:
    return fast(ds, day, {rule}) if not kw else run(ds, day, plugins=plugins(), rules={rule}, **kw)


def fast(ds: Any, day: dt.date, rules: set[str]) -> CheckResult:
    """:func:`dudao.testing.run` with the installed plugins and no extra entries."""
    h, law, catalogue = _law()
    return run_rules(Context(ds, h, law, day, catalogue), only=rules)


def messages(result: CheckResult) -> dict[str, str]:
    return dict(zip(result.findings["target"], result.findings["message"], strict=True))


def committee(code: str, units: list[str] = COUNTY_UNITS, **kw: Any) -> Committee:
    """A complete Guangxi-style committee unless told otherwise."""
    defaults: dict[str, Any] = {
        "name": f"{code}人民政府教育督导委员会",
        "chair": Officer("分管教育工作的副县长"),
        "vice_chairs": (Officer("政府办副主任"), Officer("县教育局局长")),
        "members": tuple(Membership(u, liaison=f"{u}联络员") for u in units),
        "office_host": "县教育局",
        "chief_inspector": Officer("总督学"),
    }
    defaults.update(kw)
    return Committee(jurisdiction=code, **defaults)


def runs(result: CheckResult, rule: str) -> list[tuple[str, int, int, str | None]]:
    return [(r.plugin, r.checked, r.failed, r.skipped) for r in result.runs if r.rule == rule]


# ------------------------------------------------------------------ conventions


def test_judged_year_is_the_last_year_that_ended_before_the_as_of_date() -> None:
    assert judged_year(dt.date(2023, 3, 1)) == 2022
    assert judged_year(dt.date(2023, 1, 1)) == 2022
    assert judged_year(dt.date(2022, 12, 31)) == 2021


def test_plan_year_is_the_as_of_year_only_once_its_deadline_has_passed() -> None:
    assert plan_year(dt.date(2022, 6, 1), "04-09") == 2022
    assert plan_year(dt.date(2022, 4, 10), "04-09") == 2022
    assert plan_year(dt.date(2022, 4, 9), "04-09") == 2021  # the deadline day: still time
    assert plan_year(dt.date(2022, 12, 31), None) == 2021  # no deadline: judged once over
    assert plan_year(dt.date(2023, 3, 1), None) == 2022


def test_a_deadline_must_be_a_month_and_day() -> None:
    assert deadline_in("4-9", 2022) == dt.date(2022, 4, 9)
    assert deadline_in(None, 2022) is None
    with pytest.raises(DudaoError, match="不是 2023 年中的“月-日”"):
        deadline_in("02-29", 2023)
    with pytest.raises(DudaoError, match=r"reporting\.plan_deadline"):
        deadline_in("April 9", 2022)


# ------------------------------------------------------------ committee-established


@pytest.mark.regional
def test_every_government_needs_a_committee_but_development_zones_do_not() -> None:
    # 马山县 450124 has none; the three zones have none and are not checked
    have = ["450100", *(c for c in NANNING_COUNTIES if c != "450124")]
    ds = dataset("450100", committees=[committee(c) for c in have])
    result = check(ds, dt.date(2022, 6, 1), "committee-established")
    assert messages(result) == {"450124": "未设立县级人民政府教育督导委员会"}
    (finding,) = result.findings.itertuples()
    assert finding.message_en == "No education supervision committee of the county-level government"
    assert finding.citation == "厅发〔2020〕26号 二（一）"
    assert finding.plugin == "guangxi"
    assert finding.evidence == {"level": "county", "committees": 0}
    checked = result.checks["committee-established@450000"]
    assert sorted(checked["target"]) == sorted([*have, "450124"])
    assert not set(NANNING_ZONES) & set(checked["target"])


def test_a_city_without_a_committee_is_named_at_its_level() -> None:
    ds = dataset("450100", committees=[committee(c) for c in NANNING_COUNTIES])
    result = check(ds, dt.date(2022, 6, 1), "committee-established")
    assert messages(result) == {"450100": "未设立地市级人民政府教育督导委员会"}
    assert result.findings["message_en"].tolist() == [
        "No education supervision committee of the prefecture-level government"
    ]


@pytest.mark.regional
def test_a_dataset_without_committees_says_nothing_about_them() -> None:
    # no committees.yaml: the rule is skipped with its reason, not failed everywhere
    result = check(dataset("450100"), dt.date(2022, 6, 1), "committee-established")
    assert result.findings.empty
    assert runs(result, "committee-established") == [
        ("national", 0, 0, "数据集中没有 committees 表"),
        ("guangxi", 0, 0, "数据集中没有 committees 表"),
    ]


def test_an_empty_committee_list_means_none_is_established() -> None:
    # 良庆区 450108: a committees.yaml that lists nothing
    result = check(dataset("450108", committees=[]), dt.date(2022, 6, 1), "committee-established")
    assert list(result.findings["target"]) == ["450108"]


def test_outside_guangxi_the_national_opinions_are_cited_from_their_publication() -> None:
    # 岳阳市 430600 with a committee only for 岳阳楼区 430602
    ds = dataset("430600", committees=[committee("430602")])
    result = check(ds, dt.date(2023, 3, 1), "committee-established")
    assert set(result.findings["citation"]) == {"《关于深化新时代教育督导体制机制改革的意见》"}
    assert set(result.findings["plugin"]) == {"national"}
    assert "430602" not in set(result.findings["target"])
    assert "430600" in set(result.findings["target"])
    # before the opinions were published the rule is not in force
    assert check(ds, dt.date(2019, 12, 31), "committee-established").runs == []


@pytest.mark.regional
def test_in_guangxi_before_the_implementing_opinions_the_national_version_governs() -> None:
    ds = dataset("450103", committees=[committee("450102")])
    early = check(ds, dt.date(2020, 5, 13), "committee-established")
    assert early.findings["citation"].tolist() == ["《关于深化新时代教育督导体制机制改革的意见》"]
    late = check(ds, dt.date(2020, 5, 14), "committee-established")
    assert late.findings["citation"].tolist() == ["厅发〔2020〕26号 二（一）"]


# ------------------------------------------------------------ committee-composition


@pytest.mark.regional
def test_a_complete_county_committee_passes_through_the_catalogue_aliases() -> None:
    result = check(
        dataset("450103", committees=[committee("450103")]),
        dt.date(2023, 3, 1),
        "committee-composition",
    )
    assert result.findings.empty
    row = evidence(result, "committee-composition", "450103")
    assert row["ok"]
    assert row["missing"] == []
    # the office is expected where 青秀区 keeps it: its own education bureau
    assert row["expected_office_host"] == "青秀区教育局"
    assert row["citation"] == "厅发〔2020〕26号 二（一）；厅发〔2020〕26号 二（二）"


@pytest.mark.regional
def test_every_missing_piece_is_listed_in_one_finding() -> None:
    units = [u for u in COUNTY_UNITS if u not in ("县体育局", "县残联")]
    members = tuple(
        Membership(u, liaison=None if u == "县公安局" else "某某") for u in [*units, "县税务局"]
    )
    c = committee(
        "450103",
        chair=None,
        vice_chairs=(),
        members=members,
        office_host="县财政局",
        chief_inspector=None,
    )
    result = check(dataset("450103", committees=[c]), dt.date(2023, 3, 1), "committee-composition")
    (finding,) = result.findings.itertuples()
    assert finding.message == (
        "督导委员会组成不完整：未设主任；未设副主任；"
        "办公室设在县财政局，而非青秀区教育局；"
        "缺成员单位 2 个：青秀区体育局、青秀区残联；"
        "1 个成员单位未设联络员：县公安局；未设总督学"
    )
    assert finding.message_en == (
        "Committee incomplete: no chair; no vice chair; "
        "office hosted by 县财政局, not by 青秀区教育局; "
        "2 member unit(s) missing: 青秀区体育局, 青秀区残联; "
        "1 member unit(s) without a liaison: 县公安局; no chief inspector"
    )
    assert finding.target_name == "青秀区"
    assert finding.target_kind == "committee"
    assert finding.evidence == {
        "committee": "450103人民政府教育督导委员会",
        "missing": [
            "chair",
            "vice_chair",
            "office_host",
            "member_units",
            "liaisons",
            "chief_inspector",
        ],
        "has_chair": False,
        "vice_chairs": 0,
        "office_host": "县财政局",
        "expected_office_host": "青秀区教育局",
        "missing_units": ["青秀区体育局", "青秀区残联"],
        "units_without_liaison": ["县公安局"],
        "chief_inspector": None,
        "sample_parameters": False,
    }


@pytest.mark.regional
def test_an_office_with_no_host_given_is_reported() -> None:
    c = committee("450103", office_host=None)
    result = check(dataset("450103", committees=[c]), dt.date(2023, 3, 1), "committee-composition")
    assert messages(result) == {
        "450103": "督导委员会组成不完整：未明确办公室所在部门（应设在青秀区教育局）"
    }


def test_a_city_committee_names_its_units_in_the_city_form() -> None:
    city = [
        u.replace("县委", "市委").replace("团县委", "团市委").replace("县", "市", 1)
        for u in COUNTY_UNITS
    ]
    city[city.index("市发展改革局")] = "市发展和改革委员会"
    c = committee("450100", units=city, office_host="市教育局")
    result = check(dataset("450100", committees=[c]), dt.date(2023, 3, 1), "committee-composition")
    assert evidence(result, "committee-composition", "450100")["missing"] == []


@pytest.mark.regional
def test_a_body_recorded_for_a_development_zone_is_not_held_to_committee_rules() -> None:
    zone = Committee("450100-gaoxin", "南宁高新区教育督导部门")
    ds = dataset("450100-gaoxin", committees=[zone])
    for rule in ("committee-composition", "committee-established"):
        assert all(r[1] == 0 for r in runs(check(ds, dt.date(2023, 3, 1), rule), rule))


def test_outside_guangxi_only_chair_and_vice_chair_are_required() -> None:
    bare = Committee("430602", "岳阳楼区人民政府教育督导委员会", chair=Officer("副区长"))
    full = Committee(
        "430603", "云溪区人民政府教育督导委员会", Officer("副区长"), (Officer("局长"),)
    )
    result = check(
        dataset("430600", committees=[bare, full]), dt.date(2023, 3, 1), "committee-composition"
    )
    assert messages(result) == {"430602": "督导委员会组成不完整：未设副主任"}
    assert result.findings["citation"].tolist() == ["《关于深化新时代教育督导体制机制改革的意见》"]
    assert evidence(result, "committee-composition", "430603")["ok"]


def test_a_region_may_require_units_by_parameter_and_the_row_cites_it() -> None:
    required = parameter(
        "committee.required_member_units", ["区财政局"], scope="430600", sample=True
    )
    c = Committee("430602", "岳阳楼区委员会", Officer("副区长"), (Officer("局长"),))
    result = check(
        dataset("430600", committees=[c]),
        dt.date(2023, 3, 1),
        "committee-composition",
        extra=required,
    )
    assert messages(result) == {"430602": "督导委员会组成不完整：缺成员单位 1 个：岳阳楼区财政局"}
    assert result.findings.iloc[0]["evidence"]["sample_parameters"] is True


@st.composite
def memberships(draw: st.DrawFn) -> tuple[list[str], str]:
    """Some of the 20 units, each named by its catalogue name or a county alias, and one
    more unit (any of those names, or one outside the list)."""
    chosen = draw(st.lists(st.sampled_from(range(20)), unique=True))
    names = [draw(st.sampled_from([CATALOGUE_UNITS[i], COUNTY_UNITS[i]])) for i in chosen]
    extra = draw(st.sampled_from([*CATALOGUE_UNITS, *COUNTY_UNITS, "县税务局", "县文旅局"]))
    return names, extra


@pytest.mark.regional
@given(memberships())
def test_adding_a_member_unit_never_adds_a_missing_unit(case: tuple[list[str], str]) -> None:
    names, extra = case
    day = dt.date(2023, 3, 1)

    def missing(units: list[str]) -> set[str]:
        ds = dataset("450103", committees=[committee("450103", units=units)])
        row = evidence(check(ds, day, "committee-composition"), "committee-composition", "450103")
        assert len(row["missing_units"]) == 20 - len(
            {CATALOGUE_UNITS[COUNTY_UNITS.index(u)] if u in COUNTY_UNITS else u for u in units}
            & set(CATALOGUE_UNITS)
        )
        return set(row["missing_units"])

    before, after = missing(names), missing([*names, extra])
    assert after <= before
    assert len(before) - len(after) <= 1


# ----------------------------------------------------------------- upward-reporting


def _plans(filed: dict[str, str | None], year: int = 2022) -> list[dict[str, Any]]:
    """A plan filing for every Nanning county-level unit on 2022-04-06 unless ``filed``
    says otherwise (None: no plan)."""
    rows = []
    for code in [*NANNING_COUNTIES, *NANNING_ZONES]:
        day = filed.get(code, f"{year}-04-06")
        if day is not None:
            rows.append({"jurisdiction": code, "kind": "plan", "year": year, "filed_on": day})
    return rows


@pytest.mark.regional
def test_nanning_counties_and_zones_file_their_2022_plan_by_9_april() -> None:
    filings = _plans(
        {
            "450103": "2022-04-09",  # on the day: on time
            "450105": "2022-04-10",  # a day late
            "450100-jingkai": None,  # not filed
            "450107": None,
            "450126": "2022-07-01",  # after the as-of date: not yet on record
        }
    )
    filings += [
        {"jurisdiction": "450107", "kind": "result", "year": 2022, "filed_on": "2022-01-15"},
        {"jurisdiction": "450107", "kind": "plan", "year": 2021, "filed_on": "2021-03-01"},
    ]
    result = check(dataset("450100", filings=filings), dt.date(2022, 6, 1), "upward-reporting")
    assert messages(result) == {
        "450105": "2022 年度教育督导工作计划逾期报送：2022-04-10 报送，应于 2022-04-09 前报送",
        "450107": "未向上级报送 2022 年度教育督导工作计划（应于 2022-04-09 前报送）",
        "450126": "未向上级报送 2022 年度教育督导工作计划（应于 2022-04-09 前报送）",
        "450100-jingkai": "未向上级报送 2022 年度教育督导工作计划（应于 2022-04-09 前报送）",
    }
    assert set(result.findings["citation"]) == {"厅发〔2020〕26号 二（二）；南府督委办〔2022〕7号"}
    late = result.findings.set_index("target").loc["450105"]
    assert late["message_en"] == (
        "2022 annual supervision plan filed late: on 2022-04-10, due by 2022-04-09"
    )
    assert late["evidence"] == {
        "year": 2022,
        "deadline": "2022-04-09",
        "filed_on": "2022-04-10",
        "problem": "late",
        "sample_parameters": False,
    }
    ok = evidence(result, "upward-reporting", "450103")
    assert ok["ok"] and ok["problem"] == ""
    # the city itself is not a county-level unit: its own report is not checked here
    assert "450100" not in set(result.checks["upward-reporting@450000"]["target"])
    assert len(result.checks["upward-reporting@450000"]) == 15


@pytest.mark.regional
def test_before_the_deadline_the_previous_year_is_judged_without_a_date() -> None:
    # As of 9 April 2022 the 2022 plan is not yet due: 2021 is judged, for which no
    # deadline was set (Guangxi: filed at all).
    filings = _plans({"450102": "2021-12-30", "450103": "2022-02-01"}, year=2021)
    filings = [r for r in filings if r["jurisdiction"] in ("450102", "450103")]
    result = check(dataset("450100", filings=filings), dt.date(2022, 4, 9), "upward-reporting")
    assert "450102" not in messages(result)
    assert "450103" not in messages(result)  # late in the year after, but no date was set
    assert messages(result)["450105"] == "未向上级报送 2021 年度教育督导工作计划"
    assert set(result.findings["citation"]) == {"厅发〔2020〕26号 二（二）"}
    row = evidence(result, "upward-reporting", "450105")
    assert (row["year"], row["deadline"]) == (2021, None)
    assert result.findings.iloc[0]["message_en"].endswith("plan not filed upward")


@pytest.mark.regional
def test_the_2022_deadline_is_still_applied_when_checked_in_2023() -> None:
    filings = _plans({"450125": "2022-04-20", "450100-gaoxin": None})
    result = check(dataset("450100", filings=filings), dt.date(2023, 3, 1), "upward-reporting")
    assert set(messages(result)) == {"450125", "450100-gaoxin"}
    assert evidence(result, "upward-reporting", "450125")["deadline"] == dt.date(2022, 4, 9)


def test_outside_guangxi_no_plan_is_required() -> None:
    filings = [{"jurisdiction": "430602", "kind": "result", "year": 2022, "filed_on": "2022-05-01"}]
    result = check(dataset("430600", filings=filings), dt.date(2023, 3, 1), "upward-reporting")
    assert result.findings.empty
    # no national clause requires it: the rule is in force only where a region adopts it
    assert runs(result, "upward-reporting") == []


@pytest.mark.regional
def test_upward_reporting_is_skipped_without_a_filings_table() -> None:
    result = check(dataset("450100"), dt.date(2022, 6, 1), "upward-reporting")
    assert runs(result, "upward-reporting") == [("guangxi", 0, 0, "数据集中没有 filings 表")]


# --------------------------------------------------------------- committee-meetings


def _meetings() -> list[dict[str, Any]]:
    return [
        {"jurisdiction": "450100", "kind": "special", "date": "2022-08-02"},
        {"jurisdiction": "450103", "kind": "regular", "date": "2022-06-15"},
        {"jurisdiction": "450105", "kind": "regular", "date": "2021-12-20"},
        {"jurisdiction": "450105", "kind": "regular", "date": "2023-01-10"},
    ]


def _nanning_committees() -> list[Committee]:
    return [committee(c) for c in ("450100", "450103", "450105")]


@pytest.mark.regional
def test_nanning_committees_hold_a_regular_meeting_in_2022() -> None:
    ds = dataset("450100", committees=_nanning_committees(), meetings=_meetings())
    result = check(ds, dt.date(2023, 3, 1), "committee-meetings")
    assert messages(result) == {
        "450100": "2022 年召开例会 0 次（另有专题会议 1 次，不计入例会），少于规定的 1 次",
        "450105": "2022 年召开例会 0 次，少于规定的 1 次",
    }
    assert set(result.findings["citation"]) == {"南府督委办〔2022〕7号 一"}
    city = result.findings.set_index("target").loc["450100"]
    assert city["message_en"] == (
        "0 regular meeting(s) in 2022 (1 special meeting(s), which are not regular meetings), "
        "fewer than the 1 required"
    )
    assert city["evidence"] == {
        "committee": "450100人民政府教育督导委员会",
        "year": 2022,
        "regular_meetings": 0,
        "special_meetings": 1,
        "required": 1,
        "sample_parameters": False,
    }
    assert evidence(result, "committee-meetings", "450103")["ok"]


@pytest.mark.regional
def test_the_2022_work_point_judges_2022_only() -> None:
    ds = dataset("450100", committees=_nanning_committees(), meetings=_meetings())
    for day in (dt.date(2022, 6, 1), dt.date(2024, 3, 1)):  # judging 2021, 2023: no number
        result = check(ds, day, "committee-meetings")
        assert runs(result, "committee-meetings") == [("nanning", 0, 0, None)]


def test_the_meetings_rule_is_a_template_in_force_only_where_adopted() -> None:
    # Yueyang adopts no meeting rule: even a (sample) minimum there enacts nothing
    ds = dataset(
        "430600",
        committees=[Committee("430602", "岳阳楼区委员会", Officer("副区长"))],
        meetings=[{"jurisdiction": "430602", "kind": "regular", "date": "2022-05-01"}],
    )
    extra = parameter("committee.min_regular_meetings", 2, scope="430600", sample=True)
    result = check(ds, dt.date(2023, 3, 1), "committee-meetings", extra=extra)
    assert result.findings.empty
    assert runs(result, "committee-meetings") == []


@pytest.mark.regional
def test_committee_meetings_are_skipped_without_a_meetings_table() -> None:
    ds = dataset("450100", committees=_nanning_committees())
    result = check(ds, dt.date(2023, 3, 1), "committee-meetings")
    assert runs(result, "committee-meetings") == [("nanning", 0, 0, "数据集中没有 meetings 表")]


# -------------------------------------------------------------- supervision-funding


def _budgets() -> list[dict[str, Any]]:
    rows = [{"jurisdiction": "450100", "year": 2022, "amount": 120.0}]
    for code in NANNING_COUNTIES:
        if code == "450123":  # 隆安县: only a 2023 line
            rows.append({"jurisdiction": code, "year": 2023, "amount": 30.0})
        elif code == "450124":  # 马山县: a line of zero
            rows.append({"jurisdiction": code, "year": 2022, "amount": 0.0})
        elif code == "450125":  # 上林县: two lines
            rows += [
                {"jurisdiction": code, "year": 2022, "amount": 10.0},
                {"jurisdiction": code, "year": 2022, "amount": 5.0},
            ]
        else:
            rows.append({"jurisdiction": code, "year": 2022, "amount": 30.0})
    return rows


@pytest.mark.regional
def test_every_government_has_supervision_funding_in_the_judged_budget() -> None:
    result = check(
        dataset("450100", budgets=_budgets()), dt.date(2023, 3, 1), "supervision-funding"
    )
    assert messages(result) == {
        "450123": "2022 年度教育督导经费未列入本级财政预算（没有预算记录）",
        "450124": "2022 年度本级财政预算中的教育督导经费为 0",
    }
    assert set(result.findings["message_en"]) == {
        "No supervision funding in the 2022 budget (no budget record)",
        "Supervision funding in the 2022 budget is zero",
    }
    assert set(result.findings["citation"]) == {"厅发〔2020〕26号 三（三）"}
    assert result.findings.set_index("target").loc["450123", "evidence"] == {
        "year": 2022,
        "amount": None,
        "budget_rows": 0,
        "sample_parameters": False,
    }
    two = evidence(result, "supervision-funding", "450125")
    assert (two["ok"], two["amount"], two["budget_rows"]) == (True, 15.0, 2)
    checked = set(result.checks["supervision-funding@450000"]["target"])
    assert checked == {"450100", *NANNING_COUNTIES}  # development zones are not governments


@pytest.mark.regional
def test_yueyang_cites_its_2023_work_point_for_2023_only() -> None:
    ds = dataset("430602", budgets=[{"jurisdiction": "430602", "year": 2022, "amount": 8.0}])
    in_2024 = check(ds, dt.date(2024, 2, 1), "supervision-funding")  # judges 2023
    (finding,) = in_2024.findings.itertuples()
    assert finding.message == "2023 年度教育督导经费未列入本级财政预算（没有预算记录）"
    assert finding.citation == "《教育督导条例》 第五条；《岳阳市2023年教育督导工作要点》 1"
    in_2023 = check(ds, dt.date(2023, 2, 1), "supervision-funding")  # judges 2022: passes
    assert in_2023.findings.empty
    assert evidence(in_2023, "supervision-funding", "430602")["citation"] == (
        "《教育督导条例》 第五条"
    )


def test_the_ordinance_applies_nationally_from_its_entry_into_force() -> None:
    ds = dataset("610502", budgets=[])
    assert messages(check(ds, dt.date(2013, 6, 1), "supervision-funding")) == {
        "610502": "2012 年度教育督导经费未列入本级财政预算（没有预算记录）"
    }
    assert check(ds, dt.date(2012, 9, 30), "supervision-funding").runs == []


def test_supervision_funding_is_skipped_without_a_budgets_table() -> None:
    result = check(dataset("450100"), dt.date(2023, 3, 1), "supervision-funding")
    assert {r[3] for r in runs(result, "supervision-funding")} == {"数据集中没有 budgets 表"}


# -------------------------------------------------------------------- properties

ANNUAL = ("upward-reporting", "committee-meetings", "supervision-funding")


@share_of_examples(0.5)  # each example runs the engine twice
@given(st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_of_rows(rnd: Any) -> None:
    tables = {
        "filings": _plans({"450125": "2022-04-20", "450100-gaoxin": None, "450107": None}),
        "meetings": _meetings(),
        "budgets": _budgets(),
    }
    committees = [*_nanning_committees(), committee("450107"), committee("450108", chair=None)]
    day = dt.date(2023, 3, 1)
    rules = {*ANNUAL, "committee-established", "committee-composition"}

    def findings(tabs: dict[str, list], coms: list[Committee]) -> list[tuple]:
        result = fast(dataset("450100", committees=coms, **tabs), day, rules)
        frame = result.findings
        return sorted(
            zip(frame["rule"], frame["target"], frame["message"], frame["citation"], strict=True)
        )

    shuffled = {name: rnd.sample(rows, len(rows)) for name, rows in tables.items()}
    assert findings(shuffled, rnd.sample(committees, len(committees))) == findings(
        tables, committees
    )


@pytest.mark.regional
@pytest.mark.parametrize(
    ("code", "dropped", "named"),
    [
        # 南宁市 (a city), 青秀区 (a district), 隆安县 (a county): each names its own bodies
        ("450100", "县财政局", "南宁市财政局"),
        ("450103", "县体育局", "青秀区体育局"),
        ("450123", "团县委", "共青团隆安县委"),
        ("450103", "县委组织部", "青秀区委组织部"),
        ("450100", "县市场监管局", "南宁市市场监管局"),
    ],
)
def test_a_missing_member_unit_is_named_as_the_committee_s_government_calls_it(
    code: str, dropped: str, named: str
) -> None:
    """厅发〔2020〕26号 二（一） lists the region's bodies (自治区财政厅); a city's or a
    county's committee lacks its own counterpart, and the finding says which."""
    units = [u for u in COUNTY_UNITS if u != dropped]
    ds = dataset(code, committees=[committee(code, units=units)])
    result = check(ds, dt.date(2023, 3, 1), "committee-composition")
    assert evidence(result, "committee-composition", code)["missing_units"] == [named]
    assert messages(result)[code] == f"督导委员会组成不完整：缺成员单位 1 个：{named}"


@pytest.mark.regional
def test_a_province_s_committee_keeps_the_catalogue_names() -> None:
    c = committee("450000", units=CATALOGUE_UNITS[:-1], office_host="自治区教育厅")
    row = evidence(
        check(dataset("450000", committees=[c]), dt.date(2023, 3, 1), "committee-composition"),
        "committee-composition",
        "450000",
    )
    assert row["missing_units"] == ["自治区残联"]
