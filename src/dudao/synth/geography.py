"""Where things are: county weights, synthetic townships and school counts per county.

Everything here is drawn for the whole country first, in code order, and only
then cut down to the scope, so a county's townships and its number of schools
of each stage are the same whether one synthesises the nation, its province or
its city with the same seed and scale.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from dudao.errors import DudaoError, Problem
from dudao.io.divisions import load_divisions
from dudao.lazyimports import np, pd
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind, Level
from dudao.model.schools import Stage
from dudao.synth._common import Draw, rank_within

#: Resident population by province in 10,000s (2020 census, rounded). Used only as
#: weights: a province's share of the synthetic schools follows its population.
PROVINCE_POPULATION = {
    "11": 2189, "12": 1387, "13": 7461, "14": 3492, "15": 2405, "21": 4259, "22": 2407,
    "23": 3185, "31": 2487, "32": 8475, "33": 6457, "34": 6103, "35": 4154, "36": 4519,
    "37": 10153, "41": 9937, "42": 5775, "43": 6644, "44": 12601, "45": 5013, "46": 1008,
    "50": 3205, "51": 8367, "52": 3856, "53": 4721, "54": 365, "61": 3953, "62": 2502,
    "63": 592, "64": 720, "65": 2585,
}  # fmt: skip

TOWNSHIPS_NATIONAL = 38_000

#: Schools by stage nationally (合成比例: rounded from the order of magnitude of recent
#: national statistics, not a citation): 520,000 in all.
SCHOOLS_BY_STAGE: dict[Stage, int] = {
    Stage.KINDERGARTEN: 292_000,
    Stage.PRIMARY: 152_000,
    Stage.JUNIOR: 36_000,
    Stage.NINE_YEAR: 16_000,
    Stage.SENIOR: 11_000,
    Stage.COMPLETE_SECONDARY: 3_400,
    Stage.TWELVE_YEAR: 600,
    Stage.SECONDARY_VOCATIONAL: 7_000,
    Stage.SPECIAL: 2_000,
}
STAGES = list(SCHOOLS_BY_STAGE)

# Relative number of townships, share of them that are subdistricts (街道), and
# relative number of schools, by kind of county-level unit.
_TOWNSHIPS = {"district": 0.75, "county_city": 1.05, "banner": 0.8, "autonomous_banner": 0.8}
_SUBDISTRICTS = {"district": 0.72, "county_city": 0.3}
_SCHOOLS = {"district": 0.85, "county_city": 1.15, "autonomous_county": 0.9, "banner": 0.55}
_SMALL = ("forestry_district", "special_district")

_NAME_CHARS = np.array(list("东西南北新长石河桥山平安和兴龙凤水田林阳城江湖坪塘岭口洲沙庄"))
_ETHNIC = np.array(["瑶族乡", "苗族乡", "回族乡", "彝族乡", "壮族乡", "满族乡", "土家族乡"])


@attrs.frozen
class Geography:
    """The divisions, the county-level units with their draws, and the townships."""

    hierarchy: Hierarchy
    counties: pd.DataFrame  # code, name, kind, supervisor, prefecture, province
    townships: pd.DataFrame  # code, name, kind, parent, county (row of ``counties``)
    schools: np.ndarray  # schools per county (rows of ``counties``) and stage (STAGES)

    def within(self, scope: str) -> Geography:
        keep = self.hierarchy.contains_many(scope, self.counties["code"].to_numpy())
        rows = np.flatnonzero(keep)
        renumber = np.full(len(keep), -1)
        renumber[rows] = np.arange(len(rows))
        towns = self.townships.loc[keep[self.townships["county"].to_numpy()]].copy()
        towns["county"] = renumber[towns["county"].to_numpy()]
        return Geography(
            self.hierarchy,
            self.counties.iloc[rows].reset_index(drop=True),
            towns.reset_index(drop=True),
            self.schools[rows],
        )

    def governments(self, scope: str) -> list[Unit]:
        """Every province, prefecture and county in scope."""
        return units_of(self.hierarchy, scope, lambda u: u.level in _GOVERNMENT)


#: (code, name, kind, level, parent) of a unit that records are kept for
Unit = tuple[str, str, str, str, str]
_GOVERNMENT = {Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}


def units_of(hierarchy: Hierarchy, scope: str, keep: Callable[[Jurisdiction], bool]) -> list[Unit]:
    return [
        (u.code, u.name, u.kind.value, u.level.value, u.parent or "")
        for u in map(hierarchy.get, hierarchy.subtree_codes(scope))
        if keep(u)
    ]


def development_zones(hierarchy: Hierarchy | None, scope: str) -> list[Unit]:
    """Development zones (开发区) a plugin adds in scope: supervised and reporting like a
    county, though without a government, committee or budget of their own."""
    if hierarchy is None or scope not in hierarchy:
        return []
    return units_of(hierarchy, scope, lambda u: u.kind is JurisdictionKind.DEVELOPMENT_ZONE)


def check_scope(hierarchy: Hierarchy, scope: str) -> None:
    if scope not in hierarchy or hierarchy.get(scope).level is Level.TOWNSHIP:
        raise DudaoError(
            Problem(
                f"未知的区划代码 '{scope}'",
                code="unknown-code",
                hint="范围应为 000000（全国）或省、市、县级的 GB/T 2260 代码，如 450000、450100",
            )
        )


def national(draw: Draw) -> Geography:
    """Draw the county-level structure for the whole country."""
    units = load_divisions()
    hierarchy = Hierarchy(units)
    counties = [u for u in units if u.level is Level.COUNTY]
    by_code = {u.code: u for u in units}

    def above(code: str, level: Level) -> str:
        unit = hierarchy.ancestor_at(code, level)
        return unit.code if unit else ""

    frame = pd.DataFrame(
        {
            "code": [u.code for u in counties],
            "name": [u.name for u in counties],
            "kind": [u.kind.value for u in counties],
            "supervisor": [u.parent for u in counties],
            "prefecture": [above(u.code, Level.PREFECTURE) for u in counties],
            "province": [above(u.code, Level.PROVINCE) for u in counties],
        }
    )
    assert all(by_code[p].level is Level.PROVINCE for p in frame["province"])
    rng, n = draw.rng, len(frame)
    kind = frame["kind"].to_numpy()

    # Schools: a province's population spread over its counties, times a per-county
    # lognormal factor and a factor for the kind of unit.
    province = frame["province"].str[:2].to_numpy()
    per_county = pd.Series(province).map(pd.Series(province).value_counts()).to_numpy()
    population = pd.Series(province).map(PROVINCE_POPULATION).to_numpy(dtype=float)
    factor = np.array([0.25 if k in _SMALL else _SCHOOLS.get(k, 1.05) for k in kind])
    weight = population / per_county * factor * rng.lognormal(0.0, 0.55, n)
    p = weight / weight.sum()
    schools = np.column_stack(
        [rng.multinomial(round(total * draw.scale), p) for total in SCHOOLS_BY_STAGE.values()]
    )

    # Townships: a gamma–Poisson count (counties differ a lot), scaled to ~38,000.
    relative = np.array([0.3 if k in _SMALL else _TOWNSHIPS.get(k, 1.1) for k in kind])
    mean = relative / relative.sum() * TOWNSHIPS_NATIONAL
    full = np.clip(rng.poisson(rng.gamma(4.0, mean / 4.0)), 1, 90)
    count = np.maximum(1, np.round(full * draw.scale)).astype(np.int64)
    sub_share = np.array([_SUBDISTRICTS.get(k, 0.07) for k in kind])
    n_sub = rng.binomial(count, sub_share)
    n_town = rng.binomial(count - n_sub, np.where(kind == "district", 0.8, 0.7))
    n_rural = count - n_sub - n_town
    n_ethnic = rng.binomial(
        n_rural, np.where(np.char.find(kind.astype(str), "auto") >= 0, 0.3, 0.04)
    )
    offset = rng.integers(0, len(_NAME_CHARS) * (len(_NAME_CHARS) - 1), n)
    ethnic_name = rng.integers(0, len(_ETHNIC), n)

    county = np.repeat(np.arange(n), count)
    j = rank_within(county)  # position within the county
    sub, town = n_sub[county], n_town[county]
    rural_j = j - sub - town
    kinds = np.select(
        [j < sub, j < sub + town, rural_j >= n_rural[county] - n_ethnic[county]],
        ["subdistrict", "town", "ethnic_township"],
        default="township",
    )
    # NBS numbering: subdistricts 001–, towns 101–, townships 201–.
    number = np.where(j < sub, j + 1, np.where(j < sub + town, 101 + j - sub, 201 + rural_j))
    # two different characters: 30 × 29 names, distinct within a county (7 is coprime to 870)
    k = len(_NAME_CHARS)
    pair = (offset[county] + 7 * j) % (k * (k - 1))
    first, second = pair // (k - 1), pair % (k - 1)
    stem = np.char.add(_NAME_CHARS[first], _NAME_CHARS[second + (second >= first)])
    suffix = np.select(
        [kinds == "subdistrict", kinds == "town", kinds == "township"],
        ["街道", "镇", "乡"],
        default=_ETHNIC[ethnic_name[county]],
    )
    codes = frame["code"].to_numpy()[county]
    townships = pd.DataFrame(
        {
            "code": np.char.add(codes.astype(str), np.char.zfill(number.astype(str), 3)),
            "name": np.char.add(stem, suffix),
            "kind": kinds,
            "parent": codes,
            "county": county,
        }
    )
    return Geography(hierarchy, frame, townships, schools)
