"""Static comparison on the bundled Nanning example, with hand-computed figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dudao.errors import DudaoError
from dudao.law.book import Region
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, Rule
from dudao.simulate.compare import compare, kendall_tau, rollup, spearman_rho
from dudao.simulate.reform import Reform

RATIO = "inspector.schools_per_inspector"
FOUR = Reform("four", "督学配比 1:4").set_parameter(RATIO, 4, scope="450000")


@pytest.fixture(scope="module")
def four(nanning):
    return compare(nanning, [FOUR])


def row(frame: pd.DataFrame, scenario: str, code: str) -> pd.Series:
    hit = frame[(frame["scenario"] == scenario) & (frame["jurisdiction"] == code)]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.mark.regional
def test_ratio_four_staffing_by_hand(four) -> None:
    # 邕宁区 450109: 5 schools, 1 serving inspector (schools.csv, inspectors.csv)
    base, new = row(four.staffing, "baseline", "450109"), row(four.staffing, "four", "450109")
    assert (base["schools"], base["actual"], base["required"], base["shortfall"]) == (5, 1, 1, 0)
    # ceil(5 / 4) = 2 required: one short, costing the sample 100,000 a year
    assert (new["required"], new["shortfall"], new["annual_cost"]) == (2, 1, 100_000.0)
    assert bool(new["cost_sample"])


@pytest.mark.regional
def test_findings_under_a_reform_cite_the_reform(nanning) -> None:
    found = nanning.check(FOUR, only={"inspector-staffing"}).findings
    yn = found[found["jurisdiction"] == "450109"].iloc[0]
    # (the staffing rule joins the sample large-school threshold's empty citation too)
    assert yn["citation"].startswith("《改革方案（假设）：督学配比 1:4》")
    assert "挂牌督导办法" not in yn["citation"]
    assert yn["evidence"]["sample_parameters"] is True


@pytest.mark.regional
def test_only_the_affected_rule_runs_and_findings_follow(four) -> None:
    assert four.rules == frozenset({"inspector-staffing"})
    wide = four.changes("findings")
    yn = wide[(wide["jurisdiction"] == "450109") & (wide["rule"] == "inspector-staffing")]
    assert yn[["baseline", "four", "four_change"]].to_numpy().tolist() == [[0, 1, 1]]


@pytest.mark.regional
def test_rollup_to_the_city(four, nanning) -> None:
    city = four.by_level("staffing", "prefecture")
    assert city["jurisdiction"].tolist() == ["450100", "450100"]
    by_county = four.staffing.groupby("scenario")["shortfall"].sum()
    assert city.set_index("scenario")["shortfall"].to_dict() == by_county.to_dict()
    assert rollup(nanning.hierarchy, ["450103", "450100", "nope"], "prefecture").tolist() == [
        "450100",
        "450100",
        "nope",
    ]


@pytest.mark.regional
def test_affected_rules_agree_with_a_full_run(nanning, four) -> None:
    full = compare(nanning, [FOUR], rules="all")
    keys = ["scenario", "jurisdiction", "rule", "findings"]
    mine = full.findings[full.findings["rule"] == "inspector-staffing"][keys]
    assert mine.reset_index(drop=True).equals(four.findings[keys].reset_index(drop=True))
    # every other rule finds the same under both scenarios
    other = full.findings[full.findings["rule"] != "inspector-staffing"]
    a = other[other["scenario"] == "baseline"].drop(columns="scenario").reset_index(drop=True)
    b = other[other["scenario"] == "four"].drop(columns="scenario").reset_index(drop=True)
    assert len(a) > 0 and a.equals(b)


@pytest.mark.regional
def test_programmes_and_rank_summary(nanning) -> None:
    # a stricter primary CV limit in Nanning: 0.5 → 0.3
    strict = Reform("cv").change_indicator(
        "quality_balanced", "cv_primary", item="*", value=0.3, scope="450100"
    )
    result = compare(nanning, [strict])
    prog = result.programmes
    assert set(prog["set"]) == {"quality_balanced", "preschool_universal"}
    pre = prog[prog["set"] == "preschool_universal"]
    base = pre[pre["scenario"] == "baseline"].drop(columns="scenario").reset_index(drop=True)
    same = pre[pre["scenario"] == "cv"].drop(columns="scenario").reset_index(drop=True)
    assert base.equals(same)  # the reform does not touch this set
    summary = result.ranks.set_index("set")
    assert summary.loc["preschool_universal", "spearman"] == 1.0
    assert summary.loc["preschool_universal", "rank_changed"] == 0
    qb = prog[prog["set"] == "quality_balanced"].pivot(
        index="target", columns="scenario", values="score"
    )
    assert (qb["cv"] <= qb["baseline"]).all() and (qb["cv"] < qb["baseline"]).any()


@pytest.mark.regional
def test_parquet_round_trip(four, tmp_path: Path) -> None:
    paths = four.to_parquet(tmp_path)
    assert [p.name for p in paths] == [
        "findings.parquet",
        "staffing.parquet",
        "programmes.parquet",
        "ranks.parquet",
    ]
    back = pd.read_parquet(tmp_path / "staffing.parquet")
    assert back["shortfall"].sum() == four.staffing["shortfall"].sum()


@pytest.mark.regional
def test_reform_names_clash(nanning) -> None:
    with pytest.raises(DudaoError, match="baseline"):
        compare(nanning, [Reform("baseline")])


def test_rank_correlations_by_hand() -> None:
    # 6 pairs: 5 concordant, 1 discordant → tau = 4/6; Σd² = 2 → rho = 1 - 12/60
    assert kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 2, 4, 3])) == pytest.approx(2 / 3)
    assert spearman_rho(np.array([1, 2, 3, 4]), np.array([1, 2, 4, 3])) == pytest.approx(0.8)
    # ties (tau-b): x = 1,1,2  y = 1,2,3 → 2 concordant, 1 tied in x only
    assert kendall_tau(np.array([1, 1, 2]), np.array([1, 2, 3])) == pytest.approx(
        2 / np.sqrt(2 * 3)
    )
    assert kendall_tau(np.array([1, 2, 3]), np.array([3, 2, 1])) == pytest.approx(-1.0)


@pytest.mark.regional
def test_an_indicator_change_in_one_county_leaves_the_others_scores(nanning) -> None:
    one = Reform("one").change_indicator(
        "quality_balanced", "cv_primary", item="*", value=0.0, scope="450103"
    )
    prog = compare(nanning, [one]).programmes
    prog = prog[prog["set"] == "quality_balanced"].pivot(
        index="target", columns="scenario", values="score"
    )
    others = prog.drop(index="450103")
    assert len(others) and (others["one"] == others["baseline"]).all()
    # a CV of exactly 0 is never met in a real county: 青秀区 loses the indicator's points
    assert prog.loc["450103", "one"] < prog.loc["450103", "baseline"]


class SchoolSizeCap(Rule):
    """A rule a researcher writes in Python: no school above 1,500 students (test only)."""

    id = "school-size-cap"
    title = "学校在校生不超过 1500 人（测试用假设规则）"
    title_en = "No school above 1,500 students (test rule)"
    cite = ("《测试用假设文件》 一",)
    target_kind = TargetKind.SCHOOL

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        schools = ctx.within(ctx.dataset.schools, "county", region)
        return pd.DataFrame(
            {
                "target": schools["school_id"].astype(str).to_numpy(),
                "jurisdiction": schools["county"].astype(str).to_numpy(),
                "ok": (schools["students"] <= 1500).to_numpy(),
                "students": schools["students"].to_numpy(),
            }
        )

    def message(self, row: dict) -> tuple[str, str]:
        return f"在校生 {row['students']} 人", f"{row['students']} students"


@pytest.mark.regional
def test_a_python_rule_added_in_one_county(nanning) -> None:
    reform = Reform("cap").put_rule(SchoolSizeCap(), scope="450103")
    result = compare(nanning, [reform])
    assert "school-size-cap" in result.rules
    new = result.findings[result.findings["rule"] == "school-size-cap"]
    # 青秀区 has 8 schools above 1,500 (QX-02, 04, 07, 09, 10, 11, 13, 14); the other
    # 22 such schools are outside the rule's scope
    assert new[["scenario", "jurisdiction", "findings"]].to_numpy().tolist() == [
        ["cap", "450103", 8]
    ]
    found = nanning.check(reform, only={"school-size-cap"}).findings
    assert found["citation"].unique().tolist() == ["《测试用假设文件》 一"]
