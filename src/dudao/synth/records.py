"""Records of supervision work: visits, supervisions, filings, meetings, budgets and the
committees of every government in scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sized
from functools import cache
from typing import Any, Literal

from dudao.lazyimports import np, pd
from dudao.model.activities import FilingKind, MeetingKind, SupervisionKind, SupervisionTarget
from dudao.model.bodies import Committee, Membership, Officer
from dudao.model.schools import Stage
from dudao.synth._common import (
    DAY,
    Draw,
    codes_column,
    codes_from,
    dates,
    enum_column,
    frame,
    person_names,
    rank_within,
    semester,
    text,
    zfill,
)
from dudao.synth.geography import Geography, Unit
from dudao.synth.people import Inspectors, Schools


def visits(draw: Draw, sch: Schools, ins: Inspectors) -> pd.DataFrame:
    """Routine visits by zone inspectors: mostly 2–3 per school in the last semester, a few
    schools 0–1; about a third had one more in the current semester before the as-of date."""
    rng = draw.rng
    n_zones = len(sch.zones)
    active = (ins.zone >= 0) & ins.serving
    who = np.flatnonzero(active)
    who = who[np.argsort(ins.zone[active], kind="stable")]
    count = np.bincount(ins.zone[active], minlength=n_zones)
    first = np.cumsum(count) - count
    zone = sch.zone
    staffed = (zone >= 0) & (count[np.maximum(zone, 0)] > 0)
    last = rng.choice([0, 1, 2, 3, 4], size=len(zone), p=[0.015, 0.025, 0.47, 0.41, 0.08])
    last = np.where(staffed, last, 0)
    now = staffed & (rng.random(len(zone)) < 0.35)
    start, end = (np.datetime64(d, "D") for d in semester(draw.as_of))
    # the i-th of m visits falls in the i-th m-th of the semester: distinct days, spread out
    school = np.repeat(np.arange(len(zone)), last)
    i, m = rank_within(school), last[school]
    span = int((end - start) // DAY) + 1
    lo, hi = (
        start + (i * span // np.maximum(m, 1)) * DAY,
        start + ((i + 1) * span // np.maximum(m, 1) - 1) * DAY,
    )
    school = np.concatenate([school, np.flatnonzero(now)])
    day = np.concatenate(
        [draw.workdays(lo, hi, len(lo)), draw.workdays(end + DAY, draw.today, int(now.sum()))]
    )
    z = zone[school]
    inspector = who[first[z] + np.floor(rng.random(len(z)) * count[z]).astype(np.int64)]
    inspector = np.where(rng.random(len(z)) < 0.01, -1, inspector)  # visitor not recorded
    order = np.lexsort((day, school))
    return frame(
        "visits",
        {
            "school_id": codes_from(school[order], sch.table["school_id"].to_numpy(dtype=object)),
            "inspector_id": codes_from(
                inspector[order], ins.table["inspector_id"].to_numpy(dtype=object)
            ),
            "date": dates(day[order]),
        },
    )


_BY_SUPERVISOR = [Stage.SENIOR, Stage.COMPLETE_SECONDARY, Stage.TWELVE_YEAR]
_BY_SUPERVISOR += [Stage.SECONDARY_VOCATIONAL]


def supervisions(draw: Draw, geo: Geography, sch: Schools, governments: list[Unit]) -> pd.DataFrame:
    """School comprehensive supervisions over the last ~6 years (a few overdue or never),
    some special and random ones, and yearly supervisions of county and prefecture
    governments by the government above (of provinces by the nation)."""
    rng, today = draw.rng, draw.today
    n = len(sch.table)
    county_code = geo.counties["code"].to_numpy(dtype=object)[sch.county]
    supervisor = geo.counties["supervisor"].to_numpy(dtype=object)[sch.county]
    high = sch.table["stage"].isin([s.value for s in _BY_SUPERVISOR]).to_numpy()
    body = np.where(high, supervisor, county_code)
    ids = sch.table["school_id"].to_numpy(dtype=object)

    state = rng.choice(3, size=n, p=[0.94, 0.04, 0.02])  # in cycle, overdue, never
    ago = np.where(state == 0, rng.integers(0, 5 * 365, n), rng.integers(5 * 365 + 1, 6 * 365, n))
    last = today - ago * DAY
    earlier = last - rng.integers(int(4.5 * 365), int(5.5 * 365), n) * DAY
    has_earlier = (state < 2) & (rng.random(n) < 0.35) & (earlier >= today - 6 * 365 * DAY)
    special = rng.random(n) < 0.08
    random_ = rng.random(n) < 0.03
    parts = [
        (state < 2, body, SupervisionKind.COMPREHENSIVE, last),
        (has_earlier, body, SupervisionKind.COMPREHENSIVE, earlier),
        (special, county_code, SupervisionKind.SPECIAL, today - rng.integers(1, 730, n) * DAY),
        (random_, county_code, SupervisionKind.RANDOM, today - rng.integers(1, 365, n) * DAY),
    ]
    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("body", "kind", "tk", "target", "d")}

    def add(
        mask: np.ndarray,
        bodies: object,
        kind: SupervisionKind,
        targets: object,
        days: object,
        target_kind: SupervisionTarget,
    ) -> None:
        m = np.flatnonzero(mask)
        columns["body"].append(np.broadcast_to(np.asarray(bodies, dtype=object), mask.shape)[m])
        columns["kind"].append(np.full(len(m), kind.value, dtype=object))
        columns["tk"].append(np.full(len(m), target_kind.value, dtype=object))
        columns["target"].append(np.asarray(targets, dtype=object)[m])
        columns["d"].append(np.asarray(days, dtype="datetime64[D]")[m])

    for mask, bodies, kind, days in parts:
        add(mask, bodies, kind, ids, days, SupervisionTarget.SCHOOL)

    # governments: counties and prefectures by the government above, provinces by the
    # nation, most years; a few governments not at all in the last five years, and now and
    # then a body that organised none in a year
    codes = np.array([g[0] for g in governments], dtype=object)
    level = np.array([g[3] for g in governments], dtype=object)
    above = np.array([g[4] for g in governments], dtype=object)
    body_index, bodies = pd.factorize(above)
    chance = np.where(level == "province", 1.0, np.where(level == "prefecture", 0.9, 0.7))
    neglected = (level != "province") & (rng.random(len(codes)) < 0.03)
    y = draw.as_of.year
    for year in range(y - 6, y):
        years = np.full(len(codes), year)
        skip = neglected & (year >= y - 5)
        idle = rng.random(len(bodies)) < 0.03
        done = (rng.random(len(codes)) < chance) & ~idle[body_index] & ~skip
        when = draw.in_years(years, "04-01", "12-20")
        add(done, above, SupervisionKind.COMPREHENSIVE, codes, when, SupervisionTarget.GOVERNMENT)
        special = (level != "province") & (rng.random(len(codes)) < 0.15) & ~skip
        when = draw.in_years(years, "03-01", "11-30")
        add(special, above, SupervisionKind.SPECIAL, codes, when, SupervisionTarget.GOVERNMENT)

    day = np.concatenate(columns["d"])
    target = np.concatenate(columns["target"])
    order = np.lexsort((target, day))
    return frame(
        "supervisions",
        {
            "supervision_id": text("DD" + zfill(np.arange(1, len(day) + 1), 7)),
            "kind": enum_column(np.concatenate(columns["kind"])[order], SupervisionKind),
            "body": codes_column(np.concatenate(columns["body"])[order]),
            "target_kind": enum_column(np.concatenate(columns["tk"])[order], SupervisionTarget),
            "target": codes_column(target[order]),
            "date": dates(day[order]),
            # no topic, report or publication invented: those columns are left out
        },
    )


def filings(draw: Draw, governments: list[Unit]) -> pd.DataFrame:
    """Plans filed early in the year (a few late or missing), results early the next year,
    and now and then a major matter. Nothing dated after the as-of date."""
    rng = draw.rng
    codes = np.array([g[0] for g in governments], dtype=object)
    y = draw.as_of.year
    rows: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = []
    for year in range(y - 2, y + 1):
        state = rng.choice(3, size=len(codes), p=[0.955, 0.03, 0.015])  # on time, late, missing
        years = np.full(len(codes), year)
        on_time, late = (
            draw.in_years(years, "01-05", "04-08"),
            draw.in_years(years, "04-10", "06-30"),
        )
        rows.append((state < 2, FilingKind.PLAN.value, years, np.where(state == 0, on_time, late)))
    for year in range(y - 3, y):
        state = rng.choice(3, size=len(codes), p=[0.92, 0.05, 0.03])
        years, next_year = np.full(len(codes), year), np.full(len(codes), year + 1)
        on_time = draw.in_years(next_year, "01-05", "03-31")
        late = draw.in_years(next_year, "04-01", "06-30")
        rows.append(
            (state < 2, FilingKind.RESULT.value, years, np.where(state == 0, on_time, late))
        )
        major = rng.random(len(codes)) < 0.08
        rows.append((major, FilingKind.MAJOR_MATTER.value, years, draw.in_years(years)))
    return _records(
        "filings",
        codes,
        rows,
        draw,
        lambda c, k, yr, d: {
            "jurisdiction": c,
            "kind": enum_column(k, FilingKind),
            "year": yr,
            "filed_on": d,
        },
    )


def meetings(draw: Draw, governments: list[Unit]) -> pd.DataFrame:
    """Regular committee meetings, mostly one or two a year (a few years none), and
    occasional special meetings."""
    rng = draw.rng
    codes = np.array([g[0] for g in governments], dtype=object)
    y = draw.as_of.year
    rows = []
    for year in range(y - 3, y + 1):
        if year < y:
            regular = rng.choice(4, size=len(codes), p=[0.04, 0.5, 0.36, 0.10])
        else:  # this year, before the as-of date
            regular = (rng.random(len(codes)) < 0.25).astype(np.int64)
        special = rng.poisson(0.4, len(codes))
        for count, kind in ((regular, MeetingKind.REGULAR), (special, MeetingKind.SPECIAL)):
            idx = np.repeat(np.arange(len(codes)), count)
            years = np.full(len(idx), year)
            rows.append(
                (np.ones(len(idx), dtype=bool), kind.value, years, draw.in_years(years), idx)
            )
    return _records(
        "meetings",
        codes,
        rows,
        draw,
        lambda c, k, yr, d: {"jurisdiction": c, "kind": enum_column(k, MeetingKind), "date": d},
    )


def budgets(draw: Draw, governments: list[Unit]) -> pd.DataFrame:
    """Supervision funds in each government's budget (万元), a few zero or missing."""
    rng = draw.rng
    codes = np.array([g[0] for g in governments], dtype=object)
    level = np.array([g[3] for g in governments], dtype=object)
    median = np.where(level == "province", 900.0, np.where(level == "prefecture", 120.0, 25.0))
    rows = []
    for year in range(draw.as_of.year - 3, draw.as_of.year + 1):
        amount = np.round(median * rng.lognormal(0.0, 0.6, len(codes)), 1)
        amount = np.where(rng.random(len(codes)) < 0.02, 0.0, amount)
        present = rng.random(len(codes)) >= 0.015
        rows.append((present, amount, np.full(len(codes), year)))
    keep = np.concatenate([r[0] for r in rows])
    code = np.tile(codes, len(rows))[keep]
    year = np.concatenate([r[2] for r in rows])[keep]
    order = np.lexsort((year, code))
    return frame(
        "budgets",
        {
            "jurisdiction": codes_column(code[order]),
            "year": year[order].astype(np.int64),
            "amount": np.concatenate([r[1] for r in rows])[keep][order],
        },
    )


def _records(
    table: str,
    codes: np.ndarray,
    rows: list[tuple[Any, ...]],
    draw: Draw,
    build: Callable[[pd.Categorical, np.ndarray, np.ndarray, np.ndarray], Mapping[str, Sized]],
) -> pd.DataFrame:
    """Stack (mask, kind, years, dates[, rows of ``codes``]) parts, drop anything after the
    as-of date, sort by jurisdiction and date."""
    code, kind, year, day = [], [], [], []
    for part in rows:
        mask, k, years, days = part[:4]
        idx = part[4] if len(part) > 4 else np.arange(len(codes))
        m = np.flatnonzero(mask)
        code.append(codes[idx[m]])
        kind.append(np.full(len(m), k, dtype=object))
        year.append(np.asarray(years)[m])
        day.append(np.asarray(days, dtype="datetime64[D]")[m])
    c, k, yr, d = (np.concatenate(x) for x in (code, kind, year, day))
    keep = d <= draw.today
    c, k, yr, d = c[keep], k[keep], yr[keep].astype(np.int64), d[keep]
    order = np.lexsort((d, c))
    return frame(table, build(codes_column(c[order]), k[order], yr[order], dates(d[order])))


# ---------------------------------------------------------------- committees

# party committee, government and Youth League prefixes, and the vice head's title, by kind
_PREFIX = {
    "province": ("省委", "省", "省", "副省长"),
    "autonomous_region": ("自治区党委", "自治区", "区", "自治区副主席"),
    "municipality": ("市委", "市", "市", "副市长"),
    "prefecture_city": ("市委", "市", "市", "副市长"),
    "autonomous_prefecture": ("州委", "州", "州", "副州长"),
    "prefecture": ("地委", "地区", "地", "行政公署副专员"),
    "league": ("盟委", "盟", "盟", "副盟长"),
    "district": ("区委", "区", "区", "副区长"),
    "county": ("县委", "县", "县", "副县长"),
    "autonomous_county": ("县委", "县", "县", "副县长"),
    "county_city": ("市委", "市", "市", "副市长"),
    "banner": ("旗委", "旗", "旗", "副旗长"),
    "autonomous_banner": ("旗委", "旗", "旗", "副旗长"),
    "forestry_district": ("区委", "区", "区", "副区长"),
    "special_district": ("区委", "区", "区", "副区长"),
}
# The member units 厅发〔2020〕26号 二（一） names for Guangxi, a composition typical of
# committees elsewhere too: (party unit?, provincial, prefecture, county name). A local
# committee's unit is its own level's counterpart (市教育局, 县财政局 …).
_UNITS = [
    (True, "组织部", "组织部", "组织部"),
    (True, "宣传部", "宣传部", "宣传部"),
    (False, "发展改革委", "发展改革委", "发展改革局"),
    (False, "教育厅", "教育局", "教育局"),
    (False, "科技厅", "科技局", "科技局"),
    (False, "工业和信息化厅", "工业和信息化局", "工业和信息化局"),
    (False, "民宗委", "民宗委", "民宗局"),
    (False, "公安厅", "公安局", "公安局"),
    (False, "财政厅", "财政局", "财政局"),
    (False, "人力资源社会保障厅", "人力资源社会保障局", "人力资源社会保障局"),
    (False, "自然资源厅", "自然资源局", "自然资源局"),
    (False, "住房城乡建设厅", "住房城乡建设局", "住房城乡建设局"),
    (False, "农业农村厅", "农业农村局", "农业农村局"),
    (False, "卫生健康委", "卫生健康委", "卫生健康局"),
    (False, "应急厅", "应急管理局", "应急管理局"),
    (False, "市场监管局", "市场监管局", "市场监管局"),
    (False, "体育局", "体育局", "体育局"),
    (False, "团{}委", "团{}委", "团{}委"),
    (False, "妇联", "妇联", "妇联"),
    (False, "残联", "残联", "残联"),
]
_EDUCATION, _POLICE, _LEAGUE = 3, 7, 17


def committees(draw: Draw, governments: list[Unit]) -> tuple[Committee, ...]:
    """A committee for nearly every government with the full set of member units, each
    with a liaison, a chair, a vice chair, an office in the education department and a
    总督学. A few percent lack one of these."""
    rng = draw.rng
    n, k = len(governments), len(_UNITS)
    exists = rng.random(n) >= 0.015
    lacks_unit = np.where(rng.random(n) < 0.02, rng.integers(0, k, n), -1)
    lacks_liaison = np.where(rng.random(n) < 0.015, rng.integers(0, k, n), -1)
    no_chief = rng.random(n) < 0.015
    no_vice = rng.random(n) < 0.005
    people = person_names(rng, (n, k + 1))
    out = []
    for i, (code, name, kind, level, _) in enumerate(governments):
        if not exists[i]:
            continue
        units = _unit_names(kind, level)
        members = tuple(
            Membership(unit, None if u == lacks_liaison[i] else str(people[i, u]))
            for u, unit in enumerate(units)
            if u != lacks_unit[i]
        )
        education = units[_EDUCATION]
        head = "主任" if education.endswith("委员会") else education[-1] + "长"
        out.append(
            Committee(
                jurisdiction=code,
                name=f"{name}人民政府教育督导委员会",
                chair=Officer(f"分管教育工作的{_PREFIX[kind][3]}", str(people[i, -1])),
                vice_chairs=() if no_vice[i] else (Officer(f"{education}{head}"),),
                members=members,
                office_host=education,
                chief_inspector=None if no_chief[i] else Officer("总督学"),
            )
        )
    return tuple(out)


@cache
def _unit_names(kind: str, level: str) -> list[str]:
    """The member units' names on a committee of this kind of government."""
    party, gov, league, _ = _PREFIX[kind]
    # a municipality's bureaus are named like a prefecture's (北京市教育委员会 aside)
    municipality = kind == "municipality"
    column: Literal[1, 2, 3] = (
        2 if municipality or level == "prefecture" else 1 if level == "province" else 3
    )
    names = [(party if unit[0] else gov) + unit[column] for unit in _UNITS]
    names[_LEAGUE] = _UNITS[_LEAGUE][column].format(league)
    if municipality:
        names[_EDUCATION] = gov + "教育委员会"
    if kind == "district":
        names[_POLICE] = gov + "公安分局"
    return names


PROGRAMME_IDS = ("quality_balanced", "universal_preschool")
STAGE_IDS = ("self_assessment", "city_review", "provincial_assessment", "national_recognition")


def programmes(draw: Draw, governments: list[Unit]) -> pd.DataFrame:
    """Each county's way through the two national programmes: how far it got (most
    not far), one record per stage half a year apart up to the as-of date, the last
    stage failed now and then (sample proportions, not statistics)."""
    rng = draw.rng
    counties = np.array([g[0] for g in governments if g[3] == "county"], dtype=object)
    unit, programme, stage, passed, day = [], [], [], [], []
    for pid in PROGRAMME_IDS:
        reached = rng.choice(5, size=len(counties), p=[0.35, 0.3, 0.2, 0.1, 0.05])
        start = draw.today - (reached * 180 + rng.integers(0, 90, len(counties))) * DAY
        failed_last = rng.random(len(counties)) < 0.1
        for k in range(len(STAGE_IDS)):
            mine = reached > k
            n = int(mine.sum())
            unit.append(counties[mine])
            programme.append(np.full(n, pid, dtype=object))
            stage.append(np.full(n, STAGE_IDS[k], dtype=object))
            passed.append(~(failed_last[mine] & (reached[mine] == k + 1)))
            day.append(start[mine] + k * 180 * DAY)
    order = np.lexsort((np.concatenate(day), np.concatenate(unit).astype(str)))
    n = len(order)
    return frame(
        "programmes",
        {
            "unit": codes_column(np.concatenate(unit)[order]),
            "programme": codes_column(np.concatenate(programme)[order]),
            "stage": codes_column(np.concatenate(stage)[order]),
            "passed": pd.array(np.concatenate(passed)[order], dtype="boolean"),
            "date": dates(np.concatenate(day)[order]),
            "note": text(np.full(n, None, dtype=object)),
        },
    )
