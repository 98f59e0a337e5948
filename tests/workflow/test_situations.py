"""Accountability situations (问责情景) from plugins (issue 4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from dudao.cli.cases import cases
from dudao.plugins.manager import load_plugins

DAY = dt.date(2023, 5, 1)


def test_guangxi_situations_resolve_inside_guangxi_only() -> None:
    plugins = load_plugins()
    nanning = {s.id: s for s in plugins.accountability_situations("450103", DAY)}
    weinan = {s.id: s for s in plugins.accountability_situations("610503", DAY)}
    assert {"mass_incidents", "major_accident", "retaliation", "obstruction"} <= set(nanning)
    assert nanning["obstruction"].direct and nanning["obstruction"].scope == "450000"
    assert str(nanning["obstruction"].cite) == "厅发〔2020〕26号 二（十四）"
    assert "obstruction" not in weinan
    assert all(s.scope == "000000" for s in weinan.values())
    # not yet in force before the 实施意见
    before = {s.id for s in plugins.accountability_situations("450103", dt.date(2020, 1, 1))}
    assert "obstruction" not in before


def test_direct_situation_opens_a_severe_case_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    args = ["--store", db, "open", "450103", "--actor", "南宁市督导室", "--date", "2023-03-01"]
    r = CliRunner().invoke(cases, [*args, "--situation", "obstruction", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    # opened after 2021-09-01: the accountability stage starts with 调查认定
    assert data["case"]["allowed_next"] == ["investigation"]
    opened = data["events"][0]
    assert opened["payload"]["severe"] == "obstruction"
    assert opened["citation"] == "厅发〔2020〕26号 二（十四）"


def test_situation_not_in_force_for_the_target_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    args = ["--store", db, "open", "610503", "--actor", "渭南", "--date", "2023-03-01"]
    r = CliRunner().invoke(cases, [*args, "--situation", "obstruction"])
    assert r.exit_code == 2
    assert "national.mass_incidents" in r.stderr
