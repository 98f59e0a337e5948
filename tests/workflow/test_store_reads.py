"""SQLite: the case store's reads take no write lock.

The store's engine begins every transaction with ``BEGIN IMMEDIATE`` so writers queue
on the lock before they replay a case. Its reads went through the same engine
(``CaseStore.cases``, ``CaseStore.overdue`` — the web's overdue list — ``case``,
``page`` …), so each read took the write lock too: a read waited (up to the 60 s
busy timeout) for any writer, and a read held open kept every writer waiting. Now
they begin with a plain ``BEGIN``: in WAL mode a reader sees the last commit and
neither waits for nor blocks a writer.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from wf_helpers import meeting, opened, ordered

from dudao.store import CaseStore
from dudao.store.schema import cases_table
from dudao.workflow.steps import Step

DAY = dt.date(2023, 6, 1)


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    """A SQLite store with case C1 past its rectification deadline and an open C2."""
    db = tmp_path / "cases.db"
    with CaseStore.open(db) as store:
        store.append_many([opened(), meeting("2023-03-10"), ordered("2023-03-15", "2023-05-31")])
        store.append_many([opened(case="C2")])
    yield db


def _in_thread(work: Callable[[], Any], seconds: float = 10) -> list[Any]:
    """Run ``work()`` in a thread: what it returned or raised, or empty if it is still
    waiting after ``seconds`` (for a lock)."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:  # the outcome is asserted by the test
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    return out


def _reads(store: CaseStore) -> dict[str, Any]:
    return {
        "cases": [s.case_id for s in store.cases()],
        "overdue": [o.case_id for o in store.overdue(DAY)],
        "case": store.case("C1").state.last,
        "page": store.page(closed=False).total,
        "events": store.count_events(),
        "replayed": len(list(store.replay_all())),
        "verify": store.verify(),
        "version": store.schema_version,
    }


def test_store_reads_do_not_wait_for_a_writer(path: Path) -> None:
    store = CaseStore.open(path)
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        out = _in_thread(lambda: _reads(store))
        assert out, "a read of the case store waited for the write lock"
        got = out[0]
        assert not isinstance(got, Exception), got
        assert got["cases"] == ["C1", "C2"] and got["overdue"] == ["C1"]
        assert got["case"] is Step.RECTIFICATION_ORDERED and got["page"] == 2
        assert got["events"] == 4 and got["replayed"] == 2 and got["verify"] == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        store.close()


def test_a_write_goes_through_while_a_store_read_is_open(path: Path) -> None:
    store, other = CaseStore.open(path), CaseStore.open(path)
    count = sa.select(sa.func.count()).select_from(cases_table)
    try:
        events = store.iter_events(batch=1)
        assert next(events).case_id == "C1"  # a streamed read, held open
        out = _in_thread(lambda: other.open_case("450102", DAY, actor="x", case_id="C3"))
        assert out, "a write waited for a read of the case store"
        assert not isinstance(out[0], Exception), out[0]
        assert [e.case_id for e in events] == ["C1", "C1", "C2"]  # the read's snapshot
        assert [s.case_id for s in store.cases()] == ["C1", "C2", "C3"]
        # the store's read connection: a writer gets the lock while it is in a read
        with store.reading() as conn:
            before = conn.execute(count).scalar_one()  # its transaction has begun
            out = _in_thread(lambda: other.open_case("450102", DAY, actor="x", case_id="C4"))
            assert out and not isinstance(out[0], Exception), out
            assert conn.execute(count).scalar_one() == before  # still its snapshot
            writer = sqlite3.connect(path, timeout=0, isolation_level=None)
            writer.execute("BEGIN IMMEDIATE")  # no "database is locked"
            writer.execute("ROLLBACK")
            writer.close()
    finally:
        store.close()
        other.close()


def test_writes_still_take_the_lock_before_they_read(path: Path) -> None:
    """What the store's appends rely on: a write transaction holds the lock from its
    BEGIN, so a second writer cannot start in between."""
    store = CaseStore.open(path)
    try:
        with store.engine.begin() as conn:
            conn.execute(sa.select(sa.func.count()).select_from(cases_table)).scalar_one()
            writer = sqlite3.connect(path, timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                writer.execute("BEGIN IMMEDIATE")
            writer.close()
    finally:
        store.close()
