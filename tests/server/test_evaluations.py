"""Evaluations on approved data (issue 14, item 1): a city submits the measurement
tables ``dudao evaluate`` reads, validated with located errors; once the province
approves them, the analysis evaluates the city's counties on them — the same ranks
and totals ``dudao evaluate`` gives on the same tables — and the unit page shows
them without the 示例 mark (the bundled sample is used, marked, only before).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import dudao.examples
from dudao.examples import example_path
from dudao.plugins.manager import PluginSet
from dudao.server import accounts as acc
from dudao.server import submissions
from dudao.server.service import Service
from dudao.server.settings import Settings
from dudao.web.app import create_app

pytestmark = pytest.mark.regional

EXAMPLE = Path(dudao.examples.__file__).parent / "nanning_evaluation"
DAY = "2025-06-30"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, plugins: PluginSet) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("evaluations")
    settings = Settings(data=tmp / "data", secret="s", plugins=plugins, cheap_hashing=True)
    web = create_app(settings)
    with TestClient(web) as client:
        service: Service = web.state.service
        tokens = {}
        with service.begin() as conn:
            for name, unit in (("nn", "450100"), ("gx", "450000"), ("lz", "450200")):
                a = acc.create_account(
                    conn,
                    username=name,
                    password="pw-123456789",
                    unit=unit,
                    roles=("staff",),
                    hierarchy=service.hierarchy,
                    password_hasher=service.password_hasher,
                )
                tokens[name] = acc.issue_token(conn, a)
        # the city's check data (the Nanning example), so its page has something to show
        submissions.import_dataset(service, example_path("nanning"))
        yield client, tokens


def _evaluation_tags(page: str) -> list[str]:
    """The headings of the page's evaluations, with their 示例 tags."""
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h3>(.*?)</h3>", page)]


def _auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def _submit(client: TestClient, token: dict[str, str], files: dict[str, bytes]) -> Any:
    return client.post(
        "/api/v1/submissions",
        data={"unit": "450100", "year": "2024"},
        files=[("files", (name, content)) for name, content in files.items()],
        headers=token,
    )


def test_bad_measurements_are_refused_with_located_problems(app: Any) -> None:
    client, tokens = app
    text = (EXAMPLE / "measurements.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[2].split(",")  # 450102, the file's row 3
    row[header.index("teacher_pay_ratio")] = "高"
    bad = "\n".join([text[0], text[1], ",".join(row)])
    got = _submit(client, _auth(tokens, "nn"), {"measurements.csv": bad.encode()})
    assert got.status_code == 422, got.text
    problems = got.json()["problems"]
    located = [(p.get("source"), p.get("row"), tuple(p.get("path") or ())) for p in problems]
    assert located == [("measurements.csv", 3, ("teacher_pay_ratio",))]
    # a well-formed table naming a unit outside the city: 柳南区 is Liuzhou's
    other = text[2].replace("450102,2024,兴宁区", "450202,2024,柳南区")
    got = _submit(
        client, _auth(tokens, "nn"), {"measurements.csv": f"{text[0]}\n{text[1]}\n{other}".encode()}
    )
    assert got.status_code == 422, got.text
    problems = got.json()["problems"]
    assert [(p["source"], p["row"], p["path"], p["code"]) for p in problems] == [
        ("measurements.csv", 3, ["target"], "out-of-scope")
    ]


def test_evaluations_run_on_approved_measurements_only(app: Any) -> None:
    client, tokens = app
    nn = _auth(tokens, "nn")
    url = "/api/v1/analysis/450100/evaluations"
    before = client.get(url, params={"as_of": DAY}, headers=nn)
    assert before.status_code in (404, 422) and before.json()["problems"][0]["code"] == "no-data"
    files = {
        "measurements.csv": (EXAMPLE / "measurements.csv").read_bytes(),
        "school_resources.csv": (EXAMPLE / "schools.csv").read_bytes(),
    }
    sub = _submit(client, nn, files)
    assert sub.status_code == 201, sub.text
    assert client.get(url, params={"as_of": DAY}, headers=nn).json()["problems"][0]["code"] == (
        "no-data"  # submitted, not yet approved
    )
    # before: the page shows the bundled sample measurements, marked 示例
    sample = _evaluation_tags(client.get("/units/450100", headers=nn).text)
    assert "普及普惠 示例" in sample
    assert (
        client.post(
            f"/api/v1/submissions/{sub.json()['id']}/approve", headers=_auth(tokens, "gx")
        ).status_code
        == 200
    )

    got = client.get(url, params={"as_of": DAY}, headers=nn)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["data"]["submission_id"] == sub.json()["id"]
    by_set = {e["set_id"]: e for e in body["items"]}
    for set_id in ("quality_balanced", "preschool_universal"):
        cli = CliRunner().invoke(
            dudao_main(),
            ["evaluate", str(EXAMPLE), "--set", set_id, "--format", "json", "--as-of", DAY],
        )
        assert cli.exit_code == 0, cli.output
        expected = {
            r["target"]: (r["rank"], round(r["total"], 6), r["grade"])
            for r in json.loads(cli.output)["results"]
        }
        mine = by_set[set_id]
        assert mine["problem"] is None and mine["cite"]
        assert {
            r["target"]: (r["rank"], round(r["total"], 6), r["grade"]) for r in mine["rows"]
        } == expected
    # the page now evaluates the approved measurements: no 示例 mark for them
    shown = _evaluation_tags(client.get("/units/450100", headers=nn).text)
    assert "普及普惠" in shown and "普及普惠 示例" not in shown
    # a county reads its own row only; another city has no access
    one = client.get("/api/v1/analysis/450103/evaluations", params={"as_of": DAY}, headers=nn)
    assert {r["target"] for r in one.json()["items"][1]["rows"]} == {"450103"}
    assert client.get(url, headers=_auth(tokens, "lz")).status_code == 404


def dudao_main() -> Any:
    from dudao.cli import cli

    return cli
