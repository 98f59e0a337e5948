"""The one evaluation runner, :func:`dudao.api.evaluate`: what ``dudao evaluate``, the
service's evaluations and the report documents run. It resolves the set in force for
the unit (or the lowest unit containing the targets measured), reads only the columns
the set needs (优质均衡 derives the rest from the school table) and says, located at
``--set``, when the set is unknown or not in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dudao import api
from dudao.errors import DudaoError
from dudao.examples import FOLDER
from dudao.plugins.manager import PluginSet
from dudao.server.evaluations import run_set

DATA = FOLDER / "nanning_evaluation"
DAY = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def plugins() -> PluginSet:
    return api.load_plugins()


def test_quality_balanced_derives_the_school_measures(plugins: PluginSet) -> None:
    ev = api.evaluate(DATA, plugins, "quality_balanced", as_of=DAY)
    grades = dict(zip(ev.scores["target"].astype(str), ev.scores["grade"], strict=True))
    assert grades == {"450102": "不达标", "450103": "达标", "450123": "不达标", "450124": "不达标"}
    vetoed = set(ev.scores.loc[ev.scores["vetoed"], "target"].astype(str))
    assert vetoed == {"450123"}
    # the CVs come from schools.csv, not from the measurement table
    assert any(c.startswith("cv_primary_") for c in ev.set.columns())


@pytest.mark.regional
def test_the_unit_given_or_the_targets_common_unit_pick_the_version(
    plugins: PluginSet,
) -> None:
    # no unit: the targets are Nanning's districts and counties, so Nanning's version
    ev = api.evaluate(DATA, plugins, "preschool_universal", as_of=DAY)
    assert ev.set.id == "preschool_universal"
    # a unit outside every version's scope: the Yueyang set is not in force in Nanning
    with pytest.raises(DudaoError) as err:
        api.evaluate(DATA, plugins, "yueyang_county_duty", unit="450100", as_of=DAY)
    [problem] = err.value.problems
    assert problem.code == "not-in-force"
    assert problem.path == ("--set",)
    assert "450100" in problem.message and "430600" in problem.message


def test_an_unknown_set_is_located_at_set_and_lists_the_known(plugins: PluginSet) -> None:
    with pytest.raises(DudaoError) as err:
        api.evaluate(DATA, plugins, "nope", as_of=DAY)
    [problem] = err.value.problems
    assert (problem.code, problem.path) == ("unknown-set", ("--set",))
    assert "quality_balanced" in (problem.hint or "")


def test_a_missing_column_names_it(plugins: PluginSet, tmp_path: Path) -> None:
    (tmp_path / "measurements.csv").write_text("target,year\n450103,2024\n", encoding="utf-8")
    with pytest.raises(DudaoError) as err:
        api.evaluate(tmp_path, plugins, "preschool_universal", unit="450103", as_of=DAY)
    assert any("缺少" in p.message for p in err.value.problems)


@pytest.mark.regional
def test_the_service_says_why_a_set_did_not_run_in_a_line(plugins: PluginSet) -> None:
    assert run_set(DATA, plugins, "nope", "450100", DAY) == "没有已安装的指标体系 nope"
    assert run_set(DATA, plugins, "yueyang_county_duty", "450100", DAY).startswith("不适用于本单位")
    got = run_set(DATA, plugins, "quality_balanced", "450100", DAY)
    assert not isinstance(got, str)
    s, table = got
    assert s.id == "quality_balanced" and list(table["rank"]) == sorted(table["rank"])
