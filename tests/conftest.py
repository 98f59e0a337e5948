"""Shared test set-up: hypothesis profiles and small fixtures."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI=true loads hypothesis' built-in "ci" profile (derandomized, no deadline, no
# database); we extend it rather than replace it so the suite stays deterministic.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=100)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _no_plugin_autoload_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their plugins explicitly unless they ask for the installed ones."""
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)
