"""The yearly model: hand-worked years with certain outcomes, and reproducible draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dudao.simulate.dynamic import DynamicInputs, generators, simulate, summarize
from dudao.simulate.reform import Reform

# rates that make every draw certain: nothing opens, closes or leaves
CERTAIN = {
    "simulate.school_open_rate": 0.0,
    "simulate.school_close_rate": 0.0,
    "simulate.inspector_attrition": 0.0,
    "simulate.vacancy_fill_rate": 0.0,
    "simulate.inspections_per_inspector": 1.0,
    "simulate.findings_per_inspection": 0.0,
    "simulate.rectify_probability": 0.0,
    "simulate.escalate_probability": 0.0,
}


def one(**changes: object) -> DynamicInputs:
    rates = {**CERTAIN, **changes.pop("rates", {})}  # type: ignore[dict-item]
    base = dict(codes=["A"], schools=[12], inspectors=[1], ratio=[5], cycle=[3])
    return DynamicInputs.build(**{**base, **changes}, rates=rates)  # type: ignore[arg-type]


def test_backlog_builds_when_capacity_is_short() -> None:
    # 12 schools, 3-year cycle: 4 due a year; 1 inspector does 1 → 3 more overdue each year
    frame = simulate(one(), seed=0, runs=[0], years=3)
    assert frame["due"].tolist() == [4, 7, 10]
    assert frame["supervised"].tolist() == [1, 1, 1]
    assert frame["overdue"].tolist() == [3, 6, 9]
    # ⌈12 / 5⌉ = 3 required, 1 serving, nobody hired
    assert frame["required"].tolist() == [3, 3, 3]
    assert frame["shortfall"].tolist() == [2, 2, 2]
    assert frame["coverage"].tolist() == pytest.approx([1 / 4, 1 / 7, 1 / 10])


def test_certain_hiring_rectification_and_escalation() -> None:
    rates = {"simulate.vacancy_fill_rate": 1.0, "simulate.rectify_probability": 1.0}
    frame = simulate(one(open_findings=[7], rates=rates), seed=0, runs=[0], years=2)
    assert frame["inspectors"].tolist() == [3, 3]  # every vacancy filled in year 1
    assert frame["shortfall"].tolist() == [0, 0]
    assert frame["rectified"].tolist() == [7, 0] and frame["open_findings"].tolist() == [0, 0]
    never = simulate(
        one(open_findings=[7], rates={"simulate.escalate_probability": 1.0}),
        seed=0,
        runs=[0],
        years=2,
    )
    assert never["escalated"].tolist() == [7, 7] and never["open_findings"].tolist() == [7, 7]


def test_large_schools_and_missing_ratio_or_cycle() -> None:
    # 2 of 12 schools are large (1:1): ⌈10 / 5⌉ + 2 = 4 required
    assert simulate(one(large=[2]), seed=0, runs=[0], years=1)["required"].tolist() == [4]
    unset = simulate(one(ratio=[np.nan], cycle=[np.nan]), seed=0, runs=[0], years=1)
    assert unset[["required", "due", "supervised"]].to_numpy().tolist() == [[0, 0, 0]]
    assert np.isnan(unset["coverage"].iloc[0])


def test_groups_sum_their_counties() -> None:
    inputs = DynamicInputs.build(
        codes=["A", "B", "C"],
        groups=["g1", "g2", "g1"],
        schools=[10, 20, 30],
        inspectors=[1, 1, 1],
        ratio=[5, 5, 5],
        cycle=[5, 5, 5],
        rates=CERTAIN,
    )
    frame = simulate(inputs, seed=0, runs=[0], years=1).set_index("group")
    assert frame.loc["g1", "schools"] == 40 and frame.loc["g2", "schools"] == 20
    assert frame.loc["g1", "required"] == 8 and frame.loc["g2", "required"] == 4


def test_runs_are_reproducible_and_independent_of_their_neighbours() -> None:
    inputs = DynamicInputs.build(
        codes=list("ABCD"), schools=[50, 80, 120, 30], inspectors=[9, 12, 20, 4],
        ratio=[5, 5, 4, 6], cycle=[5, 5, 3, 5], open_findings=[5, 0, 9, 2],
    )  # fmt: skip
    all_runs = simulate(inputs, seed=11, runs=range(6), years=4)
    again = simulate(inputs, seed=11, runs=range(6), years=4)
    assert all_runs.equals(again)
    tail = simulate(inputs, seed=11, runs=[4, 5], years=4)
    assert tail.equals(all_runs[all_runs["run"] >= 4].reset_index(drop=True))
    other = simulate(inputs, seed=12, runs=range(6), years=4)
    assert not other["schools"].equals(all_runs["schools"])
    # runs differ from one another (each has its own stream)
    last = all_runs[all_runs["year"] == 4]
    assert last["open_findings"].nunique() > 1


def test_generators_are_the_spawned_children() -> None:
    children = np.random.SeedSequence(3).spawn(5)
    ours = generators(3, [0, 4])
    assert ours[0].integers(1 << 30) == np.random.default_rng(children[0]).integers(1 << 30)
    assert ours[1].integers(1 << 30) == np.random.default_rng(children[4]).integers(1 << 30)


def test_summary_interval_by_hand() -> None:
    frame = pd.DataFrame(
        {"scenario": "b", "run": [0, 1, 2], "year": 1, "group": "g", "schools": [2, 4, 6]}
    )
    row = summarize(frame, ["schools"]).iloc[0]
    # mean 4, sd 2, half-width 1.96 * 2 / √3
    assert (row["mean"], row["sd"], row["runs"]) == (4.0, 2.0, 3)
    assert row["ci_low"] == pytest.approx(4 - 1.959964 * 2 / np.sqrt(3), rel=1e-6)
    assert (row["p2_5"], row["p97_5"]) == (pytest.approx(2.1), pytest.approx(5.9))


@pytest.mark.regional
def test_inputs_from_the_nanning_scenario(nanning) -> None:
    base = DynamicInputs.from_scenario(nanning)
    i = list(base.codes).index("450109")  # 邕宁区: 5 schools, 1 inspector, 1:5, 5-year cycle
    assert (base.schools[i], base.inspectors[i], base.ratio[i], base.cycle[i]) == (5, 1, 5.0, 5.0)
    assert set(base.groups) == {"000000"}
    reform = Reform("r").set_parameter("school.comprehensive_cycle_years", 3, scope="450109")
    changed = DynamicInputs.from_scenario(nanning, reform, level="prefecture")
    assert changed.cycle[i] == 3.0 and np.delete(changed.cycle, i).tolist() == [5.0] * (
        len(base.codes) - 1
    )
    assert set(changed.groups) == {"450100"}
    assert changed.fingerprint() != base.fingerprint()
    rated = Reform("h").set_parameter("simulate.inspector_attrition", 0.3, scope="450109")
    attr = DynamicInputs.from_scenario(nanning, rated).rates["simulate.inspector_attrition"]
    assert attr[i] == 0.3 and attr[0] == 0.12
