"""``dudao serve``, ``dudao accounts`` and ``dudao cases open-findings`` on the
command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.examples import example_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_accounts_first_administrator_demo_and_list(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out = run(
        "accounts", "--data", data, "create", "root", "--unit", "420000", "--role", "admin",
        env={"DUDAO_PASSWORD": "a-long-password"},
    )  # fmt: skip
    assert code == 0, out
    assert "root" in out
    code, out = run("accounts", "--data", data, "create", "root2", "--unit", "429999",
                    "--role", "admin", env={"DUDAO_PASSWORD": "a-long-password"})  # fmt: skip
    assert code == 2 and "429999" in out
    code, out = run("accounts", "--data", data, "demo")  # dudao's own example: 宜昌市
    assert code == 0 and "xl-staff" in out and "dudao-demo" in out
    assert "已导入示例数据集 yichang" in out
    code, out = run("accounts", "--data", data, "demo")
    assert code == 0 and "已存在" in out  # a second run changes nothing
    code, out = run("accounts", "--data", data, "list", "--format", "json")
    names = {a["username"]: a for a in json.loads(out)["accounts"]}
    assert {"root", "hb-admin", "yc-staff", "xl-staff"} <= names.keys()
    assert names["xl-staff"]["unit"] == "420502" and names["xl-staff"]["roles"] == ["staff"]
    assert names["hb-admin"]["unit"] == "420000"
    code, out = run("accounts", "--data", data, "disable", "xl-staff")
    assert code == 0
    code, out = run("accounts", "--data", data, "list", "--format", "json")
    assert not {a["username"]: a for a in json.loads(out)["accounts"]}["xl-staff"]["active"]


def test_demo_accounts_only_for_an_example_that_has_them(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out = run("accounts", "--data", data, "demo", "nowhere")
    assert code == 2 and "没有为示例 'nowhere' 准备的演示账号" in out and "yichang" in out
    code, out = run("accounts", "--data", data, "list", "--format", "json")
    assert json.loads(out)["accounts"] == []  # refused before anything was written


@pytest.mark.regional
def test_nanning_demo_accounts_and_example(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out = run("accounts", "--data", data, "demo", "nanning")
    assert code == 0 and "qx-staff" in out and "dudao-demo" in out
    assert "已导入示例数据集 nanning" in out and "450100" in out
    code, out = run("accounts", "--data", data, "list", "--format", "json")
    names = {a["username"]: a for a in json.loads(out)["accounts"]}
    assert {"gx-admin", "nn-staff", "qx-staff"} <= names.keys()
    assert names["qx-staff"]["unit"] == "450103" and names["qx-staff"]["roles"] == ["staff"]
    assert not {n for n in names if n.startswith(("yc-", "xl-", "hb-"))}  # only what was asked


@pytest.mark.regional
def test_open_findings_opens_one_case_per_unit_and_rule_once(tmp_path: Path) -> None:
    store = str(tmp_path / "cases.db")
    folder = str(example_path("nanning"))
    args = ("cases", "--store", store, "open-findings", folder, "--actor", "南宁市政府教育督导室",
            "--date", "2023-03-10", "--within", "450126", "--format", "json")  # fmt: skip
    code, out = run(*args)
    assert code == 0, out
    first = json.loads(out)
    assert first["opened"] and {c["target"] for c in first["opened"]} == {"450126"}
    assert all(c["case_id"].startswith("F2023-450126-") for c in first["opened"])
    code, out = run(*args)
    again = json.loads(out)
    assert again["opened"] == [] and len(again["skipped"]) == len(first["opened"])


def test_help_loads_no_web_framework() -> None:
    code = (
        "import sys; from dudao.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'sqlalchemy', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_serve_prints_its_address_and_answers_there(tmp_path: Path) -> None:
    import re
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DUDAO_DATA": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from dudao.cli import main; main()", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/（", line)
        assert found and int(found.group(1)) == port, line
        deadline = time.monotonic() + 120
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["info"]["title"].startswith("dudao")
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/cases").status_code == 401
        # no page that would load scripts from a CDN
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/docs").status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=30)
