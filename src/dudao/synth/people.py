"""Schools, responsibility zones and inspectors, drawn column by column."""

from __future__ import annotations

import attrs

from dudao.lazyimports import np, pd
from dudao.model.people import AssessmentResult, InspectorKind
from dudao.model.schools import Ownership, Stage
from dudao.synth._common import (
    DAY,
    Draw,
    codes_column,
    codes_from,
    dates,
    enum_column,
    frame,
    numerals,
    person_names,
    rank_within,
    text,
    zfill,
)
from dudao.synth.geography import STAGES, Geography, Unit

# Per stage: median students, lognormal sigma, minimum, share private, name, run by the
# county (named after it) rather than a township. Synthetic, chosen to look plausible.
_PROFILE: dict[Stage, tuple[float, float, int, float, str, bool]] = {
    Stage.KINDERGARTEN: (140, 0.65, 10, 0.50, "幼儿园", False),
    Stage.PRIMARY: (380, 1.00, 5, 0.05, "小学", False),
    Stage.JUNIOR: (850, 0.65, 30, 0.12, "初级中学", False),
    Stage.NINE_YEAR: (650, 0.75, 30, 0.20, "九年一贯制学校", False),
    Stage.SENIOR: (1900, 0.55, 100, 0.28, "高级中学", True),
    Stage.COMPLETE_SECONDARY: (1800, 0.55, 100, 0.25, "中学", True),
    Stage.TWELVE_YEAR: (2200, 0.60, 200, 0.70, "十二年一贯制学校", True),
    Stage.SECONDARY_VOCATIONAL: (1300, 0.75, 50, 0.30, "职业技术学校", True),
    Stage.SPECIAL: (110, 0.55, 10, 0.02, "特殊教育学校", True),
}
_BRAND_TEXT = (
    "育才启明阳光博雅英才育英晨曦金色春蕾蓝天明德弘文星光新苗华英童心"  # private schools' names
)
_BRANDS = np.array([_BRAND_TEXT[i : i + 2] for i in range(0, len(_BRAND_TEXT), 2)], dtype=object)
SCHOOLS_PER_INSPECTOR = 5  # 《中小学校责任督学挂牌督导办法》 1:5, which staffing is drawn around


@attrs.frozen
class Schools:
    table: pd.DataFrame
    zones: pd.DataFrame
    county: np.ndarray  # row of geo.counties per school
    zone: np.ndarray  # row of ``zones`` per school, -1 for none
    zone_county: np.ndarray  # row of geo.counties per zone


@attrs.frozen
class Inspectors:
    table: pd.DataFrame
    zone: np.ndarray  # row of the zones table, -1 for none
    serving: np.ndarray  # term covers the as-of date


def schools(draw: Draw, geo: Geography) -> Schools:
    """The schools of each county (counts from ``geo``), each in a township of it, with
    students, ownership, a name and a zone."""
    rng = draw.rng
    n_counties = len(geo.counties)
    flat = np.repeat(np.arange(geo.schools.size), geo.schools.ravel())
    county, stage_i = flat // len(STAGES), flat % len(STAGES)
    n = len(flat)
    profile = [_PROFILE[s] for s in STAGES]
    median, sigma, low, private_share, word, county_run = (
        np.array(column, dtype=object if isinstance(column[0], str) else None)
        for column in zip(*profile, strict=True)
    )

    # each school in a township of its county
    per_county = np.bincount(geo.townships["county"], minlength=n_counties)
    first = np.cumsum(per_county) - per_county
    township = first[county] + np.floor(rng.random(n) * per_county[county]).astype(np.int64)

    students = median[stage_i].astype(float) * np.exp(sigma[stage_i] * rng.standard_normal(n))
    students = np.maximum(np.round(students), low[stage_i]).astype(np.int64)
    private = rng.random(n) < private_share[stage_i]

    # names: 东新镇中心小学, 东新镇第二幼儿园, 青秀区高级中学, 东新镇育才幼儿园 …
    by_county = county_run[stage_i].astype(bool)
    place_key = np.where(by_county, -1 - county, township)
    k = rank_within(place_key, stage_i, private) + 1
    place = np.where(
        by_county,
        geo.counties["name"].to_numpy(dtype=object)[county],
        geo.townships["name"].to_numpy(dtype=object)[township],
    )
    village = (stage_i <= STAGES.index(Stage.PRIMARY)) & ~by_county
    ordinal = np.where(
        k == 1, np.where(village, "中心", ""), "第" + numerals(k).astype(object)
    ).astype(object)
    label = np.where(private, _BRANDS[(k - 1) % len(_BRANDS)], ordinal)
    names = place + label + word[stage_i]

    county_codes = geo.counties["code"].to_numpy(dtype=object)[county]
    ids = county_codes + "-" + zfill(rank_within(county) + 1, 5)
    zone, zones, zone_county = _zones(draw, geo, county, township)
    zone_ids = zones["zone_id"].to_numpy(dtype=object)
    table = frame(
        "schools",
        {
            "school_id": text(ids),
            "name": text(names),
            "stage": enum_column(np.array([s.value for s in STAGES])[stage_i], Stage),
            "ownership": enum_column(
                np.where(private, Ownership.PRIVATE.value, Ownership.PUBLIC.value), Ownership
            ),
            "students": students,
            "county": codes_column(county_codes),
            "township": codes_column(geo.townships["code"].to_numpy(dtype=object)[township]),
            "zone": codes_from(zone, zone_ids),
        },
    )
    return Schools(table, zones, county, zone, zone_county)


def _zones(
    draw: Draw, geo: Geography, county: np.ndarray, township: np.ndarray
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Zones of 15–25 neighbouring schools (same or adjacent townships) in each county."""
    rng, n = draw.rng, len(county)
    n_counties = len(geo.counties)
    per_county = np.bincount(county, minlength=n_counties)
    size = rng.uniform(15, 25, n_counties)
    n_zones = np.where(per_county > 0, np.maximum(1, np.round(per_county / size)), 0)
    n_zones = n_zones.astype(np.int64)
    order = np.lexsort((rng.random(n), township, county))
    position = np.empty(n, dtype=np.int64)
    position[order] = rank_within(county[order])
    zone_first = np.cumsum(n_zones) - n_zones
    zone = zone_first[county] + position * n_zones[county] // np.maximum(per_county[county], 1)

    # a few schools left out of every zone, a few put in a zone of another county
    other = rng.integers(0, n, n) if n else np.zeros(0, dtype=np.int64)
    moved = (rng.random(n) < 0.0015) & (county[other] != county)
    zone = np.where(moved, zone[other], zone)
    zone = np.where(rng.random(n) < 0.008, -1, zone)

    zone_county = np.repeat(np.arange(n_counties), n_zones)
    k = rank_within(zone_county) + 1
    codes = geo.counties["code"].to_numpy(dtype=object)[zone_county]
    names = geo.counties["name"].to_numpy(dtype=object)[zone_county]
    zones = frame(
        "zones",
        {
            "zone_id": text(codes + "-Z" + zfill(k, 3)),
            "name": text(names + "第" + numerals(k).astype(object) + "督学责任区"),
            "county": codes_column(codes),
        },
    )
    return zone, zones, zone_county


def inspectors(draw: Draw, geo: Geography, sch: Schools, governments: list[Unit]) -> Inspectors:
    """Each staffed zone gets two full-time and two or three part-time inspectors (a few
    zones more or fewer); counties add unzoned inspectors until they meet 1:5, except a
    few counties that fall short. Then former inspectors and those of prefectures and
    provinces."""
    rng = draw.rng
    n_counties = len(geo.counties)
    n_zones = len(sch.zones)
    staffed = np.flatnonzero(rng.random(n_zones) >= 0.015)
    full = rng.choice([1, 2, 3], size=len(staffed), p=[0.01, 0.98, 0.01])
    part = rng.choice([1, 2, 3, 4], size=len(staffed), p=[0.01, 0.49, 0.49, 0.01])
    zone = np.concatenate([np.repeat(staffed, full), np.repeat(staffed, part)])
    full_time = np.arange(len(zone)) < full.sum()
    county = sch.zone_county[zone]

    per_county = np.bincount(sch.county, minlength=n_counties)
    required = np.ceil(per_county / SCHOOLS_PER_INSPECTOR).astype(np.int64)
    zoned = np.bincount(county, minlength=n_counties)
    short = (rng.random(n_counties) < 0.05) & (required > 0)
    target = np.floor(required * rng.uniform(0.75, 0.97, n_counties)).astype(np.int64)
    # a short county loses part-time zone inspectors (its zones fall short too)
    drop = np.where(short, np.maximum(zoned - target, 0), 0)
    order = np.lexsort((rng.random(len(zone)), full_time, county))  # part-time first
    rank = np.empty(len(zone), dtype=np.int64)
    rank[order] = rank_within(county[order])
    keep = ~(short[county] & ~full_time & (rank < drop[county]))
    zone, full_time, county = zone[keep], full_time[keep], county[keep]
    zoned = np.bincount(county, minlength=n_counties)
    extra = np.round(zoned * rng.uniform(0.03, 0.15, n_counties)).astype(np.int64)
    unzoned = np.where(short, 0, np.maximum(required - zoned, 0) + extra)
    county = np.concatenate([county, np.repeat(np.arange(n_counties), unzoned)])
    zone = np.concatenate([zone, np.full(int(unzoned.sum()), -1)])
    full_time = np.concatenate([full_time, rng.random(int(unzoned.sum())) < 0.6])
    order = np.argsort(county, kind="stable")
    county, zone, full_time = county[order], zone[order], full_time[order]
    n = len(county)
    expired = rng.binomial(np.bincount(county, minlength=n_counties), 0.04)

    # former inspectors whose term has ended, and inspectors of prefectures and provinces
    old_county = np.repeat(np.arange(n_counties), expired)
    above = [(g[0], g[3]) for g in governments if g[3] in ("prefecture", "province")]
    mean = np.array([27.0 if lv == "prefecture" else 120.0 for _, lv in above]) * draw.scale
    n_above = rng.poisson(mean) if above else np.zeros(0, dtype=np.int64)
    codes = geo.counties["code"].to_numpy(dtype=object)
    appointing = np.concatenate(
        [
            codes[county],
            codes[old_county],
            np.repeat(np.array([c for c, _ in above], dtype=object), n_above),
        ]
    )
    total = len(appointing)
    is_serving = np.arange(total) < n
    is_serving[n + len(old_county) :] = True
    zone = np.concatenate([zone, np.full(total - n, -1)])
    full_time = np.concatenate([full_time, rng.random(total - n) < 0.6])

    # terms of three years starting on the 1st of a month (《督学管理暂行办法》)
    this_month = np.datetime64(draw.as_of, "M")
    months_ago = np.where(is_serving, rng.integers(0, 36, total), rng.integers(37, 61, total))
    start_m = this_month - months_ago
    start = start_m.astype("datetime64[D]")
    end = (start_m + 36).astype("datetime64[D]") - DAY
    end = np.where(is_serving & (rng.random(total) < 0.01), np.datetime64("NaT"), end)
    terms = rng.choice([1, 2, 3, 4], size=total, p=[0.5, 0.32, 0.17, 0.01])
    first_start = (start_m - 36 * (terms - 1)).astype("datetime64[D]")
    trained = first_start - rng.integers(5, 120, total) * DAY
    late = rng.random(total) < 0.015
    trained = np.where(
        late, np.minimum(start + rng.integers(10, 200, total) * DAY, draw.today), trained
    )
    trained = np.where(rng.random(total) < 0.02, np.datetime64("NaT"), trained)
    hours = np.where(
        rng.random(total) < 0.04,
        rng.uniform(8, 39.5, total),
        np.clip(rng.normal(56, 10, total), 40, 96),
    ).round(1)
    hours = np.where(rng.random(total) < 0.02, np.nan, hours)
    assessed = rng.random(total) < 0.88
    result = rng.choice(
        [m.value for m in AssessmentResult], size=total, p=[0.18, 0.815, 0.005]
    ).astype(object)

    names = person_names(rng, total)
    ids = appointing + "-D" + zfill(rank_within(appointing) + 1, 5)
    zone_ids = sch.zones["zone_id"].to_numpy(dtype=object)
    table = frame(
        "inspectors",
        {
            "inspector_id": text(ids),
            "name": text(names.astype(object)),
            "kind": enum_column(
                np.where(full_time, InspectorKind.FULL_TIME.value, InspectorKind.PART_TIME.value),
                InspectorKind,
            ),
            "appointing": codes_column(appointing),
            "term_start": dates(start),
            "term_end": dates(end),
            "consecutive_terms": terms.astype(np.int64),
            "trained_on": dates(trained),
            "training_hours": hours,
            "zone": codes_from(zone, zone_ids),
            "assessment_year": pd.arrays.IntegerArray(
                np.full(total, draw.as_of.year - 1, dtype=np.int64), ~assessed
            ),
            # numpy's stubs reject None as a value, which np.where takes as an object scalar
            "assessment": enum_column(
                np.where(assessed, result, None),  # type: ignore[call-overload]
                AssessmentResult,
            ),
        },
    )
    return Inspectors(table, zone, is_serving)
