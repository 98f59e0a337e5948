"""The nanning plugin: manifest, source document, development zones, building on guangxi."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md

import pytest

from dudao.model.jurisdiction import JurisdictionKind, Level
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin

guangxi_plugin = folder_plugin("dudao_guangxi")
nanning_plugin = folder_plugin("dudao_nanning")

ZONES = {
    "450100-jingkai": "南宁经济技术开发区",
    "450100-gaoxin": "南宁高新技术产业开发区",
    "450100-dongmeng": "广西—东盟经济技术开发区",
}


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(
        autoload=False, extra={"guangxi": guangxi_plugin, "nanning": nanning_plugin}
    )


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("nanning")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("nanning", "南宁市", "450100")
    assert p.info.builds_on == ("guangxi",)
    assert p.info.description


def test_documents(plugins: PluginSet) -> None:
    (doc,) = plugins.get("nanning").info.documents
    assert doc.key == "南府督委办〔2022〕7号"
    assert doc.issuer == "南宁市人民政府教育督导委员会办公室"
    assert doc.date == dt.date(2022, 3, 17)
    assert doc.title == "2022年南宁市教育督导工作要点"
    assert doc.public is None  # no publication mark printed: unknown, not 'not public'


@pytest.mark.parametrize(("code", "name"), ZONES.items())
def test_development_zones(plugins: PluginSet, code: str, name: str) -> None:
    h = plugins.hierarchy()
    unit = h.get(code)
    assert unit.name == name
    assert unit.kind is JurisdictionKind.DEVELOPMENT_ZONE
    assert unit.level is Level.COUNTY
    assert h.parent(code).code == "450100"
    assert h.contains("450100", code)
    assert h.contains("450000", code)
    source, line = h.origin(code)
    assert "jurisdictions.yaml" in source
    assert "nanning" in source
    assert line is not None


def test_adds_only_the_three_zones(plugins: PluginSet) -> None:
    guangxi_only = load_plugins(autoload=False, extra={"guangxi": guangxi_plugin})
    before = set(guangxi_only.hierarchy().codes())
    after = set(plugins.hierarchy().codes())
    assert after - before == set(ZONES)
    assert before <= after


def test_needs_guangxi() -> None:
    alone = load_plugins(autoload=False, extra={"nanning": nanning_plugin})
    p = alone.get("nanning")
    assert not p.ok
    assert "guangxi" in p.error


def test_inherits_guangxi_member_units(plugins: PluginSet) -> None:
    catalogue = plugins.member_units("450100-gaoxin")
    assert catalogue["市教育局"].name == "自治区教育厅"
    assert len({u.name for u in catalogue.values()}) == 20


def test_all_four_plugins_together() -> None:
    """No two regional plugins contribute the same unit."""
    yueyang = folder_plugin(pytest.importorskip("dudao_yueyang"))
    weinan = folder_plugin(pytest.importorskip("dudao_weinan"))
    every = load_plugins(
        autoload=False,
        extra={
            "guangxi": guangxi_plugin,
            "nanning": nanning_plugin,
            "yueyang": yueyang,
            "weinan": weinan,
        },
    )
    assert [p.name for p in every.failed] == []
    h = every.hierarchy()
    zones = {u.code for u in h if u.is_development_zone}
    assert zones == {*ZONES, "610500-gaoxin"}


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="nanning")
    assert ep.value == "dudao_nanning"
    # the entry point names the package: its data/ folder is the plugin, no Python needed
    assert folder_plugin(ep.load()).folder == nanning_plugin.folder
