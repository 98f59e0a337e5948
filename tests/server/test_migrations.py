"""The schema is Alembic's: every revision walks up → down → up on SQLite and
PostgreSQL, and the result is exactly the tables the service and the case store
declare (so a change to either without a migration fails here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dudao.server import db
from dudao.store import SCHEMA_VERSION, CaseStore
from dudao.store.schema import metadata as case_metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    new_database: Callable[[], str] = request.getfixturevalue("pg_database")
    return new_database()


def revisions() -> list[str]:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "dudao.server:migrations")
    script = ScriptDirectory.from_config(cfg)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def differences(engine: sa.Engine) -> list[Any]:
    both = sa.MetaData()
    for table in (*db.metadata.tables.values(), *case_metadata.tables.values()):
        table.to_metadata(both)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), both)
    return diffs


def test_each_revision_walks_up_down_up(url: str) -> None:
    engine = db.migration_engine(url)
    try:
        previous = "base"
        for rev in revisions():
            db.upgrade(engine, rev)
            assert db.current_revision(engine) == rev
            db.downgrade(engine, previous)
            assert db.current_revision(engine) == (None if previous == "base" else previous)
            db.upgrade(engine, rev)
            previous = rev
        assert differences(engine) == []
        db.downgrade(engine, "base")
        names = set(sa.inspect(engine).get_table_names())
        assert names <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_case_store_opens_the_migrated_schema_as_its_own(url: str) -> None:
    engine = db.migration_engine(url)
    db.upgrade(engine)
    engine.dispose()
    with CaseStore.open(url, migrate=False) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.verify() == []


def test_an_unreachable_database_is_a_clear_problem(tmp_path: Path) -> None:
    from dudao.errors import DudaoError

    with pytest.raises(DudaoError) as err:
        db.open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    assert err.value.codes == ["database-unavailable"]
