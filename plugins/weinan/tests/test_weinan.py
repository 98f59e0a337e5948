"""The weinan plugin: manifest, the city document and 蒲城县's forwarding letter, 渭南高新区."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md

import pytest

from dudao.model.documents import DocumentNumber
from dudao.model.jurisdiction import JurisdictionKind, Level
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.markers import hookimpl
from dudao.plugins.yaml_plugin import folder_plugin

weinan_plugin = folder_plugin("dudao_weinan")


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"weinan": weinan_plugin})


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("weinan")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("weinan", "渭南市", "610500")
    assert p.info.builds_on == ()
    assert p.info.description


def test_documents(plugins: PluginSet) -> None:
    city, letter = plugins.get("weinan").info.documents
    assert [city.key, letter.key] == ["渭政教督办〔2023〕1号", "蒲政教督办函〔2023〕3号"]
    assert city.issuer == "渭南市人民政府教育督导委员会办公室"
    assert city.date == dt.date(2023, 2, 15)
    assert letter.number == DocumentNumber("蒲政教督办", True, 2023, 3)
    assert letter.issuer == "蒲城县人民政府教育督导委员会办公室"
    assert letter.date is None  # the scan reads 2023年公月23日: the month is lost
    assert "渭南市人民政府教育督导委员会办公室" in letter.title


def test_high_tech_zone(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    zone = h.get("610500-gaoxin")
    assert zone.name == "渭南高新技术产业开发区"
    assert zone.kind is JurisdictionKind.DEVELOPMENT_ZONE
    assert zone.level is Level.COUNTY
    assert h.parent("610500-gaoxin").code == "610500"
    assert h.contains("610500", "610500-gaoxin")
    assert not h.contains("610526", "610500-gaoxin")  # not under 蒲城县
    source, line = h.origin("610500-gaoxin")
    assert "jurisdictions.yaml" in source
    assert line is not None


def test_adds_only_the_zone(plugins: PluginSet) -> None:
    """Locality: outside 610500 the tree is exactly the national one."""
    base = set(load_plugins(autoload=False).hierarchy().codes())
    assert set(plugins.hierarchy().codes()) - base == {"610500-gaoxin"}


class BrokenObj:
    """A plugin whose manifest cannot be read."""

    @hookimpl
    def dudao_plugin_info(self):
        raise RuntimeError("清单损坏")


def test_a_broken_plugin_does_not_stop_weinan() -> None:
    plugins = load_plugins(autoload=False, extra={"weinan": weinan_plugin, "broken": BrokenObj()})
    assert plugins.get("weinan").ok
    broken = plugins.get("broken")
    assert not broken.ok
    assert "RuntimeError" in broken.error
    assert "清单损坏" in broken.error
    assert [p.name for p in plugins.active] == ["national", "weinan"]
    assert "610500-gaoxin" in plugins.hierarchy()


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="weinan")
    assert ep.value == "dudao_weinan"
    # the entry point names the package: its data/ folder is the plugin, no Python needed
    assert folder_plugin(ep.load()).folder == weinan_plugin.folder
