"""The guangxi plugin: manifest, source documents and the member-unit catalogue."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md

import pytest
from dudao_guangxi.plugin import plugin as guangxi_plugin

from dudao.plugins.manager import PluginSet, load_plugins

# 厅发〔2020〕26号 二（一）, in the order the clause lists them.
MEMBERS = [
    "自治区党委组织部",
    "自治区党委宣传部",
    "自治区发展改革委",
    "自治区教育厅",
    "自治区科技厅",
    "自治区工业和信息化厅",
    "自治区民宗委",
    "自治区公安厅",
    "自治区财政厅",
    "自治区人力资源社会保障厅",
    "自治区自然资源厅",
    "自治区住房城乡建设厅",
    "自治区农业农村厅",
    "自治区卫生健康委",
    "自治区应急厅",
    "自治区市场监管局",
    "自治区体育局",
    "共青团广西区委",
    "自治区妇联",
    "自治区残联",
]


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"guangxi": guangxi_plugin})


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("guangxi")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("guangxi", "广西壮族自治区", "450000")
    assert p.info.builds_on == ()
    assert p.info.description


def test_documents(plugins: PluginSet) -> None:
    docs = plugins.get("guangxi").info.documents
    assert [d.key for d in docs] == ["厅发〔2020〕26号", "桂教督委办〔2023〕11号"]
    opinions, work_points = docs
    # Jointly issued: the 文号 is the party committee office's, both offices signed.
    assert opinions.issuer.startswith("中共广西壮族自治区委员会办公厅")
    assert "广西壮族自治区人民政府办公厅" in opinions.issuer
    assert opinions.date == dt.date(2020, 5, 14)
    assert opinions.title == "关于深化新时代教育督导体制机制改革的实施意见"
    assert opinions.public is True  # 此件公开发布
    assert work_points.issuer == "广西壮族自治区人民政府教育督导委员会办公室"
    assert work_points.date == dt.date(2023, 3, 17)
    assert work_points.public is False  # 此件不予公开
    assert str(opinions.cite("二（一）")) == "厅发〔2020〕26号 二（一）"


def test_adds_no_units(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    assert h.contains("450000", "450100")
    assert [u for u in h.descendants("450000") if u.is_development_zone] == []


def test_member_units_are_the_twenty_of_clause_two_one(plugins: PluginSet) -> None:
    catalogue = plugins.member_units("450000")
    names = list(dict.fromkeys(u.name for u in catalogue.values()))
    assert names == MEMBERS


def test_aliases_are_unique(plugins: PluginSet) -> None:
    units = [item.value for item in guangxi_plugin.dudao_member_units()]
    every_name = [n for u in units for n in (u.name, *u.aliases)]
    duplicates = {n for n in every_name if every_name.count(n) > 1}
    assert not duplicates
    assert len(plugins.member_units("450000")) == len(every_name)


@pytest.mark.parametrize(
    ("code", "written", "unit"),
    [
        ("450100", "市教育局", "自治区教育厅"),  # 南宁市
        ("450100", "市委组织部", "自治区党委组织部"),
        ("450100", "团市委", "共青团广西区委"),
        ("450126", "县财政局", "自治区财政厅"),  # 宾阳县
        ("450103", "区教育局", "自治区教育厅"),  # 青秀区
        ("450000", "教育厅", "自治区教育厅"),
        ("450000", "广西壮族自治区卫生健康委员会", "自治区卫生健康委"),
    ],
)
def test_city_and_county_names_resolve(
    plugins: PluginSet, code: str, written: str, unit: str
) -> None:
    assert plugins.member_units(code)[written].name == unit


def test_catalogue_stays_inside_guangxi(plugins: PluginSet) -> None:
    assert plugins.member_units("430600") == {}  # 岳阳市
    assert plugins.member_units("000000") == {}


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="guangxi")
    assert ep.value == "dudao_guangxi.plugin:plugin"
    assert ep.load() is guangxi_plugin
