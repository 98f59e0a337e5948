"""Weinan's own rules: what 渭政教督办〔2023〕1号 asks that no national rule checks.

* ``qianyuan-annual-task`` — 二 "全面做好市级'千园达标'收官工作，完成2023年度既定达标任务":
  each county-level unit has as many kindergartens accepted as 达标园 in the year as its
  annual task (``creation.qianyuan_annual_target``);
* ``dabiao-school-annual-task`` — 二 "完成义务教育优质均衡达标校创建任务": the same for
  compulsory schools recognised as 优质均衡达标校 (``creation.dabiao_annual_target``);
* ``monitoring-rectification`` — 五 "指导各县市区针对2022年度质量监测反馈问题，做好问题整改
  工作": a county that received quality-monitoring feedback has a rectification record
  dated on or after it.

All three read the ``programmes`` table (``unit``, ``programme``, ``stage``, ``passed``,
``date``). The work points set no day, so a year's task is due on 31 December of that
year: before then a shortfall is a warning (progress), from then on an error. The
annual numbers are "既定" — fixed in the city's own breakdown, which the seed does not
print — so the plugin states the parameters as unset (``null``, cited) and a dataset
or a later plugin version supplies each county's number; where none is set, the unit
is not checked. Vectorised: one groupby per rule, no loop per school.

>>> year_end(dt.date(2023, 6, 1))
datetime.date(2023, 12, 31)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.findings import Severity, TargetKind
from dudao.model.jurisdiction import Level
from dudao.model.numbers import number
from dudao.model.schools import Stage
from dudao.rules.base import Context, Rule, empty_checks, row_citations

SEED = "渭政教督办〔2023〕1号"
#: The work points were issued on 2023-02-15 and speak for the year 2023.
ISSUED = dt.date(2023, 2, 15)
YEAR_END = dt.date(2023, 12, 31)


def year_end(day: dt.date) -> dt.date:
    """The day a task of ``day``'s work-point year is due."""
    return dt.date(day.year, 12, 31)


def _programme_rows(ctx: Context, programme: str) -> pd.DataFrame:
    """Rows of one programme dated on or before the as-of date, with plain columns."""
    p = ctx.dataset.table("programmes")
    rows = p.loc[(p["programme"].astype(object) == programme).to_numpy()]
    dates = pd.to_datetime(rows["date"])
    rows = rows.loc[(dates <= pd.Timestamp(ctx.as_of)).to_numpy()]
    # passed: true counts; false or left empty (pending) does not
    passed = (
        rows["passed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "passed" in rows
        else np.zeros(len(rows), dtype=bool)
    )
    return pd.DataFrame(
        {
            "unit": rows["unit"].astype(object).to_numpy(),
            "stage": rows["stage"].astype(object).to_numpy(),
            "passed": passed,
            "date": pd.to_datetime(rows["date"]).to_numpy(),
        }
    )


class AnnualCreationTask(Rule):
    """Each county-level unit reaches its annual number of schools accepted in a
    creation programme (创建任务): schools of ``stages`` in the unit whose ``programme``
    record has ``passed`` true and a date in the as-of year, up to the as-of date.

    A school counts once however many records it has. Records for schools missing from
    the schools table cannot be placed in a county and are not counted (the evidence
    says how many were left out). The unit's target is the parameter in force on the
    as-of date; unset (the seed gives no number) → the unit is not checked.
    """

    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    since = ISSUED
    until = YEAR_END
    needs = ("programmes", "schools")
    programme: ClassVar[str]
    stages: ClassVar[tuple[str, ...]]
    what: ClassVar[str]
    what_en: ClassVar[str]

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "required", "achieved", "shortfall", "due", "unplaced_records")
        codes = np.array([u.code for u in ctx.units(self.levels, region)], dtype=object)
        if not len(codes):
            return empty_checks(*evidence)
        target = ctx.param_column(self.parameters[0], codes)
        keep = target.is_set
        codes, target = codes[keep], target.subset(keep)
        if not len(codes):
            return empty_checks(*evidence)
        required = target.numbers()

        schools = ctx.dataset.schools
        ids = schools["school_id"].astype(object).to_numpy()
        # a school of another stage (a primary school in 千园达标) is known but not counted
        counted = schools["stage"].astype(object).isin(self.stages).to_numpy()
        county_of = pd.Series(
            np.where(counted, schools["county"].astype(object).to_numpy(), ""), index=ids
        )
        rows = _programme_rows(ctx, self.programme)
        year = ctx.as_of.year
        in_year = pd.DatetimeIndex(rows["date"]).year == year
        rows = rows.loc[rows["passed"].to_numpy() & np.asarray(in_year)]
        county = county_of.reindex(rows["unit"].to_numpy()).to_numpy(dtype=object)
        known = pd.notna(county)
        unplaced = pd.Series(rows["unit"].to_numpy()[~known]).nunique()
        placed = known & (county != "")
        achieved = (
            pd.DataFrame({"county": county[placed], "unit": rows["unit"].to_numpy()[placed]})
            .drop_duplicates()
            .groupby("county")["unit"]
            .size()
            .reindex(codes, fill_value=0)
            .to_numpy(dtype=int)
        )
        due = year_end(ctx.as_of)
        ok = achieved >= required
        severity = np.where(
            ok | (ctx.as_of >= due), Severity.ERROR.value, Severity.WARNING.value
        ).astype(object)
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": ok,
                "severity": severity,
                "citation": row_citations(self.cite, target),
                "year": year,
                "required": required.astype(int),
                "achieved": achieved,
                "shortfall": np.maximum(required - achieved, 0).astype(int),
                "due": due,
                "unplaced_records": int(unplaced),
                "sample_parameters": target.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        late = "已到期" if row["severity"] == Severity.ERROR.value else "尚未到期"
        return (
            f"{row['year']}年{self.what}{number(row['achieved'])}所，年度任务{number(row['required'])}所，"
            f"差{number(row['shortfall'])}所（{late}，期限{row['due']}）",
            f"{number(row['achieved'])} {self.what_en} in {row['year']}, annual task "
            f"{number(row['required'])} (short by {number(row['shortfall'])}; due {row['due']})",
        )


class QianyuanAnnualTask(AnnualCreationTask):
    id = "qianyuan-annual-task"
    title = "完成“千园达标”年度达标任务"
    title_en = "Each county meets its annual kindergarten standardisation (千园达标) task"
    cite = (f"{SEED} 二",)
    parameters = ("creation.qianyuan_annual_target",)
    programme = "qianyuan"
    stages = (Stage.KINDERGARTEN.value,)
    what = "通过“千园达标”验收的幼儿园"
    what_en = "kindergartens accepted under 千园达标"


class DabiaoSchoolAnnualTask(AnnualCreationTask):
    id = "dabiao-school-annual-task"
    title = "完成义务教育优质均衡达标校年度创建任务"
    title_en = "Each county meets its annual task of quality-balanced standard schools"
    cite = (f"{SEED} 二",)
    parameters = ("creation.dabiao_annual_target",)
    programme = "quality_balanced_school"
    stages = tuple(s.value for s in Stage if s.is_compulsory)
    what = "认定为义务教育优质均衡达标校的学校"
    what_en = "schools recognised as quality-balanced standard schools"


class MonitoringRectification(Rule):
    """A county-level unit that received quality-monitoring feedback (a
    ``quality_monitoring`` record at stage ``feedback``) since the start of the previous
    year has a ``rectification`` record dated on or after its latest such feedback.

    The previous year's window catches "2022年度质量监测反馈问题" whether the report came
    in 2022 or early 2023. Rectification is a task of the work-point year: missing before
    31 December is a warning, from then on an error.
    """

    id = "monitoring-rectification"
    title = "针对义务教育质量监测反馈问题完成整改"
    title_en = "Counties rectify the problems quality monitoring reported"
    cite = (f"{SEED} 五",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    since = ISSUED
    until = YEAR_END
    needs = ("programmes",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("feedback_on", "rectified_on", "due")
        codes = np.array([u.code for u in ctx.units(self.levels, region)], dtype=object)
        rows = _programme_rows(ctx, "quality_monitoring")
        start = pd.Timestamp(dt.date(ctx.as_of.year - 1, 1, 1))
        feedback = (
            rows.loc[((rows["stage"] == "feedback") & (rows["date"] >= start)).to_numpy()]
            .groupby("unit")["date"]
            .max()
        )
        feedback = feedback.loc[feedback.index.isin(codes)]
        if not len(feedback):
            return empty_checks(*evidence)
        fixes = rows.loc[(rows["stage"] == "rectification").to_numpy()]
        fixes = fixes.merge(feedback.rename("feedback_on"), left_on="unit", right_index=True)
        rectified = (
            fixes.loc[(fixes["date"] >= fixes["feedback_on"]).to_numpy()]
            .groupby("unit")["date"]
            .min()
            .reindex(feedback.index)
        )
        due = year_end(ctx.as_of)
        ok = rectified.notna().to_numpy()
        severity = np.where(ok | (ctx.as_of >= due), Severity.ERROR.value, Severity.WARNING.value)
        units = feedback.index.to_numpy(dtype=object)
        return pd.DataFrame(
            {
                "target": units,
                "jurisdiction": units,
                "ok": ok,
                "severity": severity.astype(object),
                "feedback_on": [d.date() for d in feedback],
                "rectified_on": [None if pd.isna(d) else d.date() for d in rectified],
                "due": due,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        late = "已到期" if row["severity"] == Severity.ERROR.value else "尚未到期"
        return (
            f"{row['feedback_on']}收到质量监测反馈问题，尚无整改记录（{late}，期限{row['due']}）",
            f"Monitoring feedback of {row['feedback_on']} not yet rectified (due {row['due']})",
        )


RULES: tuple[Rule, ...] = (
    QianyuanAnnualTask(),
    DabiaoSchoolAnnualTask(),
    MonitoringRectification(),
)
