"""Inspectors (督学) as people: part-time terms, training, assessment, and how many of each
kind serve in a responsibility zone.

The national texts:

* 《教育督导条例》（国务院令第624号，2012-10-01 施行） 第六条: "兼职督学的任期为3年，可以
  连续任职，连续任职不得超过3个任期"; 第十三条: county bodies set up responsibility zones.
* 《督学管理暂行办法》（教督〔2016〕2号，2016-07-29）: "兼职督学每届任期3年，续聘一般不得超过
  3届"; "新聘督学上岗前应接受培训"; 第二十一条 "督学每年参加集中培训累计不少于40学时"; a
  考核 chapter. Only 第二十一条's number was confirmed from a public repost of the full text;
  the other provisions are cited by document number alone.
* 厅发〔2020〕26号 三（一） (Guangxi): "新聘督学必须接受岗前培训"; "对考核不合格的，按规定
  取消任命或解聘".
* 《岳阳市2023年教育督导工作要点》 14 (Yueyang): "每个责任区聘用 2 名专职督学，并根据工作
  需要，聘用 2-3 名兼职督学".

Conventions shared by the rules below:

* the inspectors checked are those serving on the as-of date
  (:func:`~dudao.rules.national.staffing.serving`);
* an inspector's row is reported under, and its parameters resolved at, the code of the
  appointing government (``appointing``): that body hired the inspector and is the one
  that must train, renew or dismiss them. A zone's row is reported under the zone's county;
* the texts predate some inspectors' appointment. 教督〔2016〕2号 is the first text found
  that requires pre-service training, so inspectors who took up the post before it was
  issued (2016-07-29) are not checked for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import Severity, TargetKind
from dudao.model.numbers import number
from dudao.model.tables import positions_in
from dudao.rules.base import (
    Context,
    ParamColumn,
    Rule,
    as_dates,
    citation_column,
    empty_checks,
    row_citations,
)
from dudao.rules.base import day_text as _day  # a date in a message: 2023-01-31
from dudao.rules.national.staffing import on_duty, serving

ORDINANCE_IN_FORCE = dt.date(2012, 10, 1)  # 《教育督导条例》 施行日期
MEASURES_ISSUED = dt.date(2016, 7, 29)  # 教督〔2016〕2号 印发日期 (in force from issue: assumed)


# ------------------------------------------------------------------- helpers


def _dates(values: Any) -> np.ndarray:
    """Dates as ``datetime.date`` objects, None where missing, for evidence (the engine
    would print a NaT as the text 'NaT')."""
    return as_dates(values)


def _add_years(dates: pd.Series, years: np.ndarray) -> np.ndarray:
    """``dates`` plus ``years`` calendar years per row (NaN years or NaT dates: NaT).

    pandas moves 29 February to 28 February in a year without it, which is the rule of
    《民法典》 第二百零三条 (no corresponding day: the last day of the month)."""
    dates = pd.Series(pd.to_datetime(dates).to_numpy(), dtype="datetime64[s]")
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[s]")
    for n in pd.unique(years[~np.isnan(years)]):  # one or two distinct lengths
        rows = years == n
        out[rows] = (dates[rows] + pd.DateOffset(years=int(n))).astype("datetime64[s]")
    return cast(np.ndarray, out.to_numpy())


def _sample(*params: ParamColumn) -> np.ndarray:
    out = np.zeros(len(params[0].values), dtype=bool)
    for p in params:
        out |= p.sample
    return out


# ------------------------------------------------------------ 1 part-time terms


class PartTimeTerms(Rule):
    """A serving part-time inspector's term lasts at most N years and they are in at most
    their M-th consecutive term (``consecutive_terms``: 1 for a first term).

    How "a term of 3 years" is measured: the term may end on or before ``term_start``
    plus N calendar years. That follows the general rule for periods (《民法典》
    第二百零一条: the first day is not counted; 第二百零三条: the period ends on the
    corresponding day), so 2021-09-01 → 2024-09-01 passes, and so does the usual
    2021-09-01 → 2024-08-31; 2021-09-01 → 2024-09-02 fails. The supervision texts
    themselves do not say how to count, so the more lenient reading is taken and a one-day
    difference of convention is never a finding. A term with no ``term_end`` is not checked
    for length. The number of terms follows 《教育督导条例》 第六条 ("连续任职不得超过3个
    任期"), which is firmer than 教督〔2016〕2号's "续聘一般不得超过3届".

    Each limit is checked only where its parameter is set; an inspector whose appointing
    government has neither is not checked.
    """

    id = "part-time-terms"
    title = "兼职督学任期和连续任职届数不超过规定"
    title_en = "Part-time inspectors' terms and consecutive terms within the limits"
    cite = ("《教育督导条例》 第六条",)
    target_kind = TargetKind.INSPECTOR
    since = ORDINANCE_IN_FORCE
    parameters = ("inspector.part_time_term_years", "inspector.part_time_max_terms")
    needs = ("inspectors",)
    message_columns = (
        "term_too_long",
        "term_start",
        "term_end",
        "term_years",
        "latest_term_end",
        "too_many_terms",
        "consecutive_terms",
        "max_terms",
    )

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ins = serving(ctx, region, ["kind", "term_start", "term_end", "consecutive_terms"])
        ins = ins.loc[(ins["kind"] == "part_time").to_numpy()]
        years = ctx.param_column("inspector.part_time_term_years", ins["appointing"])
        terms = ctx.param_column("inspector.part_time_max_terms", ins["appointing"])
        keep = years.is_set | terms.is_set
        ins, years, terms = ins.loc[keep], years.subset(keep), terms.subset(keep)
        n_years, max_terms = years.numbers(), terms.numbers()
        start, end = ins["term_start"], ins["term_end"]
        latest_end = _add_years(start, n_years)
        end_values = end.to_numpy(dtype="datetime64[s]")
        # NaT on either side compares False: no end date or no limit is not a finding
        too_long = end_values > latest_end
        consecutive = ins["consecutive_terms"].to_numpy(dtype=float)
        too_many = consecutive > max_terms  # NaN limit compares False
        return pd.DataFrame(
            {
                "target": ins["inspector_id"].array,
                "target_name": ins["name"].array,
                "jurisdiction": ins["appointing"].array,
                "ok": ~(too_long | too_many),
                "citation": row_citations(self.cite, years, terms),
                "term_start": _dates(start),
                "term_end": _dates(end_values),
                "term_years": n_years,
                "latest_term_end": _dates(latest_end),
                "term_too_long": too_long,
                "consecutive_terms": ins["consecutive_terms"].to_numpy(),
                "max_terms": max_terms,
                "too_many_terms": too_many,
                "sample_parameters": _sample(years, terms),
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh, en = [], []
        if row["term_too_long"]:
            zh.append(
                f"任期 {_day(row['term_start'])} 至 {_day(row['term_end'])} 超过 "
                f"{number(row['term_years'])} 年（最迟应于 {_day(row['latest_term_end'])} 结束）"
            )
            en.append(
                f"term {_day(row['term_start'])} to {_day(row['term_end'])} is longer than "
                f"{number(row['term_years'])} years (should end by "
                f"{_day(row['latest_term_end'])})"
            )
        if row["too_many_terms"]:
            terms, most = number(row["consecutive_terms"]), number(row["max_terms"])
            zh.append(f"已连续任职 {terms} 届，超过 {most} 届")
            en.append(
                f"in consecutive term {number(row['consecutive_terms'])}, more than "
                f"{number(row['max_terms'])}"
            )
        return "兼职督学" + "；".join(zh), "Part-time inspector: " + "; ".join(en)


# --------------------------------------------------------- 2 annual training hours


class TrainingHours(Rule):
    """A serving inspector attends at least N hours of centralised training a year
    (教督〔2016〕2号 第二十一条: 40 学时).

    ``training_hours`` is the latest year's total as the data owner records it; the table
    does not say which year, and an inspector appointed less than a year ago is checked
    like any other. A missing figure is a warning ("no record"), not an error: the data
    cannot tell an untrained inspector from an unrecorded one.
    """

    id = "inspector-training-hours"
    title = "督学每年参加集中培训不少于规定学时"
    title_en = "Inspectors attend the required hours of centralised training each year"
    cite = ("教督〔2016〕2号 第二十一条",)
    target_kind = TargetKind.INSPECTOR
    since = MEASURES_ISSUED
    parameters = ("inspector.annual_training_hours",)
    needs = ("inspectors",)
    message_columns = ("problem", "required_hours", "training_hours", "shortfall")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ins = serving(ctx, region, ["training_hours"])
        required = ctx.param_column("inspector.annual_training_hours", ins["appointing"])
        keep = required.is_set
        ins, required = ins.loc[keep], required.subset(keep)
        need = required.numbers()
        hours = ins["training_hours"].to_numpy(dtype=float)
        missing = np.isnan(hours)
        below = hours < need  # NaN compares False
        return pd.DataFrame(
            {
                "target": ins["inspector_id"].array,
                "target_name": ins["name"].array,
                "jurisdiction": ins["appointing"].array,
                "ok": ~(missing | below),
                "severity": np.where(missing, Severity.WARNING.value, self.severity.value),
                "citation": citation_column(self.cite, required),
                "training_hours": hours,
                "required_hours": need,
                "shortfall": np.where(missing, np.nan, np.maximum(need - hours, 0)),
                "problem": np.select([missing, below], ["no-record", "below"], default=""),
                "sample_parameters": required.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        if row["problem"] == "no-record":
            return (
                f"没有年度集中培训学时记录（应不少于 {number(row['required_hours'])} 学时）",
                f"No record of annual centralised training hours "
                f"({number(row['required_hours'])} required)",
            )
        return (
            f"年度集中培训 {number(row['training_hours'])} 学时，少于 "
            f"{number(row['required_hours'])} 学时，差 {number(row['shortfall'])} 学时",
            f"{number(row['training_hours'])} hours of centralised training this year, fewer "
            f"than {number(row['required_hours'])}: {number(row['shortfall'])} short",
        )


# ------------------------------------------------------- 3 pre-service training


class PreServiceTraining(Rule):
    """A serving zone inspector (``zone`` set) in a first term (``consecutive_terms`` = 1)
    completed pre-service training (岗前培训, ``trained_on``) on or before ``term_start``.

    Inspectors who took up the post before 教督〔2016〕2号 was issued (2016-07-29) are not
    checked: the requirement did not exist yet. Guangxi restates it (厅发〔2020〕26号 三（一）
    "新聘督学必须接受岗前培训") and adopts the rule with its own clause. The article of
    教督〔2016〕2号 that requires the training is not confirmed, so it is cited without one.
    """

    id = "pre-service-training"
    title = "新聘责任督学上岗前接受岗前培训"
    title_en = "New zone inspectors complete pre-service training before taking up the post"
    cite = ("教督〔2016〕2号",)
    target_kind = TargetKind.INSPECTOR
    since = MEASURES_ISSUED
    needs = ("inspectors",)
    message_columns = ("problem", "term_start", "trained_on", "days_late")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ins = serving(ctx, region, ["zone", "consecutive_terms", "term_start", "trained_on"])
        new = (
            (ins["consecutive_terms"] == 1)
            & ins["zone"].notna()
            & (ins["term_start"] >= pd.Timestamp(MEASURES_ISSUED))
        )
        ins = ins.loc[new.to_numpy()]
        start = ins["term_start"].to_numpy(dtype="datetime64[s]")
        trained = ins["trained_on"].to_numpy(dtype="datetime64[s]")
        missing = np.isnat(trained)
        late = trained > start  # NaT compares False
        days_late = np.where(late, (trained - start).astype("timedelta64[D]").astype(float), 0)
        return pd.DataFrame(
            {
                "target": ins["inspector_id"].array,
                "target_name": ins["name"].array,
                "jurisdiction": ins["appointing"].array,
                "ok": ~(missing | late),
                "zone": ins["zone"].array,
                "term_start": _dates(start),
                "trained_on": _dates(trained),
                "days_late": days_late.astype(int),
                "problem": np.select([missing, late], ["no-record", "late"], default=""),
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        if row["problem"] == "no-record":
            return (
                f"首个任期的责任督学（任期自 {_day(row['term_start'])} 起）没有岗前培训记录",
                f"Zone inspector in a first term (from {_day(row['term_start'])}) has no "
                f"record of pre-service training",
            )
        return (
            f"岗前培训于 {_day(row['trained_on'])} 完成，晚于任期开始 "
            f"{_day(row['term_start'])} {number(row['days_late'])} 天",
            f"Pre-service training completed on {_day(row['trained_on'])}, "
            f"{number(row['days_late'])} day(s) after the term began on {_day(row['term_start'])}",
        )


# ------------------------------------------------ 4 unqualified inspectors removed


class UnqualifiedRemoved(Rule):
    """An inspector assessed 不合格 for year Y is no longer serving once year Y is over:
    still in post on an as-of date after Y-12-31 fails.

    Checked: serving inspectors with an assessment and its year on record (the table holds
    the latest one). 教督〔2016〕2号 has a 考核 chapter, but neither its article nor its
    wording on unqualified inspectors could be confirmed from a public text, so it is cited
    without a clause; Guangxi's 厅发〔2020〕26号 三（一） says it plainly ("对考核不合格的，
    按规定取消任命或解聘") and adopts the rule. No text gives a deadline; the end of the
    assessed year is the earliest date by which removal can be expected.
    """

    id = "unqualified-removed"
    title = "考核不合格的督学按规定取消任命或解聘"
    title_en = "Inspectors assessed unqualified are removed"
    cite = ("教督〔2016〕2号",)
    target_kind = TargetKind.INSPECTOR
    since = MEASURES_ISSUED
    needs = ("inspectors",)
    message_columns = ("assessment_year",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ins = serving(ctx, region, ["assessment", "assessment_year", "term_start", "term_end"])
        ins = ins.loc[(ins["assessment"].notna() & ins["assessment_year"].notna()).to_numpy()]
        year = ins["assessment_year"].to_numpy(dtype=float)
        unqualified = (ins["assessment"] == "unqualified").to_numpy()
        overdue = unqualified & (year < ctx.as_of.year)  # as-of after Y-12-31
        return pd.DataFrame(
            {
                "target": ins["inspector_id"].array,
                "target_name": ins["name"].array,
                "jurisdiction": ins["appointing"].array,
                "ok": ~overdue,
                "assessment_year": year.astype(int),
                "assessment": ins["assessment"].array,
                "term_start": _dates(ins["term_start"]),
                "term_end": _dates(ins["term_end"]),
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        return (
            f"{row['assessment_year']} 年度考核不合格，仍在任（应按规定取消任命或解聘）",
            f"Assessed unqualified for {row['assessment_year']} but still serving "
            f"(the appointment should be cancelled or the contract ended)",
        )


# ---------------------------------------------------------- 5 zone composition


def _expected(lo: float, hi: float) -> tuple[str, str]:
    """How many are required, in words: "2", "2–3", "≥ 2", "≤ 3"."""
    if not np.isnan(lo) and not np.isnan(hi):
        span = number(lo) if lo == hi else f"{number(lo)}–{number(hi)}"
        return f"应为 {span} 名", f"{span} required"
    if not np.isnan(lo):
        return f"应不少于 {number(lo)} 名", f"at least {number(lo)} required"
    return f"应不多于 {number(hi)} 名", f"at most {number(hi)} allowed"


class ZoneComposition(Rule):
    """Each responsibility zone has between the set minimum and maximum of serving
    full-time and of serving part-time inspectors (``inspectors.zone``).

    No national text fixes the numbers, so this is a template: in force only where a
    region adopts it with its own clause (Yueyang: 2 full-time and 2–3 part-time per zone,
    《岳阳市2023年教育督导工作要点》 14). Each bound is checked only where set; a zone whose
    county sets none is not checked. Inspectors are counted in the zone the inspectors
    table names, whoever appointed them.
    """

    id = "zone-composition"
    title = "督学责任区配备规定数量的专职、兼职督学"
    title_en = "Each responsibility zone has the set numbers of full-time and part-time inspectors"
    cite = ()
    template = True
    target_kind = TargetKind.ZONE
    since = ORDINANCE_IN_FORCE
    parameters = (
        "zone.full_time_inspectors_min",
        "zone.full_time_inspectors_max",
        "zone.part_time_inspectors_min",
        "zone.part_time_inspectors_max",
    )
    needs = ("zones", "inspectors")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        # the region's zones (a zone lies where its county does), the country's when it
        # is the country's rule: a city's rule reads its few hundred
        zones = ctx.within(ctx.dataset.zones, "county", region)
        if not len(zones):
            return empty_checks()
        bounds = [ctx.param_column(p, zones["county"]) for p in self.parameters]
        keep = np.logical_or.reduce([b.is_set for b in bounds])
        zones = zones.loc[keep]
        bounds = [b.subset(keep) for b in bounds]
        ft_min, ft_max, pt_min, pt_max = (b.numbers() for b in bounds)

        ins = ctx.dataset.inspectors
        # each serving inspector's row in `zones` (-1: a zone not checked here, or not
        # serving), counted by kind: integer codes, no inspector's row copied or made text
        at = np.where(on_duty(ctx), positions_in(ins["zone"], zones["zone_id"]), -1)
        kind = ins["kind"]
        full_time, part_time = (
            np.bincount(
                at[(at >= 0) & (kind == k).to_numpy(dtype=bool, na_value=False)],
                minlength=len(zones),
            )
            for k in ("full_time", "part_time")
        )
        ids = zones["zone_id"].astype(object).to_numpy()
        # comparisons with an unset (NaN) bound are False: that bound is not applied
        full_ok = ~((full_time < ft_min) | (full_time > ft_max))
        part_ok = ~((part_time < pt_min) | (part_time > pt_max))
        return pd.DataFrame(
            {
                "target": ids,
                "jurisdiction": zones["county"].astype(object).to_numpy(),
                "ok": full_ok & part_ok,
                "citation": row_citations(self.cite, *bounds),
                "full_time": full_time,
                "full_time_min": ft_min,
                "full_time_max": ft_max,
                "part_time": part_time,
                "part_time_min": pt_min,
                "part_time_max": pt_max,
                "full_time_ok": full_ok,
                "part_time_ok": part_ok,
                "sample_parameters": _sample(*bounds),
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        zh, en = [], []
        for kind, zh_kind, en_kind in (
            ("full_time", "专职", "full-time"),
            ("part_time", "兼职", "part-time"),
        ):
            if not row[f"{kind}_ok"]:
                want_zh, want_en = _expected(row[f"{kind}_min"], row[f"{kind}_max"])
                zh.append(f"{zh_kind}督学 {number(row[kind])} 名，{want_zh}")
                en.append(f"{number(row[kind])} {en_kind} inspector(s), {want_en}")
        return "责任区" + "；".join(zh), "Zone has " + "; ".join(en)
