"""Fixtures shared by the simulation tests: the bundled Nanning scenario, loaded once."""

from __future__ import annotations

import pytest

from dudao.examples import FOLDER, example_path
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.simulate.scenario import EvaluationData, Scenario, sample_parameter

#: The plugins the Nanning example needs; the others are left out so that work on
#: them cannot change these tests' figures.
OTHERS = ("yueyang", "weinan")


@pytest.fixture(scope="session")
def plugins() -> PluginSet:
    return load_plugins(blocked=OTHERS)


@pytest.fixture(scope="session")
def nanning(plugins: PluginSet) -> Scenario:
    """The bundled Nanning dataset with its evaluation data and a sample pay figure."""
    evaluation = EvaluationData.load(
        FOLDER / "nanning_evaluation", ("quality_balanced", "preschool_universal")
    )
    return Scenario.load(
        example_path("nanning"),
        plugins,
        evaluation=evaluation,
        extra=[sample_parameter("simulate.inspector_annual_cost", 100_000)],
    )
