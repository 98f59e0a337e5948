"""A rule runs only on the tables it declares (``needs``): without one of them it is
listed as not run, never judged on an empty table (no inspectors read as zero
inspectors, no schools as nothing to check)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dudao.api import check
from dudao.examples import example_path
from dudao.model.tables import TABLES
from dudao.plugins.manager import load_plugins
from dudao.rules.engine import CheckResult

pytestmark = pytest.mark.regional
pytest.importorskip(
    "dudao_nanning", reason="需要地区插件（仅安装核心时跳过） / needs the regional plugins"
)

PLUGINS = load_plugins()
ROOT = Path(__file__).parents[2]
EXAMPLE = example_path("nanning")
EXAMPLES = [EXAMPLE, *sorted((ROOT / "plugins").glob("*/src/dudao_*/example"))]
#: each example with each table it has (the ones a rule could lean on without saying so)
CASES = [(ex, t) for ex in EXAMPLES for t in sorted(TABLES) if any(ex.glob(f"{t}.*"))]


#: Reads a rule makes on purpose without needing the table: Guangxi's city reports owe
#: results only for supervision a city organised, which without the table is unknown
#: and then not judged (its evidence says so) while plans are still checked.
OPTIONAL_READS = {("city-upward-reporting", "supervisions")}


def _without(tmp_path: Path, table: str, example: Path = EXAMPLE) -> Path:
    folder = tmp_path / f"without-{table}"
    shutil.copytree(example, folder)
    for f in folder.glob(f"{table}.*"):
        f.unlink()
    return folder


@functools.cache
def _full(example: Path) -> CheckResult:
    return check(example, PLUGINS)


def test_without_inspectors_the_rules_that_read_them_are_not_run(tmp_path: Path) -> None:
    result = check(_without(tmp_path, "inspectors"), PLUGINS)
    skipped = {r.rule: r.skipped for r in result.runs if r.skipped}
    reading = {
        "inspector-staffing",
        "zone-coverage",
        "routine-visits",
        "part-time-terms",
        "inspector-training-hours",
        "pre-service-training",
        "unqualified-removed",
        "city-inspector-renewal",
        "university-zones",
    }
    in_force = {r.rule for r in result.runs}
    assert reading & in_force <= set(skipped)
    assert all("inspectors 表" in skipped[r] for r in reading & in_force)
    # once 218 errors: every school without an inspector, every county short of them
    assert not set(result.findings["rule"]) & reading


@pytest.mark.parametrize(("example", "table"), CASES, ids=[f"{e.parts[-2]}-{t}" for e, t in CASES])
def test_a_rule_that_does_not_need_a_table_judges_the_same_without_it(
    tmp_path: Path, example: Path, table: str
) -> None:
    full = _full(example)
    result = check(_without(tmp_path, table, example), PLUGINS)
    for key, frame in result.checks.items():
        if (key.partition("@")[0], table) in OPTIONAL_READS:
            continue
        pd.testing.assert_frame_equal(frame, full.checks[key], obj=f"{key} without {table}")
