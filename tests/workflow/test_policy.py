"""Regions refine the steps through ``workflow.*`` parameters in YAML: scoped, dated,
cited (or labelled sample), checked when an event is recorded, never on replay."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from wf_helpers import (
    ACTOR,
    d,
    decision,
    ev,
    investigation,
    meeting,
    opened,
    ordered,
    review,
    statement,
)

from dudao.cli.cases import cases
from dudao.errors import DudaoError
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.store import CaseStore
from dudao.workflow import (
    Event,
    Feedback,
    FeedbackMode,
    LawBookPolicies,
    RectificationOrdered,
    RectificationReported,
    Step,
    replay,
)

# A sample region at Nanning's scope (450100). No seed gives these numbers, so
# every value is labelled sample; the invitees drop 绩效办 from 2024 only.
SAMPLE = """
parameters:
  - id: workflow.rectification_ordered.deadline_days
    title: 下达整改时的整改期限（天）
    values:
      - value: 60
        since: 2023-01-01
        sample: true
  - id: workflow.rectification_reported.required
    title: 报告整改须附
    values:
      - value: [summary, 整改方案]
        since: 2023-01-01
        sample: true
  - id: workflow.feedback.invitees
    title: 反馈会议须邀请
    values:
      - value: [纪检监察机关, 党委组织部]
        since: 2024-01-01
        sample: true
  - id: workflow.review.apply_days
    title: 申请复核的期限（天）
    values:
      - value: 20
        since: 2024-01-01
        sample: true
  - id: workflow.accountability.required
    title: 问责决定须写明
    values:
      - value: null
        since: 2024-06-01
        note: 示例：关闭内置要求
"""


def region(tmp_path: Path, parameters: str = SAMPLE) -> LawBookPolicies:
    folder = tmp_path / "region"
    (folder / "parameters").mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        "name: region\ntitle: 示例地区\nscope: '450100'\n", encoding="utf-8"
    )
    (folder / "parameters" / "workflow.yaml").write_text(
        textwrap.dedent(parameters), encoding="utf-8"
    )
    plugins = load_plugins(autoload=False, extra={"region": YamlPlugin(folder)})
    return LawBookPolicies(plugins.law_book())


def test_deadline_days_bound_the_deadline_inside_the_region_only(tmp_path: Path) -> None:
    store = CaseStore.open(":memory:", policies=region(tmp_path))
    store.append_many([opened(), meeting("2023-03-10"), opened(case="W", target="610500")])
    store.append("W", ev(Step.FEEDBACK, "2023-03-10", Feedback("written"), target="610500"))
    with pytest.raises(DudaoError) as err:
        store.append("C1", ordered("2023-03-10", "2023-05-10"))  # 61 days
    assert err.value.codes == ["deadline-too-far"]
    text = str(err.value)
    assert "超过了 60 天（最迟 2023-05-09）" in text and "示例参数（无文件依据）" in text
    store.append("C1", ordered("2023-03-10", "2023-05-09"))
    # Weinan (610500) lies outside the region: no limit there
    far = RectificationOrdered(d("2023-12-31"))
    store.append("W", ev(Step.RECTIFICATION_ORDERED, "2023-03-10", far, target="610500"))


def test_required_items_and_extra(tmp_path: Path) -> None:
    store = CaseStore.open(":memory:", policies=region(tmp_path))
    store.append_many([opened(), meeting("2023-03-10"), ordered("2023-03-10", "2023-05-09")])
    bare = ev(Step.RECTIFICATION_REPORTED, "2023-04-20")
    with pytest.raises(DudaoError) as err:
        store.append("C1", bare)
    assert err.value.codes == ["missing-required"]
    text = str(err.value)
    assert "摘要（summary）、整改方案" in text and "--extra" in text
    # where the requirement is stated: the region's file and line
    assert "region/parameters/workflow.yaml:9）" in text
    done = Event(
        "C1",
        Step.RECTIFICATION_REPORTED,
        d("2023-04-20"),
        ACTOR,
        "450103",
        payload=RectificationReported("已完成校舍维修"),
        extra={"整改方案": "青秀区校舍安全整改方案（2023）"},
    )
    rec = store.append("C1", done)
    assert rec.events[-1].extra == {"整改方案": "青秀区校舍安全整改方案（2023）"}


def test_invitees_required_from_a_date_and_replay_ignores_policy(tmp_path: Path) -> None:
    policies = region(tmp_path)
    store = CaseStore.open(":memory:", policies=policies)
    without = ("南宁市纪委监委",)  # no 组织部
    meeting_2023 = ev(Step.FEEDBACK, "2023-03-10", Feedback(FeedbackMode.MEETING, without))
    store.append_many([opened()])
    # before 2024 nothing requires invitees: there is no national list
    store.append("C1", meeting_2023)
    store.append_many([opened("2024-02-01", case="C2")])
    meeting_2024 = ev(
        Step.FEEDBACK, "2024-02-10", Feedback(FeedbackMode.MEETING, without), case="C2"
    )
    with pytest.raises(DudaoError) as err:  # from 2024 the region requires two bodies
        store.append("C2", meeting_2024)
    assert err.value.codes == ["missing-invitees"] and "党委组织部" in str(err.value)
    assert "示例参数（无文件依据）" in str(err.value)
    # the history recorded under the region's policy replays anywhere, and a store
    # with the built-in policy records what the region refused
    plain = CaseStore(store.engine)
    plain.append("C2", meeting_2024)
    # The history recorded under the region's policy replays anywhere, and a store
    # with the built-in policy still reads and verifies it.
    assert replay(store.case("C2").events).last is Step.FEEDBACK
    assert plain.verify() == [] and plain.case("C2").state.count == 2


def test_review_window_and_switching_a_requirement_off(tmp_path: Path) -> None:
    policies = region(tmp_path)
    store = CaseStore.open(":memory:", policies=policies)
    base = [
        opened("2024-01-02", severe="retaliation"),
        investigation("2024-01-10"),
        statement("2024-01-20"),
        decision("2024-02-01"),
    ]
    store.append_many(base)
    with pytest.raises(DudaoError) as err:  # the region allows 20 days, not 30
        store.append("C1", review("2024-03-01", applied="2024-02-22"))
    assert err.value.codes == ["review-too-late"] and "20 天" in str(err.value)
    store.append("C1", review("2024-03-01", applied="2024-02-21"))
    # from 2024-06-01 the region no longer requires facts/basis/effective (value null)
    bare = [
        opened("2024-06-03", severe="retaliation", case="C2"),
        investigation("2024-06-10", case="C2"),
        statement("2024-06-20", case="C2"),
    ]
    store.append_many(bare)
    from dudao.workflow import Accountability

    store.append("C2", ev(Step.ACCOUNTABILITY, "2024-07-01", Accountability(["约谈"]), case="C2"))


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (
            "parameters:\n  - id: workflow.feedbak.invitees\n    title: x\n    values:\n"
            "      - value: [纪委]\n        sample: true\n",
            "unknown-workflow-parameter",
            2,
        ),
        (
            "parameters:\n  - id: workflow.feedback.deadline_days\n    title: x\n    values:\n"
            "      - value: 3\n        sample: true\n",
            "unknown-workflow-parameter",
            2,
        ),
    ],
)
def test_unknown_workflow_parameter_names_file_and_line(
    tmp_path: Path, text: str, code: str, line: int
) -> None:
    with pytest.raises(DudaoError) as err:
        region(tmp_path, text)
    (problem,) = err.value.problems
    assert (problem.code, problem.line) == (code, line)
    assert problem.source and problem.source.endswith("parameters/workflow.yaml")
    assert "workflow.<步骤>.<设置>" in (problem.hint or "")


def test_a_bad_value_names_file_and_line(tmp_path: Path) -> None:
    text = (
        "parameters:\n  - id: workflow.notice.deadline_days\n    title: x\n    values:\n"
        "      - value: 六十\n        sample: true\n"
    )
    store = CaseStore.open(":memory:", policies=region(tmp_path, text))
    with pytest.raises(DudaoError) as err:
        store.append_many([opened()])
    (problem,) = err.value.problems
    assert problem.code == "bad-workflow-parameter" and problem.line == 2
    assert "正整数" in (problem.hint or "") and problem.source.endswith("workflow.yaml")


@pytest.mark.regional
def test_guangxi_states_its_invitees_with_the_seed_clauses() -> None:
    policies = LawBookPolicies(load_plugins().law_book())
    policy = policies.policy("450103", dt.date(2023, 3, 1), 2021)
    feedback, interview = policy.get("feedback", "invitees"), policy.get("interview", "invitees")
    assert feedback and interview
    assert list(feedback.value) == ["纪检监察机关", "党委组织部", "绩效办"]
    assert (feedback.basis(), interview.basis()) == (
        "厅发〔2020〕26号 二（八）",
        "厅发〔2020〕26号 二（十二）",
    )
    assert feedback.source and feedback.source.endswith(
        "dudao_guangxi/data/parameters/workflow.yaml"
    )
    # outside Guangxi nothing requires invitees: no national document lists them
    weinan = policies.policy("610500", dt.date(2023, 3, 1), 2021)
    assert weinan.get("feedback", "invitees") is None
    assert weinan.get("interview", "invitees") is None


def test_cli_fills_the_deadline_from_the_region_and_records_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = region(tmp_path)
    import dudao.cli.cases as cli

    monkeypatch.setattr(cli._PluginPolicies, "_get", lambda self: policies)
    db = str(tmp_path / "c.db")
    run = CliRunner().invoke
    args = ["--store", db]
    r = run(cases, [*args, "open", "450103", "--actor", ACTOR, "--date", "2023-03-01",
                    "--case-id", "C1", "--source", "inspection"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run(
        cases, [*args, "advance", "C1", "反馈", "--date", "2023-03-10", "--set", "mode=written"]
    )
    assert r.exit_code == 0, r.output
    r = run(cases, [*args, "advance", "C1", "下达整改", "--date", "2023-03-10", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["case"]["deadline"] == "2023-05-09"  # 60 days
    r = run(cases, [*args, "advance", "C1", "报告整改", "--date", "2023-04-20",
                    "--set", "summary=已完成"])  # fmt: skip
    assert r.exit_code == 2 and "整改方案" in r.stderr
    r = run(cases, [*args, "advance", "C1", "报告整改", "--date", "2023-04-20",
                    "--set", "summary=已完成", "--extra", "整改方案=方案（2023）",
                    "--format", "json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["events"][-1]["extra"] == {"整改方案": "方案（2023）"}
    # outside a region with deadline_days, a deadline must be given
    r = run(cases, [*args, "open", "610500", "--actor", ACTOR, "--date", "2023-03-01",
                    "--case-id", "W", "--source", "inspection"])  # fmt: skip
    r = run(cases, [*args, "advance", "W", "反馈", "--date", "2023-03-10", "--set", "mode=written"])
    r = run(cases, [*args, "advance", "W", "下达整改", "--date", "2023-03-10"])
    assert r.exit_code == 2 and "须给出整改期限" in r.stderr


# ---------------------------------------------------------------- issue 13
BASIS = """
parameters:
  - id: workflow.feedback.basis
    title: 反馈所依据的条款
    values:
      - value: 以会议或书面形式反馈督导结果
        since: 2024-01-01
        cite: 示例〔2024〕1号 三
  - id: workflow.closed.reinspection
    title: 问责之后须复查通过才能结案
    values:
      - value: true
        since: 2020-01-01
        sample: true
"""


def test_a_region_states_the_clause_each_step_acts_under(tmp_path: Path) -> None:
    store = CaseStore.open(":memory:", policies=region(tmp_path, BASIS))
    written = Feedback(FeedbackMode.WRITTEN)
    store.append_many(
        [opened(), opened("2024-02-01", case="C2"), opened(case="W", target="610526")]
    )
    store.append("C1", ev(Step.FEEDBACK, "2023-03-10", written))  # before the region's clause
    store.append("C2", ev(Step.FEEDBACK, "2024-02-10", written, case="C2"))
    store.append("W", ev(Step.FEEDBACK, "2024-02-10", written, case="W", target="610526"))
    cited = {c: str(store.case(c).events[-1].citation) for c in ("C1", "C2", "W")}
    assert cited == {"C1": "《教育督导条例》", "C2": "示例〔2024〕1号 三", "W": "《教育督导条例》"}
    # a citation the event names is kept
    store.append_many([opened("2024-02-01", case="C3")])
    own = ev(Step.FEEDBACK, "2024-02-10", written, case="C3", citation="国教督〔2021〕2号")
    assert str(store.append("C3", own).events[-1].citation) == "国教督〔2021〕2号"


def test_a_basis_without_its_clause_names_file_and_line(tmp_path: Path) -> None:
    text = (
        "parameters:\n  - id: workflow.notice.basis\n    title: x\n    values:\n"
        "      - value: 通报\n        sample: true\n"
    )
    store = CaseStore.open(":memory:", policies=region(tmp_path, text))
    with pytest.raises(DudaoError) as err:
        store.append_many([opened()])
    (problem,) = err.value.problems
    assert problem.code == "bad-workflow-parameter" and problem.line == 2
    assert "cite" in (problem.hint or "") and problem.source.endswith("workflow.yaml")


def _accountable(case: str = "C1", target: str = "450103") -> list[Event]:
    # a 2020-path case opened on a severe trigger, held to account and published
    from wf_helpers import accountability

    return [
        opened("2021-03-01", case=case, target=target, severe="retaliation"),
        attrs_target(accountability("2021-03-10", case=case), target),
    ]


def attrs_target(event: Event, target: str) -> Event:
    import attrs

    return attrs.evolve(event, target=target)


def test_closing_after_accountability_needs_a_passed_reinspection(tmp_path: Path) -> None:
    from dudao.workflow import Closed, Reinspected

    store = CaseStore.open(":memory:", policies=region(tmp_path, BASIS))
    store.append_many(_accountable())
    with pytest.raises(DudaoError) as err:
        store.append("C1", ev(Step.CLOSED, "2021-03-20"))
    (problem,) = err.value.problems
    assert problem.code == "close-without-reinspection" and problem.path == ("reason",)
    assert "案件 C1 已问责（2021-03-10），尚未报告整改并经复查通过，不能结案（未写明理由）" in (
        problem.message
    )
    hint = problem.hint or ""
    assert hint.startswith("依据 示例参数（无文件依据）")
    assert "region/parameters/workflow.yaml:9）" in hint  # where it is stated
    # a reason alone is not enough: it needs a basis of its own
    why = Closed("被督导单位已撤并")
    with pytest.raises(DudaoError) as err:
        store.append("C1", ev(Step.CLOSED, "2021-03-20", why))
    assert "理由未注明依据" in str(err.value)
    assert store.case("C1").state.count == 2  # nothing was recorded
    # the way the procedure goes: rectification reported, a 复查 passed, then 结案
    store.append_many(
        [
            ev(Step.RECTIFICATION_REPORTED, "2021-04-01"),
            ev(Step.REINSPECTED, "2021-04-15", Reinspected(True)),
            ev(Step.CLOSED, "2021-04-16"),
        ]
    )
    assert store.case("C1").state.closed
    # or a stated reason with its cited basis
    store.append_many(_accountable("C2"))
    cited = ev(Step.CLOSED, "2021-03-20", why, case="C2", citation="示例〔2021〕5号 二")
    assert store.append("C2", cited).state.closed
    # outside the region nothing national requires it; and replay never asks
    store.append_many([*_accountable("W", "610526"), ev(Step.CLOSED, "2021-03-20", case="W",
                                                         target="610526")])  # fmt: skip
    assert replay(store.case("W").events).closed
