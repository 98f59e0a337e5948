"""Guangxi's additions to the accountability workflow (厅发〔2020〕26号 二（七）–（十四）),
stated as ``workflow.*`` parameters in data/parameters/workflow.yaml and in force in
450000 only: the clause each step cites, the bodies at a feedback meeting (二（八）) and
at a 约谈 (二（十二）), the 约谈's filed record (二（十二）), the 通报's recipients and
recommendations (二（十三）), and no closing after 问责 without a passed 复查 (二（十））."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli.cases import cases
from dudao.plugins.manager import load_plugins
from dudao.workflow import LawBookPolicies, Step

DOC = "厅发〔2020〕26号"


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


class Cli:
    def __init__(self, path: Path) -> None:
        self.store = str(path)

    def __call__(self, *args: str) -> tuple[int, dict | None, str]:
        r = CliRunner().invoke(cases, ["--store", self.store, *args, "--format", "json"])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        return r.exit_code, (json.loads(r.stdout) if r.exit_code == 0 else None), r.stderr

    def walk(self, case: str, steps: list[tuple[str, ...]]) -> dict:
        data = None
        for step, *opts in steps:
            code, data, err = self("advance", case, step, *opts)
            assert code == 0, (step, err)
        assert data is not None
        return data


def _open(cli: Cli, target: str = "450103", date: str = "2023-03-01", *more: str) -> None:
    code, _, err = cli("open", target, "--actor", "南宁市人民政府教育督导室", "--date", date,
                       "--case-id", "C1", "--source", "督导检查", *more)  # fmt: skip
    assert code == 0, err


def _sets(*pairs: str) -> tuple[str, ...]:
    return tuple(x for pair in pairs for x in ("--set", pair))


MEETING = _sets("邀请单位=南宁市纪委监委", "邀请单位=市委组织部", "邀请单位=市绩效办")
FILED = _sets("备案单位=青秀区委区政府", "备案单位=南宁市教育局")
NOTICE = _sets("通报对象=青秀区委区政府", "建议=不得提拔使用或者转任重要职务")


def test_each_step_cites_its_clause_in_guangxi(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli)
    data = cli.walk(
        "C1",
        [
            ("督导报告", "--date", "2023-03-05", "--set", "公开=是"),
            ("反馈会议", "--date", "2023-03-10", *MEETING),
            ("整改", "--date", "2023-03-10", "--deadline", "2023-04-30"),
            ("督办", "--date", "2023-05-02", "--deadline", "2023-05-31",
             "--set", "主管部门=青秀区教育局", "--set", "原因=整改不及时"),
            ("约谈", "--date", "2023-06-01", "--deadline", "2023-06-30",
             "--set", "会同单位=南宁市纪委监委", "--set", "会同单位=市委组织部", *FILED),
            ("通报", "--date", "2023-07-03", "--deadline", "2023-07-31", *NOTICE),
            ("整改报告", "--date", "2023-07-20"),
            ("复查", "--date", "2023-07-25", "--set", "是否通过=是", "--set", "暗访=是"),
            ("结案", "--date", "2023-07-26"),
        ],
    )  # fmt: skip
    assert [e["citation"].split()[-1] for e in data["events"]] == [
        "二（七）",  # 立案
        "二（七）",  # 督导报告
        "二（八）",  # 反馈
        "二（九）",  # 下达整改
        "二（九）",  # 督办单
        "二（十二）",  # 约谈
        "二（十三）",  # 通报
        "二（九）",  # 报告整改
        "二（十）",  # 复查
        "二（十）",  # 结案
    ]
    assert all(e["citation"].startswith(DOC) for e in data["events"])


def test_accountability_cites_clause_fourteen_until_the_national_measures() -> None:
    policies = LawBookPolicies(load_plugins().law_book())
    before = policies.policy("450103", dt.date(2021, 8, 31), 2020)
    after = policies.policy("450103", dt.date(2021, 9, 1), 2020)
    assert str(before.citation(Step.ACCOUNTABILITY, dt.date(2021, 8, 31))) == f"{DOC} 二（十四）"
    assert str(after.citation(Step.ACCOUNTABILITY, dt.date(2021, 9, 1))) == "国教督〔2021〕2号"
    # outside Guangxi the same step cites the national 意见, then the measures
    hunan = policies.policy("430624", dt.date(2021, 8, 31), 2020)
    assert "厅发" not in str(hunan.citation(Step.ACCOUNTABILITY, dt.date(2021, 8, 31)))


def test_a_feedback_meeting_invites_discipline_organisation_and_performance(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli)
    code, _, err = cli("advance", "C1", "反馈会议", "--date", "2023-03-10",
                       "--set", "邀请单位=南宁市纪委监委")  # fmt: skip
    assert code == 2
    assert "反馈会议未邀请：党委组织部、绩效办" in err and f"依据 {DOC} 二（八）" in err
    # a written notice needs nobody
    assert cli("advance", "C1", "书面反馈", "--date", "2023-03-10")[0] == 0


def test_an_interview_is_joint_and_its_record_filed(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli)
    cli.walk("C1", [("书面反馈", "--date", "2023-03-10"),
                    ("整改", "--date", "2023-03-10", "--deadline", "2023-04-30")])  # fmt: skip
    code, _, err = cli("advance", "C1", "约谈", "--date", "2023-05-02", "--deadline", "2023-06-30",
                       "--set", "会同单位=青秀区教育局")  # fmt: skip
    assert code == 2
    assert "约谈未会同：纪检监察机关、党委组织部门" in err and f"{DOC} 二（十二）" in err
    assert "缺少必填内容：备案单位（record_filed_with）" in err


def test_a_notice_states_recipients_and_recommendations(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli)
    cli.walk("C1", [("书面反馈", "--date", "2023-03-10"),
                    ("整改", "--date", "2023-03-10", "--deadline", "2023-04-30")])  # fmt: skip
    code, _, err = cli("advance", "C1", "通报", "--date", "2023-05-02", "--deadline", "2023-06-30")
    assert code == 2
    assert "通报对象（recipients）、建议（consequences）" in err and f"{DOC} 二（十三）" in err


def test_no_closing_after_accountability_without_a_passed_reinspection(tmp_path: Path) -> None:
    # 二（十）: the rectification of what supervision found is re-inspected; 问责 does
    # not discharge it. A case opened on 威胁报复督学 (二（十四） second tier) before the
    # 2021 measures goes straight to 问责.
    cli = Cli(tmp_path / "c.db")
    _open(cli, "450305", "2021-03-01", "--severe", "retaliation")
    decided = ("问责", "--date", "2021-03-10", "--set", "问责方式=通报批评", "--set", "公开=是")
    assert cli.walk("C1", [decided])["events"][-1]["citation"] == f"{DOC} 二（十四）"
    code, _, err = cli("advance", "C1", "结案", "--date", "2021-03-20")
    assert code == 2
    assert "案件 C1 已问责（2021-03-10），尚未报告整改并经复查通过，不能结案" in err
    assert f"依据 {DOC} 二（十）" in err and "dudao_guangxi/data/parameters/workflow.yaml:" in err
    # citing 二（十） itself is no basis for skipping what 二（十） requires
    code, _, err = cli("advance", "C1", "结案", "--date", "2021-03-20", "--set", "理由=已问责",
                       "--citation", f"{DOC} 二（十）")  # fmt: skip
    assert code == 2 and "正是要求复查的条款" in err
    data = cli.walk(
        "C1",
        [
            ("整改报告", "--date", "2021-04-01", "--set", "情况=已整改"),
            ("复查", "--date", "2021-04-15", "--set", "是否通过=是"),
            ("结案", "--date", "2021-04-16"),
        ],
    )
    assert data["case"]["closed"]


def test_a_stated_reason_with_its_own_basis_closes_after_accountability(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "c.db")
    _open(cli, "450305", "2021-03-01", "--severe", "retaliation")
    cli.walk("C1", [("问责", "--date", "2021-03-10", "--set", "问责方式=通报批评",
                     "--set", "公开=是")])  # fmt: skip
    data = cli.walk("C1", [("结案", "--date", "2021-03-20", "--set", "理由=被督导学校已撤销",
                            "--citation", "示例〔2021〕1号 二")])  # fmt: skip
    assert data["case"]["closed"]
    assert data["events"][-1]["payload"]["reason"] == "被督导学校已撤销"
    assert data["events"][-1]["citation"] == "示例〔2021〕1号 二"
