"""The national workflow rests on national documents only (issue 13).

With every installed plugin loaded (Guangxi's among them), a case outside Guangxi —
湘阴县 430624 (Hunan), 蒲城县 610526 (Shaanxi) — cites the 《教育督导条例》, the 2020
《意见》 or 国教督〔2021〕2号, and nothing there requires the bodies Guangxi's 厅发〔2020〕26号
二（八）、二（十二） name; a Guangxi case (青秀区 450103) still does, citing those clauses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli.cases import cases

NATIONAL = {"《教育督导条例》", "《关于深化新时代教育督导体制机制改革的意见》", "国教督〔2021〕2号"}


class Cli:
    """``dudao cases`` on one store, keeping everything it printed."""

    def __init__(self, path: Path) -> None:
        self.store = str(path)
        self.printed: list[str] = []

    def __call__(self, *args: str) -> tuple[int, dict | None, str]:
        r = CliRunner().invoke(cases, ["--store", self.store, *args, "--format", "json"])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        self.printed += [r.stdout, r.stderr]
        return r.exit_code, (json.loads(r.stdout) if r.exit_code == 0 else None), r.stderr


def _open(cli: Cli, target: str, case: str = "C1") -> None:
    code, _, err = cli("open", target, "--actor", "县人民政府教育督导室", "--date", "2023-03-01",
                       "--case-id", case, "--source", "督导检查")  # fmt: skip
    assert code == 0, err


def test_xiangyin_feedback_meeting_needs_no_guangxi_bodies(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli, "430624")
    code, data, err = cli("advance", "C1", "反馈会议", "--date", "2023-03-10",
                          "--set", "邀请单位=湘阴县教育局")  # fmt: skip
    assert code == 0, err
    assert data is not None
    assert [e["citation"] for e in data["events"]] == ["《教育督导条例》", "《教育督导条例》"]
    assert data["events"][1]["payload"]["invitees"] == ["湘阴县教育局"]


def test_pucheng_interview_needs_no_guangxi_bodies(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli, "610526")
    for step, *opts in [
        ("书面反馈", "--date", "2023-03-10"),
        ("下达整改", "--date", "2023-03-10", "--deadline", "2023-04-30"),
        ("约谈", "--date", "2023-05-05", "--deadline", "2023-06-30", "--set", "会同单位=蒲城县教育局"),
    ]:  # fmt: skip
        code, data, err = cli("advance", "C1", step, *opts)
        assert code == 0, (step, err)
    assert data is not None
    interview = data["events"][-1]
    assert interview["step"] == "interview"
    assert interview["citation"] == "《关于深化新时代教育督导体制机制改革的意见》"
    assert interview["payload"]["record_filed_with"] == []  # nothing filed by default


@pytest.mark.regional
def test_qingxiu_feedback_meeting_still_needs_guangxi_bodies(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli, "450103")
    code, _, err = cli("advance", "C1", "反馈会议", "--date", "2023-03-10",
                       "--set", "邀请单位=青秀区教育局")  # fmt: skip
    assert code == 2
    assert "反馈会议未邀请：纪检监察机关、党委组织部、绩效办" in err
    assert "依据 厅发〔2020〕26号 二（八）" in err


@pytest.mark.parametrize("target", ["430624", "610526"])
def test_no_output_outside_guangxi_cites_its_document(tmp_path: Path, target: str) -> None:
    """Cases walked to their end outside Guangxi — a meeting and a 约谈 without anyone
    Guangxi requires, closing after 问责 without a 复查, refusals on the way (closing
    an unpublished decision, a 2021 step on a case opened before the measures) —
    never print 厅发, and every citation is national."""
    cli = Cli(tmp_path / "c.db")
    _open(cli, target)
    _open(cli, target, "S")
    code, _, err = cli("open", target, "--actor", "县人民政府教育督导室", "--date", "2021-05-01",
                       "--case-id", "O", "--source", "督导检查", "--severe", "retaliation")  # fmt: skip
    assert code == 0, err
    walk = [
        ("C1", "督导报告", "--date", "2023-03-05", "--set", "公开=是"),
        ("C1", "反馈会议", "--date", "2023-03-10"),
        ("C1", "整改", "--date", "2023-03-10", "--deadline", "2023-04-30"),
        ("C1", "督办", "--date", "2023-05-02", "--deadline", "2023-05-31",
         "--set", "主管部门=县教育局", "--set", "原因=整改不及时"),
        ("C1", "约谈", "--date", "2023-06-02", "--deadline", "2023-06-30"),
        ("C1", "通报", "--date", "2023-07-03", "--deadline", "2023-07-31"),
        ("C1", "调查认定", "--date", "2023-08-03", "--set", "应当问责=是"),
        ("C1", "陈述申辩", "--date", "2023-08-10", "--set", "放弃=是"),
        ("C1", "问责", "--date", "2023-08-20", "--set", "问责方式=约谈", "--set", "公开=否",
         "--set", "事实=整改不力", "--set", "依据=国教督〔2021〕2号",
         "--set", "生效日期=2023-08-20"),
        ("C1", "结案", "--date", "2023-08-21"),  # refused: not published
        ("C1", "申诉", "--date", "2023-09-01", "--set", "申请日期=2023-08-25",
         "--set", "结果=撤销"),
        ("C1", "结案", "--date", "2023-09-02"),
        ("S", "书面反馈", "--date", "2023-03-10"),
        ("S", "表彰", "--date", "2023-03-20", "--set", "原因=督导结果优秀"),
        ("S", "结案", "--date", "2023-03-21"),
        ("O", "调查认定", "--date", "2021-05-10", "--set", "应当问责=是"),  # refused: 2020 path
        ("O", "问责", "--date", "2021-05-20", "--set", "问责方式=通报批评", "--set", "公开=是"),
        ("O", "结案", "--date", "2021-05-21"),
    ]  # fmt: skip
    codes = [cli("advance", case, *args)[0] for case, *args in walk]
    assert codes == [0] * 9 + [2] + [0] * 5 + [2, 0, 0]
    for case in ("C1", "S", "O"):
        code, data, _ = cli("show", case)
        assert data is not None and data["case"]["closed"]
        assert {e["citation"] for e in data["events"]} <= NATIONAL
    cli("list")
    printed = "".join(cli.printed)
    assert "厅发" not in printed and "二（" not in printed
