"""One listing of the law in force, :func:`dudao.api.law_in_force`: what ``dudao rules
--for`` prints and the web pages' 法规与参数 show, so the two cannot drift apart."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from dudao import api
from dudao.cli import cli

DAY = dt.date(2023, 3, 1)


@pytest.mark.regional
def test_rows_name_values_as_a_person_reads_them() -> None:
    plugins = api.load_plugins()
    rows = api.law_in_force(plugins.law_book(), "450103", DAY, plugins.member_units("450103"))
    params = {p["id"]: p for p in rows["parameters"]}
    assert params["funding.in_budget_required"]["value"] is True
    assert params["funding.in_budget_required"]["display"] == "是"
    assert params["evaluation.township_evaluation"]["display"] == "否"
    visits = params["supervision.visits_per_semester"]
    assert visits["source"].endswith("supervision.yaml:6") and visits["validity"]
    assert "quality_balanced" in {s["id"] for s in rows["sets"]}
    assert all(r["citation"] for r in rows["rules"])


def test_the_command_prints_the_same_rows() -> None:
    plugins = api.load_plugins()
    rows = api.law_in_force(plugins.law_book(), "450103", DAY, plugins.member_units("450103"))
    out = CliRunner().invoke(
        cli, ["rules", "--for", "450103", "--as-of", DAY.isoformat(), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [p["display"] for p in data["parameters"]] == [p["display"] for p in rows["parameters"]]
    assert [r["id"] for r in data["rules"]] == [r["id"] for r in rows["rules"]]
