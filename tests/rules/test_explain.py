"""``dudao explain`` shows the parameters a rule applied: those in force on the day whose
period it judges, not on the as-of date (the Nanning plugin's example, as of 2023-03-01)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.rules.national.governance import SupervisionFunding, UpwardReporting
from dudao.rules.national.supervision import AnnualComprehensiveSupervision, RoutineVisits
from dudao.rules.national.zones import ZoneCoverage


def explain(*args: str) -> dict[str, Any]:
    rule, target, *rest = args  # on the Nanning plugin's example
    out = CliRunner().invoke(
        cli, ["explain", rule, target, "nanning", *rest, "--format", "json"], catch_exceptions=False
    )
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)


def params(trace: dict[str, Any]) -> dict[str, Any]:
    return {p["id"]: p["value"] for p in trace["parameters"]}


@pytest.mark.regional
def test_a_2022_plan_checked_in_2023_is_explained_with_the_2022_deadline() -> None:
    # Nanning's deadline (南府督委办〔2022〕7号, "04-09") is in force during 2022 only; as of
    # 2023-03-01 the 2023 plan is not yet due, so the 2022 filing is judged by it.
    trace = explain("upward-reporting", "450125")
    assert trace["evidence"]["year"] == 2022
    assert trace["evidence"]["deadline"] == "2022-04-09"
    assert trace["parameters_on"] == "2022-12-31"
    assert params(trace) == {"reporting.plan_required": True, "reporting.plan_deadline": "04-09"}
    deadline = next(p for p in trace["parameters"] if p["id"] == "reporting.plan_deadline")
    assert deadline["citation"] == "南府督委办〔2022〕7号"
    assert deadline["display"] == "04-09"


@pytest.mark.regional
def test_once_the_deadline_has_passed_the_current_year_is_explained_on_the_as_of_date() -> None:
    trace = explain("upward-reporting", "450125", "--as-of", "2022-06-01")
    assert trace["evidence"]["year"] == 2022
    assert trace["parameters_on"] == "2022-06-01"
    assert params(trace)["reporting.plan_deadline"] == "04-09"


@pytest.mark.regional
def test_routine_visits_are_explained_on_the_last_day_of_the_judged_semester() -> None:
    trace = explain("routine-visits", "HZ-07")  # autumn 2022: 2022-09-01 to 2023-01-31
    assert trace["parameters_on"] == "2023-01-31"
    assert params(trace) == {"supervision.visits_per_semester": 2}


@pytest.mark.regional
def test_a_rule_about_the_present_is_explained_on_the_as_of_date() -> None:
    trace = explain("inspector-staffing", "450103")
    assert trace["parameters_on"] == "2023-03-01"


def test_each_period_rule_names_the_day_it_reads_its_parameters_on() -> None:
    as_of = dt.date(2023, 3, 1)
    semester = {"semester_start": dt.date(2022, 9, 1), "semester_end": dt.date(2023, 1, 31)}
    assert RoutineVisits().judged_on(as_of, semester) == dt.date(2023, 1, 31)
    assert UpwardReporting().judged_on(as_of, {"year": 2022}) == dt.date(2022, 12, 31)
    assert UpwardReporting().judged_on(as_of, {"year": 2023}) == as_of
    assert SupervisionFunding().judged_on(as_of, {"year": 2022}) == dt.date(2022, 12, 31)
    yearly = AnnualComprehensiveSupervision().judged_on(as_of, {"year": 2022})
    assert yearly == dt.date(2022, 12, 31)
    assert ZoneCoverage().judged_on(as_of, {"problem": "no-zone"}) == as_of
