"""Inspector staffing: one inspector per N schools, 1:1 for large schools where set."""

from __future__ import annotations

from typing import Any, cast

from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.model.numbers import number
from dudao.model.tables import positions_in
from dudao.rules.base import Context, Rule, row_citations


def on_duty(ctx: Context) -> np.ndarray:
    """Which rows of the inspectors table serve on the as-of date (their term covers it):
    a rule that only counts serving inspectors (per zone, per county) reads this mask
    beside the table's own columns, with no copy of the rows."""
    ins = ctx.dataset.inspectors
    day = pd.Timestamp(ctx.as_of)
    term = (ins["term_start"] <= day) & (ins["term_end"].isna() | (ins["term_end"] >= day))
    return cast(np.ndarray, term.to_numpy())


def serving(
    ctx: Context, region: Region | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """Inspectors whose term covers the as-of date (all columns, or ``columns`` besides
    the id, name and appointing unit that every finding shows). Given ``region``, only
    those appointed inside it and the dataset's scope (:meth:`Context.within`): a rule
    whose findings lie where the inspector was appointed reads a region's inspectors,
    not the country's, when a region adopts it. The rows kept are copied once: name the
    columns the rule reads."""
    ins = ctx.dataset.inspectors
    read = ins if columns is None else ins[["inspector_id", "name", "appointing", *columns]]
    if region is None:
        return read.loc[on_duty(ctx)]
    kept = ctx.within(read, "appointing", region, on_duty(ctx))
    return kept.copy(deep=False) if kept is ins else kept  # a caller's new column stays its own


def required_inspectors(
    schools: np.ndarray, large: np.ndarray | int, ratio: np.ndarray | float
) -> np.ndarray:
    """Inspectors each unit needs: ⌈ordinary schools ÷ ratio⌉ plus one per large school
    (厅发〔2020〕26号 三（一）); a unit without a ratio (NaN) needs none for its ordinary
    schools.

    >>> required_inspectors(np.array([10, 11, 0, 7]), np.array([0, 1, 0, 0]),
    ...                     np.array([5, 5, 5, np.nan])).tolist()
    [2, 3, 0, 0]
    """
    n = np.asarray(ratio, dtype=float)
    unset = np.isnan(n)
    normal = schools - large
    required = np.where(unset, 0, np.ceil(normal / np.where(unset, 1, n)))
    return required.astype(int) + large


class InspectorStaffing(Rule):
    """Each county-level unit has at least ceil(schools / N) inspectors, plus one per
    large school where a region defines "large" (厅发〔2020〕26号 三（一）)."""

    id = "inspector-staffing"
    title = "督学按与学校数的比例配备"
    title_en = "Inspectors staffed in proportion to schools"
    cite = ("《中小学校责任督学挂牌督导办法》",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    parameters = ("inspector.schools_per_inspector", "inspector.large_school_students")
    # without either table the count would read zero schools or zero inspectors
    needs = ("schools", "inspectors")
    message_columns = ("large_schools", "schools", "required", "actual", "shortfall")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        units = [u.code for u in ctx.units(self.levels, region)]
        counties = pd.Index(units, dtype=object)
        schools = ctx.dataset.schools
        ratio = ctx.param_column("inspector.schools_per_inspector", counties)
        large = ctx.param_column("inspector.large_school_students", counties)
        threshold = large.numbers()
        # Integer positions of each school's and inspector's county among `counties` (-1:
        # elsewhere), counted with bincount: half a million schools, no string grouping.
        county = positions_in(schools["county"], counties)
        mine = county >= 0
        # each school meets its own county's threshold (NaN: 1:1 not applied there)
        school_threshold = np.append(threshold, np.nan)[county]
        is_large = schools["students"].to_numpy() >= school_threshold  # NaN compares False
        n_schools = np.bincount(county[mine], minlength=len(counties))
        n_large = np.bincount(county[mine & is_large], minlength=len(counties))
        ins = ctx.dataset.inspectors
        appointing = np.where(on_duty(ctx), positions_in(ins["appointing"], counties), -1)
        actual = np.bincount(appointing[appointing >= 0], minlength=len(counties))
        n = ratio.numbers()
        required = required_inspectors(n_schools, n_large, n)
        # the large-school clause only where 1:1 applies; an uncited (sample) one adds nothing
        cites = row_citations((), ratio, np.where(large.is_set, large.cites, ""))
        return pd.DataFrame(
            {
                "target": counties,
                "jurisdiction": counties,
                "ok": actual >= required,
                "citation": cites,
                "schools": n_schools,
                "large_schools": n_large,
                "schools_per_inspector": n,
                "large_school_students": threshold,
                "required": required,
                "actual": actual,
                "shortfall": np.maximum(required - actual, 0),
                "sample_parameters": large.sample | ratio.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        n = {
            k: number(row[k])
            for k in ("large_schools", "schools", "required", "actual", "shortfall")
        }
        large = f"（其中 {n['large_schools']} 所大规模学校按 1:1）" if row["large_schools"] else ""
        return (
            f"督学配备不足：{n['schools']} 所学校{large}应配 {n['required']} 名，"
            f"在任 {n['actual']} 名，缺 {n['shortfall']} 名",
            f"Too few inspectors: {n['schools']} schools need {n['required']}, "
            f"{n['actual']} in post, {n['shortfall']} short",
        )
