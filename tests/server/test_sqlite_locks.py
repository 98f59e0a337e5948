"""SQLite: a read held open takes no write lock (issue 14, item 2).

Before the service read through its own engine, ``service.read()`` began with the
case store's ``BEGIN IMMEDIATE``: a page that held a read connection while
:func:`dudao.server.submissions.folder_of` (or any write) opened another waited on
the lock for the 60 s timeout and failed with "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dudao.plugins.manager import PluginSet
from dudao.server import accounts as acc
from dudao.server.db import accounts
from dudao.server.service import Service
from dudao.server.settings import Settings


@pytest.fixture()
def service(tmp_path: Path, plugins: PluginSet) -> Iterator[Service]:
    svc = Service(Settings(data=tmp_path / "data", secret="s", plugins=plugins, cheap_hashing=True))
    yield svc
    svc.close()


def _in_thread(work: object, seconds: float = 10) -> list[object]:
    """Run ``work()`` in a thread; what it returned or raised, empty if it is still
    waiting after ``seconds`` (a lock held by the caller)."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(work())  # type: ignore[operator]
        except Exception as exc:  # the outcome is asserted by the test
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    return out


def _new_account(service: Service, name: str) -> int:
    with service.begin() as conn:
        return acc.create_account(
            conn,
            username=name,
            password="pw-123456789",
            unit="450100",
            roles=("staff",),
            hierarchy=service.hierarchy,
            password_hasher=service.password_hasher,
        ).id


def _count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(accounts)).scalar_one())


def test_a_write_goes_through_while_a_read_is_open(service: Service) -> None:
    with service.read() as conn:
        before = _count(conn)  # the read transaction has begun
        out = _in_thread(lambda: _new_account(service, "writer"))
        assert out and isinstance(out[0], int), f"write blocked by an open read: {out}"
        assert _count(conn) == before  # the open read keeps its snapshot
    with service.read() as conn:
        assert _count(conn) == before + 1


def test_reads_nest_and_a_write_inside_a_read_commits(service: Service) -> None:
    # what a page does: a read open while the submission's files are fetched and an
    # account written, all in one thread (no second thread to wait for)
    with service.read() as outer:
        n = _count(outer)
        with service.read() as inner:
            assert _count(inner) == n
        out = _in_thread(lambda: _new_account(service, "inside"))
        assert out and isinstance(out[0], int)


def test_a_read_connection_cannot_write(service: Service) -> None:
    with service.read() as conn, pytest.raises(sa.exc.OperationalError):
        conn.execute(accounts.delete())
    with service.read() as conn:
        _count(conn)  # still usable after the refused write
