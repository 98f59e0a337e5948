"""Inspector staffing and zone coverage, on hand-built datasets with hand-computed answers."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.testing import dataset, evidence, inspector, parameter, run, school

DAY = dt.date(2023, 3, 1)


def _county(n_schools: int, n_inspectors: int, county: str = "450108", **school_kw) -> dict:
    return {
        "schools": [school(f"S{i}", county, **school_kw) for i in range(n_schools)],
        "inspectors": [inspector(f"I{i}", county) for i in range(n_inspectors)],
    }


@pytest.mark.regional
def test_eleven_schools_need_three_inspectors() -> None:
    # 良庆区 is in Guangxi: the ratio is 5 (厅发〔2020〕26号 三（一））; ceil(11 / 5) = 3
    result = run(dataset("450108", **_county(11, 2)), DAY, rules={"inspector-staffing"})
    row = evidence(result, "inspector-staffing", "450108")
    assert (row["schools"], row["required"], row["actual"], row["shortfall"]) == (11, 3, 2, 1)
    (finding,) = result.findings.itertuples()
    assert finding.message == "督学配备不足：11 所学校应配 3 名，在任 2 名，缺 1 名"
    assert finding.citation == "厅发〔2020〕26号 三（一）"
    assert finding.plugin == "guangxi"


def test_ten_schools_and_two_inspectors_pass() -> None:
    result = run(dataset("450108", **_county(10, 2)), DAY, rules={"inspector-staffing"})
    assert evidence(result, "inspector-staffing", "450108")["ok"]
    assert result.findings.empty


def test_outside_guangxi_the_national_measure_is_cited() -> None:
    # 渭南市华州区 610503: the national 2013 measure, 1 per about 5 schools
    result = run(
        dataset("610503", **_county(6, 1, county="610503")), DAY, rules={"inspector-staffing"}
    )
    (finding,) = result.findings.itertuples()
    assert finding.citation == "《中小学校责任督学挂牌督导办法》"
    assert finding.evidence["required"] == 2


def test_large_schools_count_one_to_one_only_where_a_region_defines_large() -> None:
    # 7 schools, 2 of them with ≥ 2000 students: ceil(5 / 5) + 2 = 3 required
    ds = dataset(
        "450108",
        schools=[school(f"S{i}", "450108", students=2500 if i < 2 else 800) for i in range(7)],
        inspectors=[inspector(f"I{i}", "450108") for i in range(2)],
    )
    unset = evidence(run(ds, DAY, rules={"inspector-staffing"}), "inspector-staffing", "450108")
    assert (unset["large_schools"], unset["required"]) == (0, 2)
    threshold = parameter("inspector.large_school_students", 2000, scope="450108", sample=True)
    result = run(ds, DAY, rules={"inspector-staffing"}, extra=threshold)
    row = evidence(result, "inspector-staffing", "450108")
    assert (row["large_schools"], row["required"], row["shortfall"]) == (2, 3, 1)
    assert bool(row["sample_parameters"]) is True
    # the uncited sample threshold adds nothing to the citation (no dangling separator)
    (citation,) = result.findings["citation"]
    assert not citation.endswith("；") and "；；" not in citation


def test_inspectors_out_of_term_do_not_count() -> None:
    ds = dataset(
        "450108",
        schools=[school("S1", "450108")],
        inspectors=[inspector("I1", "450108", term_start="2018-09-01", term_end="2021-08-31")],
    )
    row = evidence(run(ds, DAY, rules={"inspector-staffing"}), "inspector-staffing", "450108")
    assert (row["required"], row["actual"]) == (1, 0)


def test_zone_coverage_finds_each_kind_of_gap() -> None:
    zones = [
        {"zone_id": "Z1", "name": "一区", "county": "450108"},
        {"zone_id": "Z2", "name": "二区", "county": "450108"},
        {"zone_id": "Q1", "name": "青秀一区", "county": "450103"},
    ]
    ds = dataset(
        "450100",
        schools=[
            school("A", "450108", zone="Z1"),
            school("B", "450108"),
            school("C", "450108", zone="Z2"),
            school("D", "450108", zone="Q1"),
            school("E", "450108", stage="special"),
        ],  # special schools need no zone
        zones=zones,
        inspectors=[inspector("I1", "450108", zone="Z1"), inspector("I2", "450103", zone="Q1")],
    )
    result = run(ds, DAY, rules={"zone-coverage"})
    got = dict(zip(result.findings["target"], result.findings["message"], strict=True))
    assert got == {
        "B": "学校未划入任何督学责任区",
        "C": "责任区 Z2 没有在任的责任督学",
        "D": "学校所在县与责任区 Q1 所属县（450103）不一致",
    }
    assert evidence(result, "zone-coverage", "A")["ok"]
