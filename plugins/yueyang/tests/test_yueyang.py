"""The yueyang plugin: manifest and its one source document (no 文号, no exact date)."""

from __future__ import annotations

import importlib.metadata as md

import pytest
from dudao_yueyang.plugin import plugin as yueyang_plugin

from dudao.model.documents import Citation
from dudao.plugins.manager import PluginSet, load_plugins


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"yueyang": yueyang_plugin})


def test_info(plugins: PluginSet) -> None:
    p = plugins.get("yueyang")
    assert p.ok, p.error
    assert (p.info.name, p.info.title, p.info.scope) == ("yueyang", "岳阳市", "430600")
    assert p.info.builds_on == ()
    assert p.info.description


def test_document_has_no_number_and_no_date(plugins: PluginSet) -> None:
    (doc,) = plugins.get("yueyang").info.documents
    assert doc.number is None  # none printed
    assert doc.date is None  # none printed: not invented
    assert doc.issuer == "岳阳市人民政府教育督导委员会办公室"
    assert doc.title == "岳阳市2023年教育督导工作要点"
    assert doc.key == "《岳阳市2023年教育督导工作要点》"
    assert doc.cite("六") == Citation.parse("《岳阳市2023年教育督导工作要点》 六")


def test_adds_no_units(plugins: PluginSet) -> None:
    h = plugins.hierarchy()
    assert h.contains("430600", "430624")  # 湘阴县, the one unit the seed names
    assert [u for u in h.descendants("430600") if u.is_development_zone] == []
    base = load_plugins(autoload=False)
    assert set(h.codes()) == set(base.hierarchy().codes())


def test_entry_point() -> None:
    (ep,) = md.entry_points(group="dudao", name="yueyang")
    assert ep.value == "dudao_yueyang.plugin:plugin"
    assert ep.load() is yueyang_plugin
