"""What a running service holds: settings, the database (through the case store's
engine), the plugins in force, the jurisdiction tree, the law, and caches.

One :class:`Service` lives on ``app.state.service`` (:func:`dudao.server.app.create_app`
makes it in the app's lifespan); route handlers reach it with
:func:`dudao.server.deps.get_service`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from argon2 import PasswordHasher

from dudao.law.book import LawBook
from dudao.model.hierarchy import Hierarchy
from dudao.plugins.manager import PluginSet
from dudao.server.accounts import hasher
from dudao.server.db import open_database
from dudao.server.settings import Settings
from dudao.store.cases import CaseStore
from dudao.workflow.policy import LawBookPolicies

T = TypeVar("T")


class Service:
    """The service's state (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.plugins: PluginSet = settings.plugin_set()
        self.hierarchy: Hierarchy = self.plugins.hierarchy()
        self.law: LawBook = self.plugins.law_book()
        settings.ensure_data()
        self.store: CaseStore = open_database(
            settings.database_url, policies=LawBookPolicies(self.law)
        )
        self.engine: sa.Engine = self.store.engine
        #: Reads go through their own engine: on SQLite the store's engine begins
        #: every transaction with ``BEGIN IMMEDIATE`` (the write lock), which a read
        #: held open would keep from every writer (see :func:`read_engine`).
        self.reader: sa.Engine = read_engine(self.engine)
        self.password_hasher: PasswordHasher = hasher(settings.cheap_hashing)
        self.secret = settings.session_secret()
        #: What identifies the law in force: analysis results are cached per data
        #: version and this.
        self.law_version = hashlib.sha256(
            "|".join(f"{p.name}={p.version}:{p.state}" for p in self.plugins).encode()
        ).hexdigest()[:16]
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._computing: dict[tuple[Any, ...], threading.Lock] = {}

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """One transaction (committed on leaving, rolled back on an error)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reading only: it takes no write lock, so a writer (or
        another read) may run while it is open; on SQLite it cannot write."""
        with self.reader.connect() as conn:
            yield conn

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], size: int = 64) -> T:
        """``compute()`` once per key (concurrent callers of one key wait for the
        first); the ``size`` most recently used results are kept."""
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            with self._cache_lock:
                if key in self._cache:
                    return self._cache[key]  # type: ignore[no-any-return]
            value = compute()
            with self._cache_lock:
                self._cache[key] = value
                while len(self._cache) > size:
                    self._cache.popitem(last=False)
                self._computing.pop(key, None)
            return value

    def close(self) -> None:
        if self.reader is not self.engine:
            self.reader.dispose()
        self.store.close()


def read_engine(engine: sa.Engine) -> sa.Engine:
    """An engine for reads beside ``engine`` (the case store's).

    SQLite (a file): plain deferred ``BEGIN`` — in WAL mode a reader sees the last
    commit and neither waits for nor blocks a writer — with ``query_only`` on, so a
    write through it fails instead of taking the lock. PostgreSQL, and SQLite in
    memory (one shared connection): ``engine`` itself, whose reads lock nothing.
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return engine
    reader = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(reader, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" below issues BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=ON")
        cur.close()

    @sa.event.listens_for(reader, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return reader
