"""The README's generated part (counts, programmes, cases, example results, every
plan task) is what the plugin's data says: tools/plugin_readmes.py writes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]
NAME = Path(__file__).parents[1].name


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("DUDAO_NO_PLUGIN_AUTOLOAD", raising=False)


def test_readme_is_current() -> None:
    spec = importlib.util.spec_from_file_location(
        "plugin_readmes", ROOT / "tools/plugin_readmes.py"
    )
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    current = tool.readme(NAME).read_text(encoding="utf-8")
    assert current == tool.updated(NAME), "run: .venv/bin/python tools/plugin_readmes.py"
