"""Inspector staffing: one inspector per N schools, 1:1 for large schools where set."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.rules.base import Context, Rule


def serving(ctx: Context) -> pd.DataFrame:
    """Inspectors whose term covers the as-of date."""
    ins = ctx.dataset.inspectors
    day = pd.Timestamp(ctx.as_of)
    current = (ins["term_start"] <= day) & (ins["term_end"].isna() | (ins["term_end"] >= day))
    return ins.loc[current.to_numpy()]


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

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        units = [u.code for u in ctx.units(self.levels, region)]
        counties = pd.Index(units, dtype=object)
        schools = ctx.dataset.schools
        ratio = ctx.param_column("inspector.schools_per_inspector", counties)
        large = ctx.param_column("inspector.large_school_students", counties)
        threshold = pd.Series(large.numbers(), index=counties)
        # each school meets its own county's threshold (NaN: 1:1 not applied there)
        school_threshold = schools["county"].astype(object).map(threshold).to_numpy(float)
        is_large = schools["students"].to_numpy() >= school_threshold  # NaN compares False
        per_county = (
            pd.DataFrame(
                {
                    "county": schools["county"].astype(object).to_numpy(),
                    "large": is_large,
                }
            )
            .groupby("county")
            .agg(schools=("large", "size"), large_schools=("large", "sum"))
        )
        per_county = per_county.reindex(counties, fill_value=0)
        actual = (
            serving(ctx)["appointing"].astype(object).value_counts().reindex(counties, fill_value=0)
        )
        n = ratio.numbers()
        normal = per_county["schools"].to_numpy() - per_county["large_schools"].to_numpy()
        required = np.where(np.isnan(n), 0, np.ceil(normal / np.where(np.isnan(n), 1, n)))
        required = required.astype(int) + per_county["large_schools"].to_numpy()
        cites = np.where(large.is_set, ratio.cites + "；" + large.cites, ratio.cites)
        return pd.DataFrame(
            {
                "target": counties,
                "jurisdiction": counties,
                "ok": actual.to_numpy() >= required,
                "citation": cites,
                "schools": per_county["schools"].to_numpy(),
                "large_schools": per_county["large_schools"].to_numpy(),
                "schools_per_inspector": n,
                "large_school_students": threshold.to_numpy(),
                "required": required,
                "actual": actual.to_numpy(),
                "shortfall": np.maximum(required - actual.to_numpy(), 0),
                "sample_parameters": large.sample | ratio.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        large = (
            f"（其中 {row['large_schools']} 所大规模学校按 1:1）" if row["large_schools"] else ""
        )
        return (
            f"督学配备不足：{row['schools']} 所学校{large}应配 {row['required']} 名，"
            f"在任 {row['actual']} 名，缺 {row['shortfall']} 名",
            f"Too few inspectors: {row['schools']} schools need {row['required']}, "
            f"{row['actual']} in post, {row['shortfall']} short",
        )
