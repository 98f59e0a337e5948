"""Shared fixtures of the workflow tests.

* the builders in wf_helpers are importable (tests use importlib mode);
* ``pg_server``: a throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary
  directory, on a free port, run as the ``postgres`` user when the tests run as
  root, because postgres refuses to run as root); the tests that need it are
  skipped, saying why, when the server programs or psycopg are missing;
* ``store_url``: a new, empty case store on each backend (SQLite file, and a
  fresh PostgreSQL database), so the store's tests run against both.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


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


def new_pg_database(base: str) -> str:
    """A new empty database on the server at ``base``; its URL."""
    import psycopg

    name = f"dudao_test_{uuid.uuid4().hex[:12]}"
    dsn = base.replace("postgresql+psycopg://", "postgresql://") + "postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base + name


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    return new_pg_database(request.getfixturevalue("pg_server"))
