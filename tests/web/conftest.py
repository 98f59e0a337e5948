"""Fixtures of the page tests: ``dudao serve``'s app on a temporary data folder
(seeded by :func:`web_helpers.seed`), TestClients signed in as the county and the
city account, and (for the browser tests) the app served by uvicorn on a loopback
port with one headless Chromium for the whole session."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import CHROMIUM, CHROMIUM_ARGS, OUTPUT, make_app, seed, sign_in


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the pages in headless Chromium")


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return make_app(tmp_path)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        seed(app)
        yield c


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """One app for the tests that only read (its lifespan runs for the session)."""
    app = make_app(tmp_path_factory.mktemp("shared"))
    with TestClient(app):
        seed(app)
        yield app


@pytest.fixture
def county_reads(shared_app: FastAPI) -> TestClient:
    """The county account on the shared app: for tests that change nothing."""
    c = TestClient(shared_app)
    sign_in(c, "qingxiu")
    return c


@pytest.fixture
def city_reads(shared_app: FastAPI) -> TestClient:
    """The city account on the shared app: for tests that change nothing."""
    c = TestClient(shared_app)
    sign_in(c, "nanning")
    return c


@pytest.fixture
def county(client: TestClient) -> TestClient:
    sign_in(client, "qingxiu")
    return client


@pytest.fixture
def city(client: TestClient) -> TestClient:
    sign_in(client, "nanning")
    return client


# ---------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn in a daemon thread on a free loopback port."""
    import uvicorn

    app = make_app(tmp_path_factory.mktemp("live"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    seed(app)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the session (skipped when absent)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def output() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
