"""``dudao cases`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dudao.cli.cases import cases


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cases, ["--store", str(store), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


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


def test_bad_input_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(db, "open", "450103", "--actor", "督导室", "--date", "2023-03-01", "--case-id", "C1")
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
        (["advance", "C1", "nonsense"], "不是有效的取值"),
        (["advance", "C1", "反馈", "--set", "colour=red"], "无法理解 --set"),
        (
            ["advance", "C1", "下达整改", "--date", "03/11/2023", "--deadline", "2023-05-01"],
            "格式不对",
        ),
        (["open", "450103", "--actor", "督导室", "--case-id", "C1"], "已存在"),
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
    run(db, "open", "450103", "--actor", "督导室", "--date", "2023-03-01", "--case-id", "C1")
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
