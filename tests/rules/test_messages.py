"""Messages built once per distinct combination of a rule's ``message_columns`` are the
messages :meth:`Rule.message` gives each failing row with every column (a synthetic
Guangxi, whose rules fail here and there on purpose)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dudao.api import check
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
