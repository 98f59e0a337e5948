"""Guangxi's rule that no template states: 厅发〔2020〕26号 二（二） "下级教育督导机构的年度
工作计划、重大事项和督导结果须向上一级教育督导机构报告".

``city-upward-reporting``: the national ``upward-reporting`` checks counties' plans only;
in Guangxi the 设区市 report to the autonomous region too, and results as well as plans.
Guangxi's other three rules are written from templates in ``data/rules/*.yaml``
(``region-committee-leadership``: composition; ``vocational-evaluation-participation``:
count-per-period; ``supervision-report-published``: row-condition; docs/templates.md).

Which cities are judged
    The filings table records what a body *receives*: a city's report to the autonomous
    region is on the region's books. So a city is judged only in a dataset that covers
    the region (scope 450000 or wider); a city's own dataset (Nanning's) does not hold
    what the region received, and judging it there would call every city negligent.

Judged year
    As for the national annual rules (:func:`dudao.rules.national.governance.judged_year`):
    the last calendar year that ended before the as-of date, with the parameters in force
    on its 31 December. The plan of that year counts whenever it was filed (no Guangxi text
    sets a date); results are due for that year only if the city organised a supervision
    in it (comprehensive, special or random; 经常性督导 visits are the zone inspectors'
    and are recorded in ``visits``). Records dated after the as-of date are ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.model.tables import positions_in
from dudao.rules.base import Context, Rule, empty_checks, row_citations
from dudao.rules.national.governance import earliest, judged_year, year_end
from dudao.rules.national.supervision import counts_by_code, dated_between, is_one_of

OPINIONS_ISSUED = dt.date(2020, 5, 14)  # 厅发〔2020〕26号 印发日期


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
        # each filing's city among those judged (-1: another unit), by integer codes
        city = positions_in(f["jurisdiction"], pd.Index(codes))
        counted = (
            (city >= 0)
            & (f["year"] == year).to_numpy(dtype=bool, na_value=False)
            & dated_between(f["filed_on"], None, ctx.as_of)
        )
        plan_on, result_on = (
            earliest(
                f["filed_on"].to_numpy(), city, counted & is_one_of(f["kind"], kind), len(codes)
            )
            for kind in ("plan", "result")
        )

        sup = ctx.dataset.supervisions
        if sup is None:  # results are owed only for supervision organised: unknown here
            organised = np.full(len(codes), np.nan)
        else:
            # counted by integer code: no supervision's body becomes text
            in_year = dated_between(sup["date"], dt.date(year, 1, 1), min(on, ctx.as_of))
            organised = counts_by_code(
                sup["body"], in_year & ~is_one_of(sup["kind"], "routine"), codes
            ).astype(float)

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


def _days(values: np.ndarray) -> list[dt.date | None]:
    """Timestamps as dates, None where missing (evidence prints ISO dates or null)."""
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]


RULES: tuple[Rule, ...] = (CityUpwardReporting(),)
