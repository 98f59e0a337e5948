"""dudao synth writes what dudao evaluate reads: both national sets run on the folder,
with counties that meet and counties that do not, every name marked as sample data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.evaluation.measurements import load_dataset
from dudao.evaluation.national import BALANCED_SCHOOLS
from dudao.synth import synthesize, write_dataset
from dudao.synth.evaluation import SAMPLE_NOTE


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "guangxi"
    write_dataset(synthesize(5, "450000", 0.3), out)
    return out


@pytest.mark.parametrize("set_id", ["quality_balanced", "preschool_universal"])
def test_evaluate_runs_on_a_synthesised_folder(folder: Path, set_id: str) -> None:
    args = ["evaluate", str(folder), "--set", set_id, "--format", "json", "--as-of", "2023-03-01"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]
    counties = {r["target"] for r in rows}
    assert len(counties) > 50 and all(c.startswith("45") for c in counties)
    grades = {r["grade"] for r in rows}
    assert grades == {"达标", "不达标"}
    assert all(r["name"].endswith(SAMPLE_NOTE) for r in rows)


def test_the_resource_table_is_the_balanced_one_and_adds_up(folder: Path) -> None:
    measurements, resources = load_dataset(folder, schools=True)
    assert resources is not None
    assert list(resources.columns) == BALANCED_SCHOOLS.names
    data = synthesize(5, "450000", 0.3)
    schools = data.tables["schools"].set_index("school_id")
    mine = resources.set_index("school_id")
    # every school with a primary or junior part, its parts adding up to its students
    parts = mine[["primary_students", "junior_students", "senior_students"]].sum(axis=1)
    assert (parts == schools.loc[mine.index, "students"]).all()
    assert set(schools.index[schools["stage"].isin(["primary", "junior", "nine_year"])]) <= set(
        mine.index
    )
    assert set(measurements["target"]) == set(resources["county"].astype(str))


def test_the_check_tables_do_not_depend_on_the_evaluation_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The evaluation draws from a generator of its own: without them, the same tables."""
    import pandas as pd

    import dudao.synth as synth

    with_them = synthesize(5, "450100", 0.2)
    monkeypatch.setattr(synth, "evaluation_tables", lambda *a: (pd.DataFrame(), pd.DataFrame()))
    without = synthesize(5, "450100", 0.2)
    assert without.evaluation["measurements"].empty
    for name in with_them.tables:
        assert with_them.tables[name].equals(without.tables[name]), name
    assert with_them.committees == without.committees
