"""Yueyang's own rules: what 《岳阳市2023年教育督导工作要点》 asks that no national rule checks.

* ``township-evaluation`` — 5 "指导县市区政府教育督导机构根据工作需要对所辖乡镇政府（街道办事
  处）履行教育职责进行督导评价": the county evaluated at least one of its townships in the
  year (a warning, not an error: "根据工作需要" leaves the extent to the county).
* ``high-school-stage-evaluation`` — 6（二）（三） "年度学校自查、县级考核", "2023 年度高中阶段
  学校网络和实地督导评估": every high-school-stage school was evaluated in the cycle.
* ``compulsory-round-started`` — 7（一） "制定义务教育学校五年一轮实地综合督导评估规划并启动实
  施": the county itself evaluated compulsory schools on site in the year.
* ``private-compulsory-evaluation`` — 7（二） "组织开展对辖区内民办义务教育学校督导评估工作":
  every private compulsory school was supervised in the year.
* ``kindergarten-conduct-evaluation`` — 8（二） "指导各县市区重点开展……办园行为督导评估": the
  county evaluated at least one kindergarten in the year.
* ``large-school-supervision`` — 11（二） "开展义务教育大校额化解专项督导": every compulsory
  school above the size standard had a special supervision in the year.

All read the ``supervisions`` table: an evaluation of a school is a supervision record
whose target is the school, an evaluation of a township a record whose target is the
township's government. Each rule is switched on by a parameter that Yueyang sets for
2023 only (``parameters/*.yaml``); where it is unset nothing is checked.

Judged year
    An obligation "in 2023" can be failed only once 2023 is over. The rules judge the
    last year that has ended by the as-of date — the as-of year itself on its
    31 December, else the year before (:func:`judged_year`) — and read parameters as of
    that year's 31 December. Checking on 2023-12-31 (a plan's deadline) or in 2024 both
    judge 2023; checking during 2023 judges 2022, for which Yueyang sets nothing.

All checks are vectorised over the tables (integer positions, no loop per school).

>>> judged_year(dt.date(2023, 12, 31)), judged_year(dt.date(2024, 3, 1))
(2023, 2023)
>>> judged_year(dt.date(2023, 6, 30))
2022
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.findings import Severity, TargetKind
from dudao.model.jurisdiction import JurisdictionKind, Level
from dudao.model.numbers import number
from dudao.model.schools import Stage
from dudao.rules.base import Context, ParamColumn, Rule, empty_checks, row_citations

SEED = "《岳阳市2023年教育督导工作要点》"

COMPULSORY = tuple(s.value for s in Stage if s.is_compulsory)
#: 高中阶段学校（含普通高中、中等职业学校）: and the schools that teach senior grades.
HIGH_SCHOOL_STAGE = (
    Stage.SENIOR.value,
    Stage.SECONDARY_VOCATIONAL.value,
    Stage.COMPLETE_SECONDARY.value,
    Stage.TWELVE_YEAR.value,
)
#: Schools whose size is judged against each limit (完全中学: the junior part cannot be
#: told apart from the senior one in the schools table, so it is not judged).
SIZE_LIMITS = {
    "school.size_limit_primary_junior": (Stage.PRIMARY.value, Stage.JUNIOR.value),
    "school.size_limit_nine_twelve": (Stage.NINE_YEAR.value, Stage.TWELVE_YEAR.value),
}


def judged_year(as_of: dt.date) -> int:
    """The last calendar year that has ended by ``as_of`` (a year ends on 31 December)."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _switched_on(column: ParamColumn) -> np.ndarray:
    """Rows whose switch parameter is ``true`` (unset or false: not checked)."""
    return np.array([v is True for v in column.values], dtype=bool)


def _records(ctx: Context, year: int, first_year: int | None = None) -> pd.DataFrame:
    """Supervision records dated in [1 January ``first_year``, 31 December ``year``],
    and not after the as-of date."""
    sup = ctx.dataset.supervisions
    start = pd.Timestamp(first_year or year, 1, 1)
    end = min(pd.Timestamp(_year_end(year)), pd.Timestamp(ctx.as_of))
    return sup.loc[((sup["date"] >= start) & (sup["date"] <= end)).to_numpy()]


def _on_topics(sup: pd.DataFrame, topics: tuple[str, ...] | None) -> pd.DataFrame:
    """Records on one of ``topics`` or with no topic recorded (all when ``topics`` is None
    or the table has no topic column): a record naming another topic is about something
    else."""
    if topics is None or "topic" not in sup.columns:
        return sup
    topic = sup["topic"]
    return sup.loc[(topic.isna() | topic.isin(topics)).to_numpy()]


def _counties(ctx: Context, region: Region) -> np.ndarray:
    """County-level governments in scope (development zones have no government)."""
    return np.array(
        [
            u.code
            for u in ctx.units([Level.COUNTY], region)
            if u.kind is not JurisdictionKind.DEVELOPMENT_ZONE
        ],
        dtype=object,
    )


def _school_evaluations(
    ctx: Context, schools: pd.DataFrame, sup: pd.DataFrame, kinds: tuple[str, ...], *, own: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(count, last date) per row of ``schools``: records of ``kinds`` targeting the
    school, organised by its county's body (``own``) or by a body whose subtree holds
    the county (the county, the city, the province)."""
    sup = sup.loc[((sup["target_kind"] == "school") & sup["kind"].isin(kinds)).to_numpy()]
    row = pd.Index(schools["school_id"].astype(object)).get_indexer(sup["target"].astype(object))
    known = row >= 0
    sup, row = sup.loc[known], row[known]
    county = schools["county"].astype(object).to_numpy()[row]
    if own:
        by = sup["body"].astype(object).to_numpy() == county
    else:
        lo, hi = ctx.hierarchy.spans(sup["body"])
        pos = ctx.hierarchy.positions(pd.Series(county, dtype=object))
        by = (pos >= 0) & (lo <= pos) & (pos < hi)
    row = row[by]
    count = np.bincount(row, minlength=len(schools))
    dates = pd.Series(sup["date"].to_numpy()[by], dtype="datetime64[s]")
    latest = dates.groupby(row).max().reindex(range(len(schools)))
    last = np.array([None if pd.isna(d) else d.date() for d in latest], dtype=object)
    return count, last


# ------------------------------------------------------------------ school-level rules


class SchoolsEvaluatedInYear(Rule):
    """Base of the school-level rules: every school of ``stages`` (and ``ownership``)
    whose parameter ``parameters[0]`` is on had a supervision of ``kinds`` by its county
    or a body above it in the judged year — or, when that parameter is a number of
    years, in the cycle of that many years ending with the judged year."""

    target_kind = TargetKind.SCHOOL
    needs = ("schools", "supervisions")
    stages: ClassVar[tuple[str, ...]] = ()
    ownership: ClassVar[str | None] = None
    kinds: ClassVar[tuple[str, ...]] = ("comprehensive", "special")
    #: Topics (督导事项) a record must have to count; a record with no topic counts too
    #: (datasets need not record topics). None: any topic.
    topics: ClassVar[tuple[str, ...] | None] = None
    what: ClassVar[tuple[str, str]] = ("督导评估", "evaluation")
    extra_evidence: ClassVar[tuple[str, ...]] = ()

    def selected(
        self, ctx: Context, schools: pd.DataFrame, year: int
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Which schools are checked beyond stage and ownership, with evidence columns."""
        return np.ones(len(schools), dtype=bool), {}

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "from_year", "evaluations", "last_evaluation", "sample_parameters")
        year = judged_year(ctx.as_of)
        schools = ctx.within(ctx.dataset.schools, "county", region)
        mask = schools["stage"].isin(self.stages).to_numpy()
        if self.ownership:
            mask = mask & (schools["ownership"] == self.ownership).to_numpy()
        schools = schools.loc[mask]
        param = ctx.param_column(self.parameters[0], schools["county"], on=_year_end(year))
        on = _switched_on(param) | np.array([_years(v) > 0 for v in param.values], dtype=bool)
        schools, param = schools.loc[on], param.subset(on)
        keep, extra = self.selected(ctx, schools, year)
        if not keep.any():
            return empty_checks(*evidence, *self.extra_evidence)
        schools, param = schools.loc[keep], param.subset(keep)
        more_cites = extra.pop("cites", None)  # clauses of other parameters a row used
        cites = (param,) if more_cites is None else (param, more_cites[keep])
        years = np.array([max(_years(v), 1) for v in param.values], dtype=int)
        counts = np.zeros(len(schools), dtype=int)
        last = np.full(len(schools), None, dtype=object)
        for n in np.unique(years):  # one cycle length, or a few
            rows = years == n
            sup = _on_topics(_records(ctx, year, year - int(n) + 1), self.topics)
            counts[rows], last[rows] = _school_evaluations(
                ctx, schools.loc[rows], sup, self.kinds, own=False
            )
        return pd.DataFrame(
            {
                "target": schools["school_id"].array,
                "target_name": schools["name"].array,
                "jurisdiction": schools["county"].array,
                "ok": counts > 0,
                "citation": row_citations(self.cite, *cites),
                "year": year,
                "from_year": year - years + 1,
                "evaluations": counts,
                "last_evaluation": last,
                **{k: v[keep] for k, v in extra.items()},
                "sample_parameters": param.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh, en = self.what
        if row["from_year"] < row["year"]:
            span = f"{row['from_year']}—{row['year']} 年"
            span_en = f"{row['from_year']}–{row['year']}"
        else:
            span, span_en = f"{row['year']} 年度", str(row["year"])
        return (
            f"{span}没有{zh}记录（县市区或上级组织、对象为本校的督导）",
            f"No {en} of this school on record in {span_en} (by its county or a body above)",
        )


def _years(value: Any) -> int:
    """A cycle parameter's number of years; 0 for a switch (true/false) or unset."""
    if isinstance(value, bool) or value is None:
        return 0
    return int(value)


class HighSchoolStageEvaluation(SchoolsEvaluatedInYear):
    """Every high-school-stage school (普通高中、中等职业学校, and the senior part of 完全中学
    and 十二年一贯制学校) had a comprehensive supervision — the county's annual 考核 or the
    city's network and on-site evaluation — within ``school.high_school_assessment_cycle_years``
    (1: the judged year). The schools' own self-checks (自查) leave no supervision record
    and are not checked."""

    id = "high-school-stage-evaluation"
    title = "高中阶段学校每年接受县级考核或市级督导评估"
    title_en = "Every high-school-stage school is assessed every year"
    cite = (f"{SEED} 6（二）", f"{SEED} 6（三）")
    parameters = ("school.high_school_assessment_cycle_years",)
    stages = HIGH_SCHOOL_STAGE
    kinds = ("comprehensive",)
    what = ("县级考核或市级督导评估", "county assessment or city evaluation")


class PrivateCompulsoryEvaluation(SchoolsEvaluatedInYear):
    """Every private compulsory school (民办义务教育学校) had a comprehensive or special
    supervision by its county or a body above in the judged year."""

    id = "private-compulsory-evaluation"
    title = "县市区对辖区内民办义务教育学校开展督导评估"
    title_en = "Every private compulsory school is evaluated in the year"
    cite = (f"{SEED} 7（二）",)
    parameters = ("school.private_compulsory_evaluation",)
    stages = COMPULSORY
    ownership = "private"
    what = ("督导评估", "supervision")


class LargeSchoolSupervision(SchoolsEvaluatedInYear):
    """Every compulsory school above the size standard (大校额: primary and junior schools
    over ``school.size_limit_primary_junior`` students, nine- and twelve-year schools over
    ``school.size_limit_nine_twelve``) had a special supervision (专项督导) on reducing its
    size by its county or a body above in the judged year: its topic is ``large_schools``
    or not recorded; one on another topic (双减, 办园行为 …) does not count. A
    twelve-year school is judged on all its students (the table has no compulsory-stage
    count): the evidence says so."""

    id = "large-school-supervision"
    title = "义务教育大校额学校接受化解专项督导"
    title_en = "Every oversized compulsory school has a special supervision on reducing its size"
    cite = (f"{SEED} 11（二）",)
    parameters = ("school.large_school_supervision", *SIZE_LIMITS)
    stages = tuple(s for stages in SIZE_LIMITS.values() for s in stages)
    kinds = ("special",)
    topics = ("large_schools",)
    extra_evidence = ("students", "size_limit", "size_basis")
    what = ("大校额化解专项督导", "special supervision on its size")

    def selected(
        self, ctx: Context, schools: pd.DataFrame, year: int
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        limit = np.full(len(schools), np.nan)
        cites = np.full(len(schools), "", dtype=object)
        stage = schools["stage"].astype(object).to_numpy()
        for param, stages in SIZE_LIMITS.items():
            rows = np.isin(stage, stages)
            col = ctx.param_column(param, schools["county"], on=_year_end(year))
            limit[rows] = col.numbers()[rows]
            cites[rows] = col.cites[rows]
        students = schools["students"].to_numpy(dtype=float)
        basis = np.where(
            stage == Stage.TWELVE_YEAR.value,
            "在校生总数（含高中；学校数据没有单列义务教育阶段人数）",
            "在校生数",
        )
        extra = {
            "students": students.astype(int),
            "size_limit": limit,
            "size_basis": basis,
            "cites": cites,
        }
        return students > limit, extra  # NaN (no limit set) compares False

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        return (
            f"大校额学校（{row['size_basis']} {number(row['students'])} 人，"
            f"超过 {number(row['size_limit'])} 人）{row['year']} 年度没有化解大校额的专项督导记录",
            f"Oversized school ({number(row['students'])} students, above "
            f"{number(row['size_limit'])}) had no special supervision in {row['year']}",
        )


# ------------------------------------------------------------------ county-level rules


class CountyEvaluatedSchools(Rule):
    """Base of the county-level rules: each county government with schools of ``stages``
    in scope, whose switch parameter is on, itself (``body`` = the county) organised at
    least one supervision of ``kinds`` of such a school in the judged year."""

    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    needs = ("schools", "supervisions")
    stages: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[tuple[str, ...]] = ("comprehensive", "special")
    what: ClassVar[tuple[str, str]] = ("", "")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "schools", "evaluated", "round_years", "sample_parameters")
        year = judged_year(ctx.as_of)
        counties = _counties(ctx, region)
        param = ctx.param_column(self.parameters[0], counties, on=_year_end(year))
        on = param.is_set & np.array([v is not False for v in param.values], dtype=bool)
        counties, param = counties[on], param.subset(on)
        schools = ctx.within(ctx.dataset.schools, "county", region)
        schools = schools.loc[schools["stage"].isin(self.stages).to_numpy()]
        county_of = schools["county"].astype(object)
        n_schools = county_of.value_counts().reindex(counties, fill_value=0).to_numpy(dtype=int)
        has = n_schools > 0  # a county without such schools has nothing to evaluate
        counties, param, n_schools = counties[has], param.subset(has), n_schools[has]
        if not len(counties):
            return empty_checks(*evidence)
        counts, _ = _school_evaluations(ctx, schools, _records(ctx, year), self.kinds, own=True)
        evaluated = (
            pd.Series(counts > 0)
            .groupby(county_of.to_numpy())
            .sum()
            .reindex(counties, fill_value=0)
        ).to_numpy(dtype=int)
        return pd.DataFrame(
            {
                "target": counties,
                "jurisdiction": counties,
                "ok": evaluated > 0,
                "citation": row_citations(self.cite, param),
                "year": year,
                "schools": n_schools,
                "evaluated": evaluated,
                "round_years": [v if v is not True else None for v in param.values],
                "sample_parameters": param.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh, en = self.what
        return (
            f"{row['year']} 年度本县市区未对辖区内 {row['schools']} 所{zh}",
            f"In {row['year']} the county {en} none of its {row['schools']} schools",
        )


class CompulsoryRoundStarted(CountyEvaluatedSchools):
    """The county started its five-year round of on-site comprehensive evaluation of
    compulsory schools: in the judged year it (its own body) made at least one
    comprehensive supervision of a compulsory school. Whether the round covers every
    school can only be judged when it ends (round of ``school.compulsory_round_years``)."""

    id = "compulsory-round-started"
    title = "县市区启动义务教育学校五年一轮实地综合督导评估"
    title_en = "The county starts its five-year round of compulsory-school evaluation"
    cite = (f"{SEED} 7（一）",)
    parameters = ("school.compulsory_round_years",)
    stages = COMPULSORY
    kinds = ("comprehensive",)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        n = row["round_years"]
        return (
            f"{row['year']} 年度本县市区未对辖区内 {row['schools']} 所义务教育学校中的任何一所"
            f"开展实地综合督导评估，{n}年一轮的督导评估未启动",
            f"In {row['year']} the county made no comprehensive evaluation of any of its "
            f"{row['schools']} compulsory schools: the {n}-year round has not started",
        )


class KindergartenConductEvaluation(CountyEvaluatedSchools):
    """The county evaluated the conduct (办园行为) of at least one of its kindergartens —
    a comprehensive or special supervision by its own body — in the judged year."""

    id = "kindergarten-conduct-evaluation"
    title = "县市区开展幼儿园办园行为督导评估"
    title_en = "The county evaluates kindergartens' conduct"
    cite = (f"{SEED} 8（二）",)
    parameters = ("kindergarten.conduct_evaluation",)
    stages = (Stage.KINDERGARTEN.value,)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        return (
            f"{row['year']} 年度本县市区未对辖区内 {row['schools']} 所幼儿园开展办园行为督导评估",
            f"In {row['year']} the county evaluated none of its {row['schools']} kindergartens",
        )


class TownshipEvaluation(Rule):
    """Where ``evaluation.township_evaluation`` is on, each county government evaluated
    (督导评价) at least one of its townships in the judged year: a comprehensive or special
    supervision whose target is the township's government and whose body is the county —
    the evaluator :meth:`Hierarchy.evaluator` names. "根据工作需要" leaves how many to the
    county, so a county that evaluated none gets a warning, and the evidence lists the
    townships not evaluated. Townships come from the hierarchy (a dataset's
    ``jurisdictions``): a county whose townships are unknown shows 0 of 0."""

    id = "township-evaluation"
    title = "县市区对所辖乡镇（街道）开展履行教育职责督导评价"
    title_en = "The county evaluates its townships' performance of education duties"
    cite = (f"{SEED} 5",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    severity = Severity.WARNING
    parameters = ("evaluation.township_evaluation",)
    needs = ("supervisions",)
    SHOWN: ClassVar[int] = 10

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "townships", "evaluated", "not_evaluated", "sample_parameters")
        year = judged_year(ctx.as_of)
        counties = _counties(ctx, region)
        param = ctx.param_column(self.parameters[0], counties, on=_year_end(year))
        on = _switched_on(param)
        counties, param = counties[on], param.subset(on)
        if not len(counties):
            return empty_checks(*evidence)
        h = ctx.hierarchy
        towns = [u for u in ctx.units([Level.TOWNSHIP], region) if u.parent in set(counties)]
        town = pd.Series([u.code for u in towns], dtype=object)
        parent = pd.Series([u.parent for u in towns], dtype=object)
        sup = _records(ctx, year)
        sup = sup.loc[
            (
                (sup["target_kind"] == "government")
                & sup["kind"].isin(["comprehensive", "special"])
            ).to_numpy()
        ]
        at = pd.Index(town).get_indexer(sup["target"].astype(object))
        by_county = (at >= 0) & (
            sup["body"].astype(object).to_numpy() == parent.to_numpy()[np.maximum(at, 0)]
            if len(town)
            else np.zeros(len(sup), dtype=bool)
        )
        done = np.zeros(len(town), dtype=bool)
        done[at[by_county]] = True
        total = parent.value_counts().reindex(counties, fill_value=0).to_numpy(dtype=int)
        evaluated = (
            pd.Series(done).groupby(parent.to_numpy()).sum().reindex(counties, fill_value=0)
            if len(town)
            else pd.Series(0, index=counties)
        ).to_numpy(dtype=int)
        missing = (
            pd.Series([f"{c} {h.get(c).name}" for c in town[~done]], dtype=object)
            .groupby(parent[~done].to_numpy())
            .agg(lambda s: list(s)[: self.SHOWN])
        )
        return pd.DataFrame(
            {
                "target": counties,
                "jurisdiction": counties,
                "ok": evaluated > 0,
                "citation": row_citations(self.cite, param),
                "year": year,
                "townships": total,
                "evaluated": evaluated,
                "not_evaluated": [missing.get(c, []) for c in counties],
                "sample_parameters": param.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        known = (
            f"（已知所辖乡镇（街道）{row['townships']} 个）"
            if row["townships"]
            else "（数据集中没有其所辖乡镇（街道））"
        )
        return (
            f"{row['year']} 年度未对所辖任何乡镇（街道）开展履行教育职责督导评价{known}",
            f"In {row['year']} the county evaluated none of its townships "
            f"({row['townships']} known)",
        )


RULES: tuple[Rule, ...] = (
    TownshipEvaluation(),
    HighSchoolStageEvaluation(),
    CompulsoryRoundStarted(),
    PrivateCompulsoryEvaluation(),
    KindergartenConductEvaluation(),
    LargeSchoolSupervision(),
)
