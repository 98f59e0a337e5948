"""Shared fixtures of the workflow tests.

* the builders in wf_helpers are importable (tests use importlib mode);
* ``store_url``: a new, empty case store on each backend (SQLite file, and a
  fresh PostgreSQL database from ``pg_database``, tests/conftest.py), so the store's
  tests run against both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    new_database: Callable[[], str] = request.getfixturevalue("pg_database")
    return new_database()
