"""Jurisdictions: the units of government that supervise and are supervised.

Codes
-----
* Provinces, prefectures and county-level units use their 6-digit GB/T 2260
  code (``450100`` 南宁市, ``450103`` 青秀区).
* Townships and subdistricts use the 9-digit prefix of the National Bureau of
  Statistics' 统计用区划代码 (county code + 3 digits, ``450103001``).
* The nation is ``000000``.
* Development zones (开发区, 高新区) have no GB/T 2260 code. Their id is the code
  of the government that manages them, a hyphen and a lower-case ASCII slug
  chosen once by the plugin that contributes them and never reused:
  ``450100-jingkai`` (南宁经济技术开发区), ``610500-gaoxin`` (渭南高新区).
  The prefix ties the zone to its parent, so the prefix invariant still holds.

>>> j = Jurisdiction("450100-gaoxin", "南宁高新技术产业开发区",
...                  JurisdictionKind.DEVELOPMENT_ZONE, parent="450100")
>>> j.level, j.level.label
(<Level.COUNTY: 'county'>, '县级')
>>> code_form("450100-gaoxin"), code_form("450103001"), code_form("450103")
('zone', 'township', 'gb2260')
"""

from __future__ import annotations

import functools
import re

import attrs

from dudao.model.labels import LabelledEnum

NATION_CODE = "000000"

_GB2260 = re.compile(r"^\d{6}$")
_TOWNSHIP = re.compile(r"^\d{9}$")
_ZONE = re.compile(r"^(\d{6})-([a-z][a-z0-9]{1,31})$")


class Level(LabelledEnum):
    """Administrative level, from the nation down to townships."""

    NATIONAL = ("national", "国家")
    PROVINCE = ("province", "省级")
    PREFECTURE = ("prefecture", "地市级")
    COUNTY = ("county", "县级")
    TOWNSHIP = ("township", "乡镇级")

    @property
    def depth(self) -> int:
        """0 for the nation, 4 for townships: levels strictly descend down the tree."""
        return _LEVEL_DEPTH[self]


_LEVEL_DEPTH = {level: i for i, level in enumerate(Level)}


class JurisdictionKind(LabelledEnum):
    """The kind of unit; each kind belongs to exactly one level."""

    NATION = ("nation", "国家")
    PROVINCE = ("province", "省")
    AUTONOMOUS_REGION = ("autonomous_region", "自治区")
    MUNICIPALITY = ("municipality", "直辖市")
    PREFECTURE_CITY = ("prefecture_city", "地级市")
    AUTONOMOUS_PREFECTURE = ("autonomous_prefecture", "自治州")
    PREFECTURE = ("prefecture", "地区")
    LEAGUE = ("league", "盟")
    DISTRICT = ("district", "市辖区")
    COUNTY = ("county", "县")
    AUTONOMOUS_COUNTY = ("autonomous_county", "自治县")
    COUNTY_CITY = ("county_city", "县级市")
    BANNER = ("banner", "旗")
    AUTONOMOUS_BANNER = ("autonomous_banner", "自治旗")
    FORESTRY_DISTRICT = ("forestry_district", "林区")
    SPECIAL_DISTRICT = ("special_district", "特区")
    DEVELOPMENT_ZONE = ("development_zone", "开发区")
    TOWNSHIP = ("township", "乡")
    ETHNIC_TOWNSHIP = ("ethnic_township", "民族乡")
    TOWN = ("town", "镇")
    SUBDISTRICT = ("subdistrict", "街道")

    @property
    def level(self) -> Level:
        return _KIND_LEVEL[self]


_KIND_LEVEL: dict[JurisdictionKind, Level] = {
    JurisdictionKind.NATION: Level.NATIONAL,
    JurisdictionKind.PROVINCE: Level.PROVINCE,
    JurisdictionKind.AUTONOMOUS_REGION: Level.PROVINCE,
    JurisdictionKind.MUNICIPALITY: Level.PROVINCE,
    JurisdictionKind.PREFECTURE_CITY: Level.PREFECTURE,
    JurisdictionKind.AUTONOMOUS_PREFECTURE: Level.PREFECTURE,
    JurisdictionKind.PREFECTURE: Level.PREFECTURE,
    JurisdictionKind.LEAGUE: Level.PREFECTURE,
    JurisdictionKind.DISTRICT: Level.COUNTY,
    JurisdictionKind.COUNTY: Level.COUNTY,
    JurisdictionKind.AUTONOMOUS_COUNTY: Level.COUNTY,
    JurisdictionKind.COUNTY_CITY: Level.COUNTY,
    JurisdictionKind.BANNER: Level.COUNTY,
    JurisdictionKind.AUTONOMOUS_BANNER: Level.COUNTY,
    JurisdictionKind.FORESTRY_DISTRICT: Level.COUNTY,
    JurisdictionKind.SPECIAL_DISTRICT: Level.COUNTY,
    JurisdictionKind.DEVELOPMENT_ZONE: Level.COUNTY,
    JurisdictionKind.TOWNSHIP: Level.TOWNSHIP,
    JurisdictionKind.ETHNIC_TOWNSHIP: Level.TOWNSHIP,
    JurisdictionKind.TOWN: Level.TOWNSHIP,
    JurisdictionKind.SUBDISTRICT: Level.TOWNSHIP,
}


@functools.lru_cache(maxsize=1 << 17)  # asked several times per unit while a tree is built
def code_form(code: str) -> str:
    """Classify a jurisdiction code: ``gb2260``, ``township``, ``zone`` or ``invalid``."""
    if _GB2260.match(code):
        return "gb2260"
    if _TOWNSHIP.match(code):
        return "township"
    if _ZONE.match(code):
        return "zone"
    return "invalid"


def zone_prefix(code: str) -> str | None:
    """The managing government's code inside a development-zone id, else None."""
    m = _ZONE.match(code)
    return m.group(1) if m else None


def _kind(value: str | JurisdictionKind) -> JurisdictionKind:
    return JurisdictionKind.parse(value)


def _check_code(instance: Jurisdiction, attribute: attrs.Attribute[str], value: str) -> None:
    if code_form(value) == "invalid":
        raise ValueError(
            f"区划代码 '{value}' 格式不对：应为 6 位 GB/T 2260 代码、9 位乡镇代码，"
            "或开发区的“上级代码-拼音”（如 450100-gaoxin）"
        )


@attrs.frozen(order=False)
class Jurisdiction:
    """One unit of government (a node of the hierarchy).

    ``parent`` is the code of the unit directly above, ``None`` only for the
    root. The level follows from the kind, so the two can never disagree.
    """

    code: str = attrs.field(validator=_check_code)
    name: str
    kind: JurisdictionKind = attrs.field(converter=_kind)
    parent: str | None = None

    @property
    def level(self) -> Level:
        return self.kind.level

    @property
    def is_development_zone(self) -> bool:
        return self.kind is JurisdictionKind.DEVELOPMENT_ZONE


NATION = Jurisdiction(NATION_CODE, "中华人民共和国", JurisdictionKind.NATION)


@attrs.frozen
class JurisdictionsFile:
    """``jurisdictions.yaml``: units a plugin adds to the tree."""

    units: tuple[Jurisdiction, ...] = ()
