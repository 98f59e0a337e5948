"""Responsibility zones: every school and kindergarten in a zone with an inspector."""

from __future__ import annotations

from typing import Any

from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.model.schools import Stage
from dudao.model.tables import positions_in
from dudao.rules.base import Context, Rule
from dudao.rules.national.staffing import on_duty

ZONED_STAGES = [s.value for s in Stage if s.needs_zone]


#: What zone-coverage finds wrong with a school ("": nothing).
PROBLEMS = ["", "no-zone", "other-county", "no-inspector"]


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
    # a zone's inspectors come from the inspectors table: without it, none would serve
    needs = ("schools", "zones", "inspectors")
    message_columns = ("problem", "zone", "zone_county")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        everywhere = ctx.dataset.schools
        zoned = everywhere["stage"].isin(ZONED_STAGES).to_numpy()
        read = everywhere[["school_id", "name", "county", "zone"]]
        schools = ctx.within(read, "county", region, zoned)
        zones = ctx.dataset.zones
        # Integer codes, not strings: half a million schools, tens of thousands of zones.
        zone_cat = schools["zone"].array  # categorical
        # row in the zones table, -1: no zone or an unknown one
        zone_row = positions_in(schools["zone"], zones["zone_id"])
        in_zone = zone_row >= 0
        at = np.maximum(zone_row, 0)
        ins = ctx.dataset.inspectors
        staffed_row = np.where(on_duty(ctx), positions_in(ins["zone"], zones["zone_id"]), -1)
        per_zone = np.bincount(staffed_row + 1, minlength=len(zones) + 1)[1:]
        # text columns as categories: half a million rows hold a few thousand values
        county_code, counties = pd.factorize(zones["county"].astype(object))
        if len(zones):
            zone_county = np.where(in_zone, county_code[at], -1)
            same = ctx.hierarchy.positions(zones["county"])[at] == ctx.hierarchy.positions(
                schools["county"]
            )
            inspectors = per_zone[at]
        else:
            zone_county = np.full(len(schools), -1)
            same = np.zeros(len(schools), dtype=bool)
            inspectors = np.zeros(len(schools), dtype=int)
        same_county = in_zone & same
        inspectors = np.where(in_zone, inspectors, 0)
        problem = np.select([~in_zone, ~same_county, inspectors == 0], [1, 2, 3], default=0)
        return pd.DataFrame(
            {
                "target": schools["school_id"].array,
                "target_name": schools["name"].array,
                "jurisdiction": schools["county"].array,
                "ok": problem == 0,
                "zone": zone_cat,
                "zone_county": pd.Categorical.from_codes(zone_county, categories=counties),
                "zone_inspectors": inspectors,
                "problem": pd.Categorical.from_codes(problem, categories=PROBLEMS),
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
