"""Responsibility zones: every school and kindergarten in a zone with an inspector."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.findings import TargetKind
from dudao.model.schools import Stage
from dudao.rules.base import Context, Rule
from dudao.rules.national.staffing import serving

ZONED_STAGES = [s.value for s in Stage if s.needs_zone]


class ZoneCoverage(Rule):
    """Every primary and secondary school and kindergarten lies in exactly one
    responsibility zone of its own county, and that zone has a zone inspector.

    Exactly one holds by construction: a school's zone is one column of the
    schools table. What can fail is no zone, a zone of another county, or a zone
    without a serving inspector.
    """

    id = "zone-coverage"
    title = "中小学、幼儿园责任督学挂牌督导全覆盖"
    title_en = "Every school and kindergarten is covered by a zone inspector"
    cite = ("《教育督导条例》 第十三条", "《中小学校责任督学挂牌督导办法》")
    target_kind = TargetKind.SCHOOL
    needs = ("schools", "zones")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        schools = ctx.within(ctx.dataset.schools, "county", region)
        schools = schools.loc[schools["stage"].isin(ZONED_STAGES).to_numpy()]
        zones = ctx.dataset.zones
        zone_county = pd.Series(
            zones["county"].astype(object).to_numpy(),
            index=zones["zone_id"].astype(object).to_numpy(),
        )
        staffed = serving(ctx)["zone"].astype(object).value_counts()
        zone = schools["zone"].astype(object)
        in_zone = zone.notna().to_numpy()
        same_county = (
            zone.map(zone_county).to_numpy() == schools["county"].astype(object).to_numpy()
        )
        inspectors = zone.map(staffed).fillna(0).astype(int).to_numpy()
        problem = np.select(
            [~in_zone, ~same_county, inspectors == 0],
            ["no-zone", "other-county", "no-inspector"],
            default="",
        )
        return pd.DataFrame(
            {
                "target": schools["school_id"].astype(object).to_numpy(),
                "jurisdiction": schools["county"].astype(object).to_numpy(),
                "ok": problem == "",
                "zone": zone.to_numpy(),
                "zone_county": zone.map(zone_county).to_numpy(),
                "zone_inspectors": inspectors,
                "problem": problem,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        if row["problem"] == "no-zone":
            return "学校未划入任何督学责任区", "School is in no responsibility zone"
        if row["problem"] == "other-county":
            return (
                f"学校所在县与责任区 {row['zone']} 所属县（{row['zone_county']}）不一致",
                f"School's county differs from that of zone {row['zone']}",
            )
        return (
            f"责任区 {row['zone']} 没有在任的责任督学",
            f"Zone {row['zone']} has no serving zone inspector",
        )
