"""Shared test set-up: hypothesis profiles, the ``regional`` marker and small fixtures."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest
from hypothesis import settings

# CI=true loads hypothesis' built-in "ci" profile (derandomized, no deadline, no
# database); we extend it rather than replace it so the suite stays deterministic.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=100)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

#: What rich reads from the environment when it makes a console. dudao.cli.output makes
#: the CLI's consoles once, at import, so any of these set by the caller's terminal
#: (COLUMNS=60, FORCE_COLOR …) would fix the width and colours of every command the
#: tests run in-process, and CliRunner(env={"COLUMNS": …}) could no longer choose them.
#: Removed before any test module imports the CLI: the caller's terminal changes nothing.
TERMINAL_ENV = (
    "COLUMNS",
    "LINES",
    "FORCE_COLOR",
    "NO_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)
for _name in TERMINAL_ENV:
    os.environ.pop(_name, None)

#: the regional plugin distributions in plugins/, by their ``dudao`` entry point
REGIONAL_PLUGINS = frozenset({"guangxi", "nanning", "yueyang", "weinan"})
#: why a ``regional`` test is skipped when the core is installed alone (.ci/run does that)
REGIONAL_REASON = (
    "需要地区插件（仅安装核心时跳过） / needs the regional plugins "
    "(guangxi, nanning, yueyang, weinan; skipped with the core alone)"
)


def regional_plugins_installed() -> bool:
    """Whether all four regional plugin distributions are installed."""
    return {ep.name for ep in entry_points(group="dudao")} >= REGIONAL_PLUGINS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "regional: needs the regional plugins installed (guangxi, nanning, yueyang, weinan); "
        "skipped when the core is installed alone",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if regional_plugins_installed():
        return
    skip = pytest.mark.skip(reason=REGIONAL_REASON)
    for item in items:
        if item.get_closest_marker("regional") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_plugin_autoload_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their plugins explicitly unless they ask for the installed ones."""
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)
