"""Fixtures of the service's tests: the service started on loopback (uvicorn in a
thread, on a free port) against SQLite and PostgreSQL, with accounts across the tree.

PostgreSQL comes from the session's throwaway cluster (``pg_database``,
tests/conftest.py), skipped with its reason when absent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from dudao.plugins.manager import PluginSet, load_plugins
from dudao.server import accounts as acc
from dudao.server.app import create_app
from dudao.server.service import Service
from dudao.server.settings import Settings

#: The accounts every service under test has: user name → (unit, roles).
ACCOUNTS = {
    "gx-admin": ("450000", ("admin", "staff")),
    "gx-staff": ("450000", ("staff",)),
    "nn-staff": ("450100", ("staff",)),
    "nn-admin": ("450100", ("admin",)),
    "nn-viewer": ("450100", ("viewer",)),
    "qx-staff": ("450103", ("staff",)),
    "xn-staff": ("450102", ("staff",)),
    "lz-staff": ("450200", ("staff",)),
    "lz-admin": ("450200", ("admin",)),
    "cz-staff": ("450202", ("staff",)),
}
PASSWORD = "test-password"


@pytest.fixture(scope="session")
def plugins() -> PluginSet:
    return load_plugins()


class Live:
    """A running service: its base URL, the Service behind it, tokens by user name."""

    def __init__(self, url: str, service: Service) -> None:
        self.url = url
        self.service = service
        self.tokens: dict[str, str] = {}

    def client(self, username: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(username)}"} if username else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            with self.service.begin() as conn:
                account = acc.find_account(conn, username)
                assert account is not None
                self.tokens[username] = acc.issue_token(conn, account)
        return self.tokens[username]

    def add_account(self, username: str, unit: str, roles: tuple[str, ...]) -> acc.Account:
        with self.service.begin() as conn:
            return acc.create_account(
                conn,
                username=username,
                password=PASSWORD,
                unit=unit,
                roles=roles,
                hierarchy=self.service.hierarchy,
                password_hasher=self.service.password_hasher,
            )


@contextmanager
def running(settings: Settings) -> Iterator[Live]:
    """The service on 127.0.0.1, a free port, until the block ends."""
    service = Service(settings)
    app = create_app(settings, service=service)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("服务未能启动")
        time.sleep(0.02)
    live = Live(f"http://127.0.0.1:{port}", service)
    for username, (unit, roles) in ACCOUNTS.items():
        live.add_account(username, unit, roles)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        service.close()


def settings_for(
    backend: str, tmp: Path, request: pytest.FixtureRequest, plugins: PluginSet
) -> Settings:
    db = None
    if backend == "postgresql":
        db = request.getfixturevalue("pg_database")()
    return Settings(
        data=tmp / "data",
        db=db,
        secret="test-secret",
        plugins=plugins,
        cheap_hashing=True,
        login_failures=5,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, plugins: PluginSet
) -> Iterator[Live]:
    """The service on each backend, shared by a module's tests."""
    tmp = tmp_path_factory.mktemp(f"service-{request.param}")
    with running(settings_for(request.param, tmp, request, plugins)) as live:
        yield live


@pytest.fixture(scope="module")
def live_sqlite(tmp_path_factory: pytest.TempPathFactory, plugins: PluginSet) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("service-sqlite")
    settings = Settings(
        data=tmp / "data", secret="test-secret", plugins=plugins, cheap_hashing=True
    )
    with running(settings) as live:
        yield live
