"""Messages built once per distinct combination of a rule's ``message_columns`` are the
messages :meth:`Rule.message` gives each failing row with every column (a synthetic
Guangxi, whose rules fail here and there on purpose)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dudao.api import check
from dudao.model.tables import TABLES
from dudao.plugins.manager import load_plugins
from dudao.rules.base import Rule, distinct_rows
from dudao.rules.engine import CheckResult
from dudao.synth import synthesize, write_dataset


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> CheckResult:
    plugins = load_plugins()
    data = synthesize(1, "450000", 0.05, hierarchy=plugins.hierarchy())
    folder = write_dataset(data, Path(tmp_path_factory.mktemp("gx")) / "gx")
    return check(folder, plugins)


def _rule(result: CheckResult, key: str) -> Rule:
    rule_id, scope = key.split("@")
    assert result.law is not None
    entry = result.law.resolve("rule", rule_id, scope, result.as_of)
    assert entry is not None
    return entry.value


def test_messages_per_distinct_combination_equal_messages_per_row(result: CheckResult) -> None:
    compared: dict[str, int] = {}
    for key, frame in result.checks.items():
        rule = _rule(result, key)
        failing = frame.loc[~frame["ok"].astype(bool)].reset_index(drop=True)
        if rule.message_columns is None or failing.empty:
            continue
        columns = {c: failing[c].tolist() for c in failing.columns}
        rows = [{c: v[i] for c, v in columns.items()} for i in range(len(failing))]
        per_row = [rule.message(row) for row in rows]
        zh, en = rule.messages(failing)
        assert list(zip(zh, en, strict=True)) == per_row, key
        compared[rule.id] = compared.get(rule.id, 0) + len(failing)
    # the rules whose findings run to thousands nationally all had failing rows here
    assert {"routine-visits", "school-comprehensive-cycle", "zone-coverage"} <= set(compared)
    assert {"inspector-training-hours", "pre-service-training"} <= set(compared)


def test_distinct_rows_groups_equal_values_and_missing_ones() -> None:
    frame = pd.DataFrame(
        {
            "n": [1.0, np.nan, 1.0, np.nan, 2.0],
            "day": [None, None, None, None, None],
            "zone": pd.Categorical(["Z1", None, "Z1", None, "Z1"]),
        }
    )
    first, inverse = distinct_rows(frame, ["n", "day", "zone"])
    assert first.tolist() == [0, 1, 4]
    assert inverse.tolist() == [0, 1, 0, 1, 2]
    first, inverse = distinct_rows(frame, [])
    assert (first.tolist(), inverse.tolist()) == ([0], [0, 0, 0, 0, 0])


# ---------------------------------------------------- what an official reads

ROOT = Path(__file__).parents[2]
EXAMPLES = [
    ROOT / "src/dudao/examples/yichang",
    ROOT / "plugins/nanning/src/dudao_nanning/examples/nanning",
    *sorted((ROOT / "plugins").glob("*/src/dudao_*/example")),
]
#: internals: a column=value filter, a pointer into a README, numbers as a program
#: prints them (float noise, exponents, "4.0") — and in Chinese, any table's or column's
#: name (English messages say "schools" and "meetings" as words)
INTERNAL = re.compile(r"[a-z_]+=|README|\d\.\d{5,}|\de[-+]\d|(?<![\d.])\d+\.0(?!\d)")
INTERNAL_ZH = re.compile(rf"[A-Za-z_]+ ?(表|列)|(?<![\w-])({'|'.join(TABLES)})(?![\w-])")


@pytest.mark.parametrize(
    "folder",
    # the plugins' examples need their plugins' units and rules
    [pytest.param(p, marks=pytest.mark.regional) if "plugins" in p.parts else p for p in EXAMPLES],
    ids=lambda p: "/".join(p.parts[-2:]),
)
def test_example_findings_speak_of_documents_and_units(folder: Path) -> None:
    found = check(folder, load_plugins()).findings
    bad = [m for m in found["message"] if INTERNAL.search(m) or INTERNAL_ZH.search(m)]
    bad += [m for m in found["message_en"] if INTERNAL.search(m)]
    assert bad == []


def test_counts_in_messages_are_whole_numbers_as_written() -> None:
    from dudao.rules.national.governance import CommitteeMeetings
    from dudao.rules.national.staffing import InspectorStaffing

    # evidence columns may arrive as floats (4.0): the message says 4
    row = {"large_schools": 1, "schools": 14.0, "required": 4.0, "actual": 3, "shortfall": 1.0}
    assert InspectorStaffing().message(row)[0] == (
        "督学配备不足：14 所学校（其中 1 所大规模学校按 1:1）应配 4 名，在任 3 名，缺 1 名"
    )
    meetings = {"year": 2022, "regular_meetings": 0.0, "special_meetings": 1.0, "required": 1.0}
    assert CommitteeMeetings().message(meetings)[0] == (
        "2022 年召开例会 0 次（另有专题会议 1 次，不计入例会），少于规定的 1 次"
    )


def test_a_repeated_review_points_to_the_appeal_in_words() -> None:
    """国教督〔2021〕2号: after one 复核, the next step is a 申诉 to the level above; the
    hint says so without the field value a program would write (kind=appeal)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "wf_helpers", ROOT / "tests" / "workflow" / "wf_helpers.py"
    )
    assert spec and spec.loader
    wf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wf)
    from dudao.errors import DudaoError
    from dudao.workflow import replay

    events = [
        wf.opened("2023-03-01"),
        wf.meeting("2023-03-10"),
        wf.ordered("2023-03-10", "2023-06-30"),
        wf.supervision("2023-07-05", "2023-08-31"),
        wf.interview("2023-09-05", "2023-10-31"),
        wf.notice("2023-11-03", "2023-12-31"),
        wf.investigation("2024-01-10"),
        wf.statement("2024-01-20"),
        wf.decision("2024-02-01"),
        wf.review("2024-02-20", applied="2024-02-10"),
        wf.review("2024-03-01", applied="2024-02-25"),
    ]
    with pytest.raises(DudaoError) as err:
        replay(events)
    (problem,) = err.value.problems
    assert problem.code == "review-repeated"
    assert problem.hint is not None and "申诉" in problem.hint
    assert not INTERNAL.search(problem.hint) and "kind" not in problem.hint
