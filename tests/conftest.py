"""Shared test set-up: hypothesis profiles, the ``regional`` marker, small fixtures and
a throwaway PostgreSQL server for the tests of both backends.

* ``pg_server``: a throwaway PostgreSQL cluster for the session (initdb + pg_ctl in a
  temporary directory, on a free port, run as the ``postgres`` user when the tests
  run as root, because postgres refuses to run as root); the tests that need it are
  skipped, saying why, when the server programs or psycopg are missing;
* ``pg_database``: makes a new, empty database on it and gives its URL (the workflow,
  store, migration and service tests).

Fixtures, not names to import: ``from conftest import …`` finds whichever conftest.py
comes first on sys.path, which depends on what else was collected.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path

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


# ---------------------------------------------------------------- PostgreSQL
def _pg_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(dirs[-1]).parent if dirs else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The base URL (``postgresql+psycopg://postgres@127.0.0.1:PORT/``) of a
    PostgreSQL server that lives for the test session."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("没有 PostgreSQL 服务器程序（initdb、pg_ctl）：apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("没有 PostgreSQL 驱动 psycopg：pip install 'dudao[postgres]'")
    root = Path(tempfile.mkdtemp(prefix="dudao-pg-"))  # under /tmp: the postgres user reaches it
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres will not run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("以 root 运行测试时需要 postgres 用户来启动 PostgreSQL")
        os.chown(root, user.pw_uid, user.pw_gid)
        runuser = shutil.which("runuser")
        prefix = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]
    data, log, port = root / "data", root / "server.log", _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(bindir / args[0]), *args[1:]]
        if prefix[-1:] == ["-c"]:  # su takes one shell command
            cmd = [" ".join(cmd)]
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120)

    init = run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
               "--locale=C", "--no-sync")  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"initdb 失败：{init.stderr.strip()[:300]}")
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=300 -c shared_buffers=32MB"
    )
    start = run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
    if start.returncode != 0:
        text = log.read_text() if log.exists() else start.stderr
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"PostgreSQL 启动失败：{text.strip()[-300:]}")
    # A watchdog stops the server and removes its directory if this process dies
    # without tearing down (killed by a timeout, say): no cluster outlives the run.
    stop = shlex.join([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    if prefix[-1:] == ["-c"]:
        stop = shlex.join([*prefix, f"{bindir / 'pg_ctl'} -D {data} -m immediate stop"])
    watchdog = (
        f"while kill -0 {os.getpid()} 2>/dev/null && [ -d {shlex.quote(str(data))} ]; do sleep 1; done; "
        f"if [ -d {shlex.quote(str(data))} ]; then {stop} >/dev/null 2>&1; "
        f"rm -rf {shlex.quote(str(root))}; fi"
    )
    subprocess.Popen(["sh", "-c", watchdog], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _new_pg_database(base: str) -> str:
    """A new empty database on the server at ``base``; its URL."""
    import psycopg

    name = f"dudao_test_{uuid.uuid4().hex[:12]}"
    dsn = base.replace("postgresql+psycopg://", "postgresql://") + "postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base + name


@pytest.fixture(scope="session")
def pg_database(pg_server: str) -> Callable[[], str]:
    """Makes a new, empty database on the session's PostgreSQL server and gives its
    URL (``postgresql+psycopg://…``), once per call (session-scoped: module-scoped
    fixtures such as the service tests' ``live`` use it too)."""
    return lambda: _new_pg_database(pg_server)
