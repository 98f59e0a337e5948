"""Guangxi's own rules: what 厅发〔2020〕26号 says that no national rule and no parameter
can state.

* ``region-committee-leadership`` — 二（一）: the autonomous region's committee is
  chaired by the vice chairman (副主席) in charge of education, its vice chairs are the
  deputy secretary-general (副秘书长) who assists him and the head of the education
  department (教育厅厅长), and the department has a chief inspector and deputy chief
  inspectors (总督学、副总督学). The national ``committee-composition`` only asks for
  *a* chair and *a* vice chair and, by parameter, a chief inspector.
* ``vocational-evaluation-participation`` — 桂教督委办〔2023〕11号 八: every secondary and
  higher vocational school takes part in the fourth national evaluation of vocational
  colleges (a ``vocational_evaluation`` record in the ``programmes`` table).
* ``city-upward-reporting`` — 二（二）: "下级教育督导机构的年度工作计划、重大事项和督导结果须向
  上一级教育督导机构报告". The national ``upward-reporting`` checks counties' plans only;
  in Guangxi the 设区市 report to the autonomous region too, and results as well as plans.
* ``supervision-report-published`` — 二（七）: every supervision forms a report
  (督导报告) that is made public.

``city-upward-reporting``: which cities are judged
    The filings table records what a body *receives*: a city's report to the autonomous
    region is on the region's books. So a city is judged only in a dataset that covers
    the region (scope 450000 or wider); a city's own dataset (Nanning's) does not hold
    what the region received, and judging it there would call every city negligent.

``city-upward-reporting``: judged year
    As for the national annual rules (:func:`dudao.rules.national.governance.judged_year`):
    the last calendar year that ended before the as-of date, with the parameters in force
    on its 31 December. The plan of that year counts whenever it was filed (no Guangxi text
    sets a date); results are due for that year only if the city organised a supervision
    in it (comprehensive, special or random; 经常性督导 visits are the zone inspectors'
    and are recorded in ``visits``). Records dated after the as-of date are ignored.
``supervision-report-published``: what is judged
    二（七） asks every body's supervision for a report made public, and sets no time
    limit. By convention (stated in each row's evidence) the supervisions a body organised
    in the judged year (as above) are expected to have both by the as-of day: a report
    date and a publication date on or before it. Comprehensive, special and random
    supervisions are judged; 经常性督导 (``routine``) is the zone inspectors' visiting,
    recorded in ``visits``, whose record (督导记录) is not a 督导报告. The rule runs only on
    datasets whose supervisions table has the ``report_date`` and ``published_on``
    columns: a dataset that does not record reports says nothing about them. One row per
    body that organised such supervision, naming up to five supervisions lacking either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.bodies import Committee
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.rules.base import Context, Rule, empty_checks, row_citations
from dudao.rules.national.governance import government_committees, judged_year, year_end

OPINIONS_ISSUED = dt.date(2020, 5, 14)  # 厅发〔2020〕26号 印发日期
EXAMPLES = 5  # supervision ids a report-publication finding names
REPORT_DEADLINE_BASIS = (
    "二（七）未规定报告和公开的时限；按约定，上一年度组织的督导到检查日应已形成报告并公开（非法定）"
)
WORK_POINTS_2023 = dt.date(2023, 3, 17)  # 桂教督委办〔2023〕11号 印发日期
VOCATIONAL_STAGES = ("secondary_vocational", "higher_vocational")

#: 二（一）: each post and the words by which a committee file names it.
LEADERSHIP: dict[str, tuple[str, str]] = {
    "chair": ("主任由自治区人民政府分管教育工作的副主席担任", "副主席"),
    "deputy_secretary_general": ("副主任含协助分管教育工作的副秘书长", "副秘书长"),
    "education_head": ("副主任含自治区教育厅厅长", "教育厅厅长"),
    "deputy_chief_inspector": ("自治区教育厅设立副总督学", "副总督学"),
}
LEADERSHIP_EN = {
    "chair": "the chair is not the vice chairman in charge of education",
    "deputy_secretary_general": "no deputy secretary-general among the vice chairs",
    "education_head": "the head of the education department is not a vice chair",
    "deputy_chief_inspector": "no deputy chief inspector",
}


def _missing_posts(c: Committee) -> list[str]:
    """The posts of 二（一） the committee file does not show."""
    chair = c.chair.post if c.chair else ""
    vices = [v.post for v in c.vice_chairs]
    missing = []
    if "副主席" not in chair:
        missing.append("chair")
    if not any("副秘书长" in v for v in vices):
        missing.append("deputy_secretary_general")
    if not any("教育厅厅长" in v for v in vices):  # not 副厅长
        missing.append("education_head")
    if not c.deputy_chief_inspectors:
        missing.append("deputy_chief_inspector")
    return missing


class RegionCommitteeLeadership(Rule):
    """The autonomous region's committee has the chair, vice chairs and deputy chief
    inspectors 二（一） names (see the module docstring). A post counts when the committee
    file's post text names it (``副主席``; ``副秘书长``; ``教育厅厅长``, not 副厅长); whether
    the vice chairman is the one *in charge of education* is the appointing document's
    business, not a dataset's. Cities and counties "比照自治区做法" with their own posts
    (副市长、副县长…), which the text does not name: they are not checked here.

    >>> from dudao.model.bodies import Officer
    >>> c = Committee("450000", "自治区人民政府教育督导委员会",
    ...               chair=Officer("分管教育工作的副主席"),
    ...               vice_chairs=(Officer("自治区教育厅厅长"),))
    >>> _missing_posts(c)
    ['deputy_secretary_general', 'deputy_chief_inspector']
    """

    id = "region-committee-leadership"
    title = "自治区教育督导委员会主任、副主任和副总督学按规定设置"
    title_en = "The region's committee has the chair, vice chairs and deputy chief inspectors"
    cite = ("厅发〔2020〕26号 二（一）",)
    target_kind = TargetKind.COMMITTEE
    levels = (Level.PROVINCE,)
    since = OPINIONS_ISSUED
    needs = ("committees",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("committee", "chair", "vice_chairs", "deputy_chief_inspectors", "missing")
        provinces = {u.code for u in ctx.units(self.levels, region)}
        committees = [c for c in government_committees(ctx, region) if c.jurisdiction in provinces]
        if not committees:
            return empty_checks(*evidence)
        missing = [_missing_posts(c) for c in committees]
        codes = [c.jurisdiction for c in committees]
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": [not m for m in missing],
                "citation": "；".join(self.cite),
                "committee": [c.name for c in committees],
                "chair": [c.chair.post if c.chair else None for c in committees],
                "vice_chairs": [[v.post for v in c.vice_chairs] for c in committees],
                "deputy_chief_inspectors": [len(c.deputy_chief_inspectors) for c in committees],
                "missing": missing,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        return (
            "自治区教育督导委员会领导职务与二（一）规定不符："
            + "；".join(LEADERSHIP[m][0] + "，委员会文件未体现" for m in row["missing"]),
            "The region's committee lacks posts required by 二（一）: "
            + "; ".join(LEADERSHIP_EN[m] for m in row["missing"]),
        )


class CityUpwardReporting(Rule):
    """Each 设区市 filed with the autonomous region its annual supervision plan and, for
    a year in which it organised supervision, its supervision results (二（二）); see the
    module docstring for which cities and which year are judged.

    ``reporting.plan_required`` and ``reporting.result_required`` (true/false) switch
    each duty on; unset, that part is not checked.
    """

    id = "city-upward-reporting"
    title = "设区市教育督导机构向自治区报告年度工作计划和督导结果"
    title_en = "Cities file their annual plan and supervision results with the region"
    cite = ("厅发〔2020〕26号 二（二）",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.PREFECTURE,)
    since = OPINIONS_ISSUED
    parameters = ("reporting.plan_required", "reporting.result_required")
    needs = ("filings",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "plan_filed_on", "supervisions", "result_filed_on", "missing")
        h = ctx.hierarchy
        cities = [
            u.code
            for u in ctx.units(self.levels, region)
            if u.parent is not None and h.contains(ctx.scope, u.parent)
        ]
        if not cities:
            return empty_checks(*evidence)
        codes = np.array(cities, dtype=object)
        year = judged_year(ctx.as_of)
        on = year_end(year)
        plan_req = ctx.param_column(self.parameters[0], codes, on=on)
        result_req = ctx.param_column(self.parameters[1], codes, on=on)
        wants_plan = np.array([v is True for v in plan_req.values], dtype=bool)
        wants_result = np.array([v is True for v in result_req.values], dtype=bool)
        keep = wants_plan | wants_result
        codes, wants_plan, wants_result = codes[keep], wants_plan[keep], wants_result[keep]
        if not len(codes):
            return empty_checks(*evidence)

        f = ctx.dataset.filings
        f = f.loc[((f["year"] == year) & (f["filed_on"] <= pd.Timestamp(ctx.as_of))).to_numpy()]
        first = f.groupby([f["jurisdiction"].astype(object), f["kind"].astype(object)])[
            "filed_on"
        ].min()
        plan_on = first.reindex(pd.MultiIndex.from_product([codes, ["plan"]])).to_numpy()
        result_on = first.reindex(pd.MultiIndex.from_product([codes, ["result"]])).to_numpy()

        sup = ctx.dataset.supervisions
        if sup is None:  # results are owed only for supervision organised: unknown here
            organised = np.full(len(codes), np.nan)
        else:
            in_year = (
                (sup["date"] >= pd.Timestamp(year, 1, 1))
                & (sup["date"] <= pd.Timestamp(min(on, ctx.as_of)))
                & (sup["kind"] != "routine")
            )
            counts = sup.loc[in_year.to_numpy(), "body"].astype(object).value_counts()
            organised = counts.reindex(codes, fill_value=0).to_numpy(dtype=float)

        no_plan = wants_plan & pd.isna(plan_on)
        no_result = wants_result & (organised > 0) & pd.isna(result_on)
        missing = [
            [k for k, bad in (("plan", p), ("result", r)) if bad]
            for p, r in zip(no_plan, no_result, strict=True)
        ]
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": ~(no_plan | no_result),
                "citation": row_citations(
                    self.cite, plan_req.subset(keep), result_req.subset(keep)
                ),
                "year": year,
                "plan_filed_on": _days(plan_on),
                "supervisions": [None if np.isnan(n) else int(n) for n in organised],
                "result_filed_on": _days(result_on),
                "missing": missing,
                "sample_parameters": plan_req.sample[keep] | result_req.sample[keep],
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        year = row["year"]
        zh, en = [], []
        if "plan" in row["missing"]:
            zh.append(f"{year} 年度教育督导工作计划")
            en.append(f"its {year} annual supervision plan")
        if "result" in row["missing"]:
            zh.append(f"{year} 年组织的 {row['supervisions']} 次督导的督导结果")
            en.append(f"the results of the {row['supervisions']} supervision(s) it organised")
        return (
            "未向自治区教育督导机构报告" + "和".join(zh),
            "Did not file with the region " + " and ".join(en),
        )


class VocationalEvaluationParticipation(Rule):
    """Each secondary vocational school and higher vocational college in the region has
    a record of the programme ``vocational_evaluation`` (第四轮全国职业院校督导评估) dated
    in 2023 up to the as-of date, at any stage: 八 "组织全区各中等职业学校、高等职业院校
    参加第四轮全国职业院校督导评估". In force for 2023, the year of the work points; which
    schools the national round includes is decided nationally, and the text says 各 (every).
    """

    id = "vocational-evaluation-participation"
    title = "中等职业学校、高等职业院校参加第四轮全国职业院校督导评估"
    title_en = "Every vocational school takes part in the fourth national evaluation"
    cite = ("桂教督委办〔2023〕11号 八",)
    target_kind = TargetKind.SCHOOL
    since = WORK_POINTS_2023
    until = dt.date(2023, 12, 31)
    needs = ("programmes", "schools")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        schools = ctx.within(ctx.dataset.schools, "county", region)
        schools = schools.loc[schools["stage"].isin(VOCATIONAL_STAGES).to_numpy()]
        if schools.empty:
            return empty_checks("stage", "records", "latest_stage")
        p = ctx.dataset.programmes
        dates = p["date"]
        p = p.loc[
            (
                (p["programme"] == "vocational_evaluation")
                & (dates >= pd.Timestamp(2023, 1, 1))
                & (dates <= pd.Timestamp(ctx.as_of))
            ).to_numpy()
        ]
        p = p.sort_values("date", kind="stable")
        unit = p["unit"].astype(object)
        counts = unit.value_counts()
        latest = pd.Series(p["stage"].astype(object).to_numpy(), index=unit.to_numpy())
        latest = latest[~latest.index.duplicated(keep="last")]
        ids = schools["school_id"].astype(object).to_numpy()
        n = counts.reindex(ids, fill_value=0).to_numpy(dtype=int)
        return pd.DataFrame(
            {
                "target": ids,
                "target_name": schools["name"].array,
                "jurisdiction": schools["county"].array,
                "ok": n > 0,
                "stage": schools["stage"].astype(object).to_numpy(),
                "records": n,
                "latest_stage": latest.reindex(ids).to_numpy(dtype=object),
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        return (
            "没有参加第四轮全国职业院校督导评估的记录",
            "No record of taking part in the fourth national evaluation of vocational colleges",
        )


def _days(values: np.ndarray) -> list[dt.date | None]:
    """Timestamps as dates, None where missing (evidence prints ISO dates or null)."""
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]


class SupervisionReportPublished(Rule):
    """Each body that organised supervision in the judged year has a report of each of
    those supervisions and has made it public (二（七） "全区各级教育督导机构开展督导工作，
    均要形成督导报告，并以适当方式向社会公开"); see the module docstring for what is judged.
    """

    id = "supervision-report-published"
    title = "督导工作形成督导报告并以适当方式向社会公开"
    title_en = "Each supervision has a report, and the report is made public"
    cite = ("厅发〔2020〕26号 二（七）",)
    target_kind = TargetKind.JURISDICTION
    since = OPINIONS_ISSUED
    needs = ("supervisions.report_date", "supervisions.published_on")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        year = judged_year(ctx.as_of)
        sup = ctx.within(ctx.dataset.supervisions, "body", region)
        day = pd.Timestamp(ctx.as_of)
        sup = sup.loc[
            (
                (sup["kind"] != "routine")
                & (sup["date"] >= pd.Timestamp(year, 1, 1))
                & (sup["date"] <= min(pd.Timestamp(year_end(year)), day))
            ).to_numpy()
        ]
        # a date after the as-of day has not happened yet on that day
        no_report = (sup["report_date"].isna() | (sup["report_date"] > day)).to_numpy()
        unpublished = (sup["published_on"].isna() | (sup["published_on"] > day)).to_numpy()
        body = sup["body"].astype(object).to_numpy()
        ids = sup["supervision_id"].astype(object).to_numpy()
        order = np.lexsort((ids, body))  # examples in id order, whatever the row order
        frame = pd.DataFrame(
            {
                "body": body[order],
                "id": ids[order],
                "no_report": no_report[order],
                "unpublished": unpublished[order],
            }
        )
        lacking = frame.loc[frame["no_report"] | frame["unpublished"]]
        examples = lacking.groupby("body", sort=False)["id"].agg(lambda x: list(x[:EXAMPLES]))
        per_body = frame.groupby("body").agg(
            supervisions=("id", "size"),
            without_report=("no_report", "sum"),
            unpublished=("unpublished", "sum"),
        )
        codes = per_body.index.to_numpy(dtype=object)
        bad = per_body["without_report"].to_numpy() + per_body["unpublished"].to_numpy()
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": bad == 0,
                "year": year,
                "supervisions": per_body["supervisions"].to_numpy(dtype=int),
                "without_report": per_body["without_report"].to_numpy(dtype=int),
                "unpublished": per_body["unpublished"].to_numpy(dtype=int),
                "examples": [examples.get(c, []) for c in codes],
                "deadline_basis": REPORT_DEADLINE_BASIS,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh, en = [], []
        if row["without_report"]:
            zh.append(f"{row['without_report']} 次没有督导报告")
            en.append(f"{row['without_report']} without a report")
        if row["unpublished"]:
            zh.append(f"{row['unpublished']} 次的报告未向社会公开")
            en.append(f"{row['unpublished']} whose report was not made public")
        ids = "、".join(row["examples"])
        return (
            f"{row['year']} 年组织的 {row['supervisions']} 次督导中，{'，'.join(zh)}（如 {ids}）",
            f"Of the {row['supervisions']} supervisions organised in {row['year']}, "
            + " and ".join(en)
            + f" (e.g. {', '.join(row['examples'])})",
        )


RULES: tuple[Rule, ...] = (
    RegionCommitteeLeadership(),
    CityUpwardReporting(),
    VocationalEvaluationParticipation(),
    SupervisionReportPublished(),
)
