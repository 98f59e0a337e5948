"""``dudao cases`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli.cases import cases


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cases, ["--store", str(store), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.regional
def test_walk_a_case(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    code, out, _ = run(
        db,
        "open",
        "450103",
        "--actor",
        "南宁市督导室",
        "--date",
        "2023-03-01",
        "--case-id",
        "C1",
        "--source",
        "督导检查",
        "--summary",
        "督学不足",
    )
    assert code == 0 and "立案" in out
    steps = [
        (
            "feedback",
            "--date",
            "2023-03-10",
            "--set",
            "mode=反馈会议",
            "--set",
            "invitees=市纪委监委",
            "--set",
            "invitees=市委组织部",
            "--set",
            "invitees=市绩效办",
        ),
        ("下达整改", "--date", "2023-03-10", "--deadline", "2023-04-30"),
        (
            "督办单",
            "--date",
            "2023-05-02",
            "--deadline",
            "2023-06-30",
            "--set",
            "supervising_department=青秀区教育局",
            "--set",
            "reason=late",
        ),
        ("rectification_reported", "--date", "2023-06-20"),
        ("reinspected", "--date", "2023-07-01", "--set", "passed=true", "--set", "unannounced=是"),
        ("closed", "--date", "2023-07-02"),
    ]
    for step, *opts in steps:
        code, out, err = run(db, "advance", "C1", step, *opts)
        assert code == 0, err
    code, out, _ = run(db, "show", "C1", "--format", "json")
    data = json.loads(out)
    assert data["case"]["closed"] and data["case"]["rank"] == 1
    assert [e["citation"] for e in data["events"]][-2] == "厅发〔2020〕26号 二（十）"
    code, out, _ = run(db, "list", "--closed", "--format", "json")
    assert [c["case_id"] for c in json.loads(out)["cases"]] == ["C1"]


OPEN = ("open", "450103", "--actor", "督导室", "--date", "2023-03-01", "--source", "inspection")


def test_bad_input_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(db, *OPEN, "--case-id", "C1")
    run(db, "advance", "C1", "feedback", "--date", "2023-03-10", "--set", "mode=written")
    bad = [
        (["advance", "C9", "feedback"], "没有案件 C9"),
        (["advance", "C1", "closed", "--date", "2023-03-11"], "当前状态为“反馈”"),
        (
            ["advance", "C1", "下达整改", "--date", "2023-03-01", "--deadline", "2023-05-01"],
            "早于上一事件的日期",
        ),
        (
            ["advance", "C1", "下达整改", "--date", "2023-03-11", "--deadline", "2023-03-05"],
            "不晚于设定它的事件日期",
        ),
        (["advance", "C1", "下达整改", "--date", "2023-03-11"], "须给出整改期限"),
        (["advance", "C1", "nonsense"], "不认识的步骤 'nonsense'"),
        (["advance", "C1", "下达整改", "--set", "colour=red"], "无法理解 --set"),
        (
            ["advance", "C1", "下达整改", "--date", "03/11/2023", "--deadline", "2023-05-01"],
            "格式不对",
        ),
        ([*OPEN, "--case-id", "C1"], "已存在"),
    ]
    for args, message in bad:
        code, out, err = run(db, *args)
        assert code == 2, (args, out, err)
        assert message in err, (args, err)
        assert "Traceback" not in err
    code, out, _ = run(db, "show", "C1", "--format", "json")
    assert len(json.loads(out)["events"]) == 2


def test_overdue(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(db, *OPEN, "--case-id", "C1")
    run(db, "advance", "C1", "feedback", "--date", "2023-03-10", "--set", "mode=written")
    run(db, "advance", "C1", "下达整改", "--date", "2023-03-10", "--deadline", "2023-04-30")
    code, out, _ = run(db, "overdue", "--as-of", "2023-05-03", "--format", "json")
    rows = json.loads(out)["overdue"]
    assert code == 0 and rows[0]["due"] == "supervision_order" and rows[0]["days"] == 3
    code, out, err = run(db, "overdue", "--as-of", "2023-04-30")
    assert code == 0 and "没有逾期案件" in err
    code, out, _ = run(db, "overdue", "--as-of", "2023-05-03")
    assert "督办单" in out


def test_store_too_new(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "c.db"
    run(db, "list")
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE dudao_schema_version SET version = 7")
    code, _, err = run(db, "list")
    assert code == 2 and "升级 dudao" in err


# ---------------------------------------------------------------- issue 13
def _help_steps() -> list[list[str]]:
    """The step names ``advance --help`` lists, one list per step."""
    text = CliRunner().invoke(cases, ["advance", "--help"], terminal_width=200).stdout
    block = text.split("STEP 可写（每行一步，写其中任一名称）：")[1].split("\n\n")[0]
    return [line.strip().split("、") for line in block.strip().splitlines()]


def test_help_lists_exactly_the_step_names_advance_accepts() -> None:
    from dudao.cli.cases import _parse_step_arg
    from dudao.errors import DudaoError
    from dudao.workflow import Step, step_names

    listed = _help_steps()
    flat = [name for names in listed for name in names]
    # every listed name is accepted, as the step its line is about
    for names in listed:
        assert {_parse_step_arg(n) for n in names} == {Step.parse(names[0])}
    # and nothing else is: every name of every step but 立案 is listed
    accepted = {n for s in Step if s is not Step.OPENED for n in step_names(s)}
    assert set(flat) == accepted and len(flat) == len(accepted)
    # the words officials use
    assert {"复查", "回头看", "督办", "督办单", "整改", "复核", "申诉", "结案"} <= set(flat)
    assert "立案" not in flat and "opened" not in flat
    try:
        _parse_step_arg("立案")
    except DudaoError as exc:
        assert "dudao cases open" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("advance accepted 立案")


def _walk_to_feedback(db: Path, target: str = "450103") -> None:
    code, _, err = run(db, "open", target, "--actor", "督导室", "--date", "2023-03-01",
                       "--case-id", "C1", "--source", "督导检查")  # fmt: skip
    assert code == 0, err
    code, _, err = run(db, "advance", "C1", "书面反馈", "--date", "2023-03-10")
    assert code == 0, err


def test_officials_step_and_field_names(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _walk_to_feedback(db)
    steps = [
        ("整改", "--date", "2023-03-10", "--set", "期限=2023-04-30", "--set", "整改要求=补足督学"),
        ("督办", "--date", "2023-05-02", "--deadline", "2023-06-30",
         "--set", "主管部门=青秀区教育局", "--set", "原因=整改不到位"),
        ("整改报告", "--date", "2023-06-20", "--set", "情况=已补足"),
        ("回头看", "--date", "2023-07-01", "--set", "是否通过=是", "--set", "暗访=是",
         "--set", "复查方式=暗访"),
        ("结案", "--date", "2023-07-02", "--set", "理由=整改到位"),
    ]  # fmt: skip
    for step, *opts in steps:
        code, _, err = run(db, "advance", "C1", step, *opts)
        assert code == 0, (step, err)
    code, out, _ = run(db, "show", "C1", "--format", "json")
    events = json.loads(out)["events"]
    assert events[1]["payload"]["mode"] == "written"  # 书面反馈 says so itself
    assert events[2]["payload"] == {"deadline": "2023-04-30", "requirements": ["补足督学"]}
    order = events[3]["payload"]
    assert (order["supervising_department"], order["reason"]) == ("青秀区教育局", "inadequate")
    assert events[4]["payload"]["summary"] == "已补足"
    assert events[5]["payload"] == {"passed": True, "unannounced": True, "method": "暗访"}
    assert events[6]["payload"]["reason"] == "整改到位"
    # a step name that says a field contradicts a --set of it
    db2 = tmp_path / "d.db"
    code, _, err = run(db2, "open", "450103", "--actor", "督导室", "--date", "2023-03-01",
                       "--case-id", "C1", "--source", "inspection")  # fmt: skip
    code, _, err = run(db2, "advance", "C1", "书面反馈", "--set", "方式=反馈会议")
    assert code == 2 and "矛盾" in err


def test_no_silent_defaults(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    code, _, err = run(db, "open", "450103", "--actor", "督导室", "--date", "2023-03-01",
                       "--case-id", "C1")  # fmt: skip
    assert code == 2 and "须写明案件来源" in err and "督导检查（inspection）" in err
    run(db, "open", "450103", "--actor", "督导室", "--date", "2023-03-01", "--case-id", "C1",
        "--source", "finding")  # fmt: skip
    # 督导报告: was it made public? nobody may assume so
    code, _, err = run(db, "advance", "C1", "督导报告", "--date", "2023-03-05")
    assert code == 2 and "“督导报告”须写明：published（是否公开" in err
    # 反馈: a meeting or a written notice
    code, _, err = run(db, "advance", "C1", "反馈", "--date", "2023-03-10")
    assert code == 2 and "mode（反馈方式" in err
    code, _, err = run(db, "advance", "C1", "督导报告", "--date", "2023-03-05", "--set", "公开=否")
    assert code == 0, err
    code, out, _ = run(db, "show", "C1", "--format", "json")
    assert json.loads(out)["events"][1]["payload"]["published"] is False
    assert json.loads(out)["events"][0]["payload"]["source"] == "finding"


def test_review_outcome_and_accountability_publication_are_asked_for(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(db, "open", "450103", "--actor", "督导室", "--date", "2023-03-01", "--case-id", "C1",
        "--source", "inspection", "--severe", "retaliation")  # fmt: skip
    for step, *opts in [
        ("调查认定", "--date", "2023-03-10", "--set", "应当问责=是"),
        ("申辩", "--date", "2023-03-20", "--set", "放弃=是"),
    ]:
        code, _, err = run(db, "advance", "C1", step, *opts)
        assert code == 0, err
    decision = ["问责", "--date", "2023-04-01", "--set", "问责方式=约谈", "--set", "事实=打击报复督学",
                "--set", "依据=国教督〔2021〕2号", "--set", "生效日期=2023-04-01"]  # fmt: skip
    code, _, err = run(db, "advance", "C1", *decision)
    assert code == 2 and "published（是否公开" in err
    code, _, err = run(db, "advance", "C1", *decision, "--set", "公开=是")
    assert code == 0, err
    code, _, err = run(db, "advance", "C1", "复核", "--date", "2023-04-20",
                       "--set", "申请日期=2023-04-10")  # fmt: skip
    assert code == 2 and "outcome（结果" in err and "kind" not in err.split("须写明")[1]
    code, _, err = run(db, "advance", "C1", "复核申诉", "--date", "2023-04-20",
                       "--set", "申请日期=2023-04-10", "--set", "结果=维持")  # fmt: skip
    assert code == 2 and "kind（类型" in err
    code, out, err = run(db, "advance", "C1", "复核", "--date", "2023-04-20",
                         "--set", "申请日期=2023-04-10", "--set", "结果=维持",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    review = json.loads(out)["events"][-1]["payload"]
    assert (review["kind"], review["outcome"]) == ("review", "upheld")


def test_an_out_of_order_step_is_reported_before_its_fields(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _walk_to_feedback(db)
    for args in (
        ["督办单", "--date", "2023-03-11", "--set", "colour=red"],  # bad field
        ["督办单", "--date", "2023-03-11"],  # missing deadline and department
        ["复核", "--date", "2023-03-11"],  # missing outcome
        ["结案", "--date", "2023-03-11", "--deadline", "2023-04-01"],  # no deadline here
    ):
        code, _, err = run(db, "advance", "C1", *args)
        assert code == 2
        assert "当前状态为“反馈”，不能记录" in err and "现在可以记录：下达整改、表彰" in err, err
        assert "无法理解" not in err and "须写明" not in err and "须给出" not in err
        assert "不设整改期限" not in err


def test_empty_case_ids_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    for case_id in ("", "  "):
        code, _, err = run(db, "open", "450103", "--actor", "督导室", "--source", "inspection",
                           "--case-id", case_id)  # fmt: skip
        assert code == 2 and "案件编号不能为空" in err
        code, _, err = run(db, "advance", case_id, "反馈")
        assert code == 2 and "案件编号不能为空" in err
        code, _, err = run(db, "show", case_id)
        assert code == 2 and "案件编号不能为空" in err
    code, _, err = run(db, "open", "450103", "--actor", "督导室", "--source", "inspection",
                       "--case-id", " C1")  # fmt: skip
    assert code == 2 and "首尾有空白" in err
    code, out, _ = run(db, "list", "--format", "json")
    assert json.loads(out)["cases"] == []


def test_a_stale_expected_seq_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _walk_to_feedback(db)  # two events
    code, _, err = run(db, "advance", "C1", "整改", "--date", "2023-03-10",
                       "--deadline", "2023-04-30", "--seq", "2")  # fmt: skip
    assert code == 2 and "已有 2 个事件" in err and "预期为第 2 个" in err
    code, _, err = run(db, "advance", "C1", "整改", "--date", "2023-03-10",
                       "--deadline", "2023-04-30", "--seq", "3")  # fmt: skip
    assert code == 0, err


def test_a_store_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("督导工作笔记\n不是数据库\n", encoding="utf-8")
    before = notes.read_bytes()
    for args in (["list"], ["show", "C1"], ["open", "450103", "--actor", "督导室",
                                            "--source", "inspection"]):  # fmt: skip
        code, _, err = run(notes, *args)
        assert code == 2, err
        assert str(notes) in err and "不是案件库可用的数据库" in err and "文件未作改动" in err
        assert "内部错误" not in err and "Traceback" not in err
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no -wal, -shm


def test_a_store_url_of_unknown_kind_is_a_clear_error(tmp_path: Path) -> None:
    for url in ("foo://host/cases", "postgresql+nosuchdriver://u:secret@host/db"):
        result = CliRunner().invoke(cases, ["--store", url, "list"])
        assert result.exit_code == 2, result.output
        assert "无法识别" in result.stderr and "内部错误" not in result.stderr
        assert "sqlite:///cases.db" in result.stderr  # how to fix
        assert "secret" not in result.stderr  # the password is not echoed
    result = CliRunner().invoke(cases, ["--store", "foo://host/cases", "list"])
    assert "'foo://host/cases'" in result.stderr
