"""Accountability situations (问责情景) from plugins (issue 4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli.cases import cases
from dudao.plugins.manager import load_plugins

DAY = dt.date(2023, 5, 1)


@pytest.mark.regional
def test_guangxi_situations_resolve_inside_guangxi_only() -> None:
    plugins = load_plugins()
    nanning = {s.id: s for s in plugins.accountability_situations("450103", DAY)}
    weinan = {s.id: s for s in plugins.accountability_situations("610503", DAY)}
    assert {"mass_incidents", "major_accident", "retaliation", "obstruction"} <= set(nanning)
    assert nanning["retaliation"].direct and nanning["retaliation"].scope == "450000"
    assert str(nanning["retaliation"].cite) == "厅发〔2020〕26号 二（十四）"
    assert "retaliation" not in weinan and "obstruction" not in weinan
    assert all(s.scope == "000000" for s in weinan.values())
    # not yet in force before the 实施意见
    before = {s.id for s in plugins.accountability_situations("450103", dt.date(2020, 1, 1))}
    assert "retaliation" not in before


@pytest.mark.regional
def test_obstruction_is_first_tier_not_direct() -> None:
    # 厅发〔2020〕26号 二（十四）: "对年度目标任务未完成、履行教育职责评价不合格，阻挠、干扰和
    # 不配合教育督导工作的被督导单位，按照有关规定予以约谈、通报并对相关负责人进行问责" — the
    # same tier as the two situations before it; only 群体性事件、重大安全事故、威胁报复 are
    # pursued directly ("严肃追究").
    situations = {s.id: s for s in load_plugins().accountability_situations("450103", DAY)}
    first = [situations[i] for i in ("annual_targets_missed", "duty_evaluation_failed")]
    obstruction = situations["obstruction"]
    assert not obstruction.direct and obstruction.trigger is None
    assert [f.value for f in obstruction.forms] == ["interview", "supervision_notice"]
    assert all(s.forms == obstruction.forms and not s.direct for s in first)
    assert str(obstruction.cite) == "厅发〔2020〕26号 二（十四）"
    direct = {i for i, s in situations.items() if s.direct}
    assert direct == {"mass_incidents", "major_accident", "retaliation"}


def _open(db: str, target: str, situation: str) -> tuple[int, str, str]:
    args = ["--store", db, "open", target, "--actor", "南宁市督导室", "--date", "2023-03-01"]
    r = CliRunner().invoke(
        cases, [*args, "--source", "inspection", "--situation", situation, "--format", "json"]
    )
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.regional
def test_direct_situation_opens_a_severe_case_through_the_cli(tmp_path: Path) -> None:
    code, out, err = _open(str(tmp_path / "c.db"), "450103", "retaliation")
    assert code == 0, err
    data = json.loads(out)
    # opened after 2021-09-01: the accountability stage starts with 调查认定
    assert data["case"]["allowed_next"] == ["investigation"]
    opened = data["events"][0]
    assert opened["payload"]["severe"] == "retaliation"
    assert opened["citation"] == "厅发〔2020〕26号 二（十四）"


@pytest.mark.regional
def test_an_obstruction_case_goes_through_interview_and_notice(tmp_path: Path) -> None:
    code, out, err = _open(str(tmp_path / "c.db"), "450103", "obstruction")
    assert code == 0, err
    data = json.loads(out)
    assert data["case"]["allowed_next"] == ["reported", "feedback"]  # not straight to 问责
    assert data["events"][0]["payload"]["severe"] is None
    assert data["events"][0]["payload"]["reference"] == "obstruction"


def test_obstruction_is_no_longer_offered_as_a_severe_trigger(tmp_path: Path) -> None:
    args = ["--store", str(tmp_path / "c.db"), "open", "450103", "--actor", "南宁市督导室"]
    r = CliRunner().invoke(cases, [*args, "--source", "inspection", "--severe", "obstruction"])
    assert r.exit_code == 2 and "--severe 的取值 'obstruction' 无法识别" in r.stderr
    assert "obstruction" not in r.stderr.split("可选：")[1]


def test_situation_not_in_force_for_the_target_is_refused(tmp_path: Path) -> None:
    code, _, err = _open(str(tmp_path / "c.db"), "610503", "retaliation")
    assert code == 2
    assert "national.mass_incidents" in err
