"""The shipped county-level division table: counts, tree shape and known units."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources

import pytest

from dudao.io.divisions import divisions_as_of, load_divisions
from dudao.model.jurisdiction import NATION, NATION_CODE, Jurisdiction, Level


@pytest.fixture(scope="module")
def divisions() -> list[Jurisdiction]:
    return load_divisions()


@pytest.fixture(scope="module")
def by_code(divisions: list[Jurisdiction]) -> dict[str, Jurisdiction]:
    return {j.code: j for j in divisions}


def test_nation_comes_first(divisions: list[Jurisdiction]) -> None:
    assert divisions[0] == NATION
    assert sum(j.level is Level.NATIONAL for j in divisions) == 1


def test_level_counts(divisions: list[Jurisdiction]) -> None:
    levels = Counter(j.level for j in divisions)
    assert levels[Level.PROVINCE] == 31
    assert 320 <= levels[Level.PREFECTURE] <= 340
    assert 2800 <= levels[Level.COUNTY] <= 2900
    assert levels[Level.TOWNSHIP] == 0


def test_no_taiwan_hong_kong_macao(divisions: list[Jurisdiction]) -> None:
    assert not [j.code for j in divisions if j.code[:2] in {"71", "81", "82"}]


def test_codes_unique_and_six_digits(divisions: list[Jurisdiction]) -> None:
    codes = [j.code for j in divisions]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)


def test_every_parent_exists_one_level_up(
    divisions: list[Jurisdiction], by_code: dict[str, Jurisdiction]
) -> None:
    for j in divisions[1:]:
        assert j.parent in by_code, j
        assert by_code[j.parent].level.depth < j.level.depth, j


def test_provinces_hang_off_the_nation(divisions: list[Jurisdiction]) -> None:
    for j in divisions:
        if j.level is Level.PROVINCE:
            assert j.parent == NATION_CODE and j.code.endswith("0000"), j


def test_prefix_agreement(divisions: list[Jurisdiction], by_code: dict[str, Jurisdiction]) -> None:
    for j in divisions:
        if j.level is Level.PREFECTURE:
            assert j.code[:2] == j.parent[:2] and j.code.endswith("00"), j
        elif j.level is Level.COUNTY:
            parent = by_code[j.parent]
            # Units directly under a province share only the province prefix.
            width = 2 if parent.level is Level.PROVINCE else 4
            assert j.code[:width] == j.parent[:width], j
            assert not j.code.endswith("00"), j


def test_no_placeholder_rows(
    divisions: list[Jurisdiction], by_code: dict[str, Jurisdiction]
) -> None:
    placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    assert not [j for j in divisions if j.name in placeholders]
    pseudo = [
        "110100",
        "120100",
        "310100",
        "500100",
        "500200",
        "419000",
        "429000",
        "469000",
        "659000",
    ]
    assert not [code for code in pseudo if code in by_code]


@pytest.mark.parametrize(
    ("code", "name", "kind", "parent"),
    [
        ("450000", "广西壮族自治区", "autonomous_region", "000000"),
        ("450100", "南宁市", "prefecture_city", "450000"),
        ("450103", "青秀区", "district", "450100"),
        ("450107", "西乡塘区", "district", "450100"),
        ("450108", "良庆区", "district", "450100"),
        ("450110", "武鸣区", "district", "450100"),
        ("450125", "上林县", "county", "450100"),
        ("450181", "横州市", "county_city", "450100"),
        ("420000", "湖北省", "province", "000000"),
        ("429004", "仙桃市", "county_city", "420000"),
        ("429021", "神农架林区", "forestry_district", "420000"),
        ("419001", "济源市", "county_city", "410000"),
        ("469001", "五指山市", "county_city", "460000"),
        ("659001", "石河子市", "county_city", "650000"),
        ("110000", "北京市", "municipality", "000000"),
        ("110101", "东城区", "district", "110000"),
        ("500000", "重庆市", "municipality", "000000"),
        ("500229", "城口县", "county", "500000"),
        ("430600", "岳阳市", "prefecture_city", "430000"),
        ("610500", "渭南市", "prefecture_city", "610000"),
        ("610503", "华州区", "district", "610500"),
        ("610522", "潼关县", "county", "610500"),
        ("610526", "蒲城县", "county", "610500"),
        ("610528", "富平县", "county", "610500"),
        ("610582", "华阴市", "county_city", "610500"),
        ("520203", "六枝特区", "special_district", "520200"),
        ("140109", "万柏林区", "district", "140100"),
        ("152900", "阿拉善盟", "league", "150000"),
        ("653200", "和田地区", "prefecture", "650000"),
        ("150721", "阿荣旗", "banner", "150700"),
        ("150722", "莫力达瓦达斡尔族自治旗", "autonomous_banner", "150700"),
        ("450323", "灵川县", "county", "450300"),
        ("450330", "平乐县", "county", "450300"),
    ],
)
def test_known_units(
    by_code: dict[str, Jurisdiction], code: str, name: str, kind: str, parent: str
) -> None:
    j = by_code[code]
    assert (j.name, j.kind.value, j.parent) == (name, kind, parent)


@pytest.mark.parametrize("code", ["441900", "442000", "620200", "460400"])
def test_prefecture_cities_without_counties(
    divisions: list[Jurisdiction], by_code: dict[str, Jurisdiction], code: str
) -> None:
    assert by_code[code].level is Level.PREFECTURE
    assert not [j for j in divisions if j.parent == code]


def test_old_names_are_gone(by_code: dict[str, Jurisdiction]) -> None:
    # 横县 became 横州市 (450181) in 2021; 450127 must not come back.
    assert "450127" not in by_code


def test_as_of_matches_source_note() -> None:
    note = resources.files("dudao.data").joinpath("divisions.SOURCE.md").read_text("utf-8")
    assert re.fullmatch(r"\d{4}", divisions_as_of())
    assert f"As of: **{divisions_as_of()}**" in note


def test_cached_but_safe_to_mutate() -> None:
    first = load_divisions()
    first.clear()
    assert len(load_divisions()) > 3000
