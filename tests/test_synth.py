"""The synthetic dataset: deterministic, loadable, checkable, proportional to its scale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dudao.api import check
from dudao.cli.synth import synth
from dudao.errors import DudaoError
from dudao.io.dataset import load_dataset
from dudao.model.schools import Stage
from dudao.model.tables import TABLES
from dudao.plugins.manager import load_plugins
from dudao.synth import AS_OF, SynthData, synthesize, write_dataset

CITY = ("450100", 0.2)  # 南宁市
PROVINCE = ("450000", 0.05)  # 广西


@pytest.fixture(scope="module")
def city() -> SynthData:
    return synthesize(11, *CITY)


@pytest.fixture(scope="module")
def province() -> SynthData:
    return synthesize(11, *PROVINCE)


@pytest.fixture(scope="module")
def plugins():
    return load_plugins()


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as their values: a loaded table keeps only the categories it uses."""
    return df.apply(lambda s: s.astype(object) if isinstance(s.dtype, pd.CategoricalDtype) else s)


def test_same_seed_gives_identical_frames(city: SynthData) -> None:
    again = synthesize(11, *CITY)
    for name, df in city.tables.items():
        pd.testing.assert_frame_equal(df, again.tables[name], obj=name)
    pd.testing.assert_frame_equal(city.townships, again.townships)
    assert city.committees == again.committees
    assert city.info == again.info
    other = synthesize(12, *CITY)
    assert not city.tables["schools"].equals(other.tables["schools"])


def test_same_seed_gives_identical_files(city: SynthData, tmp_path: Path) -> None:
    write_dataset(city, tmp_path / "a")
    write_dataset(synthesize(11, *CITY), tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert {"jurisdictions.parquet", "committees.parquet", "schools.parquet"} <= set(files)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_frames_have_the_table_specs_columns_and_dtypes(city: SynthData) -> None:
    assert city.info.sample and city.info.as_of == AS_OF and "合成" in (city.info.description or "")
    for name, spec in TABLES.items():
        df = city.tables[name]
        assert list(df.columns) == spec.names
        for column in spec.columns:
            expected = column.dtype
            if isinstance(expected, pd.CategoricalDtype):
                assert isinstance(df[column.name].dtype, pd.CategoricalDtype), (name, column)
                if column.type == "enum":
                    assert list(df[column.name].cat.categories) == list(expected.categories)
            else:
                assert df[column.name].dtype == expected, (name, column.name)
        if len(df):
            for column in spec.columns:
                if column.required:
                    assert df[column.name].notna().all(), (name, column.name)


def test_nothing_is_dated_after_the_as_of_date(province: SynthData) -> None:
    day = pd.Timestamp(AS_OF)
    for name, df in province.tables.items():
        for column in TABLES[name].columns:
            if column.type == "date" and column.name != "term_end":
                assert (df[column.name].dropna() <= day).all(), (name, column.name)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_written_dataset_loads_back_unchanged(
    city: SynthData, plugins, tmp_path: Path, fmt: str
) -> None:
    folder = write_dataset(city, tmp_path / fmt, fmt)  # type: ignore[arg-type]
    ds, hierarchy = load_dataset(folder, plugins.hierarchy())
    assert ds.info == city.info
    assert len(ds.units) == len(city.townships)
    assert all(hierarchy.get(c).parent == p for c, p in city.townships[["code", "parent"]].values)
    assert ds.committees == city.committees
    for name, df in city.tables.items():
        pd.testing.assert_frame_equal(_plain(ds.table(name)), _plain(df), obj=name)


def test_rewriting_in_another_format_leaves_one_file_per_table(
    city: SynthData, plugins, tmp_path: Path
) -> None:
    write_dataset(city, tmp_path, "csv")
    write_dataset(city, tmp_path, "parquet")
    assert not list(tmp_path.glob("*.csv"))
    load_dataset(tmp_path, plugins.hierarchy())


@pytest.mark.parametrize("where", [CITY, PROVINCE], ids=["city", "province"])
def test_check_finds_passing_and_failing_targets(
    where: tuple[str, float], plugins, tmp_path: Path
) -> None:
    data = synthesize(11, *where, hierarchy=plugins.hierarchy())
    folder = write_dataset(data, tmp_path)
    result = check(folder, plugins)
    # every table is there; only optional columns synthetic data does not record (report
    # dates) leave a rule unrun
    skipped = [r.skipped for r in result.runs if r.skipped]
    assert all(s.endswith(" 列") for s in skipped), skipped
    checked = [r for r in result.runs if r.checked]
    assert len(checked) >= 8
    assert sum(r.failed for r in checked) > 0
    assert sum(r.checked - r.failed for r in checked) > 0
    for r in checked:  # a few percent fail each rule (small counts vary more)
        assert r.failed <= max(3, 0.2 * r.checked), r
    assert len(result.findings) == sum(r.failed for r in result.runs)


@pytest.mark.regional
def test_development_zones_are_supervised_and_report(plugins) -> None:
    data = synthesize(11, *CITY, hierarchy=plugins.hierarchy())
    zones = {"450100-jingkai", "450100-gaoxin", "450100-dongmeng"}
    assert zones <= set(data.tables["filings"]["jurisdiction"].astype(str))
    assert zones <= set(data.tables["supervisions"]["target"].astype(str))
    assert not zones & set(data.tables["budgets"]["jurisdiction"].astype(str))
    assert not zones & {c.jurisdiction for c in data.committees}


def test_a_few_percent_of_records_are_wrong(province: SynthData) -> None:
    schools = province.tables["schools"]
    unzoned = schools["zone"].isna().mean()
    assert 0 < unzoned < 0.05
    ins = province.tables["inspectors"]
    assert 0 < (ins["consecutive_terms"] > 3).mean() < 0.05
    assert set(ins["assessment"].dropna()) <= {"excellent", "qualified", "unqualified"}


def test_counts_are_proportional_to_scale() -> None:
    small, large = synthesize(5, "450000", 0.2), synthesize(5, "450000", 0.4)
    for name in ("schools", "inspectors", "zones", "visits", "supervisions"):
        ratio = len(large.tables[name]) / len(small.tables[name])
        assert 1.7 < ratio < 2.3, (name, ratio)
    assert 1.7 < len(large.townships) / len(small.townships) < 2.3
    # per-jurisdiction records do not scale: every government has one set
    assert abs(len(large.tables["budgets"]) - len(small.tables["budgets"])) < 20
    nation = synthesize(5, "000000", 0.01)
    stages = nation.tables["schools"]["stage"].value_counts()
    assert len(nation.tables["schools"]) == 5200
    assert stages["kindergarten"] == 2920 and stages["primary"] == 1520
    # zones keep their 2 + 2–3 inspectors at any scale, so tiny scales are inspector-rich
    assert len(nation.tables["zones"]) <= len(nation.tables["schools"])


def test_county_level_draws_do_not_depend_on_the_scope(city: SynthData) -> None:
    province = synthesize(11, "450000", CITY[1])
    in_city = province.tables["schools"]["county"].astype(str).str.startswith("4501")
    assert in_city.sum() == len(city.tables["schools"])
    pd.testing.assert_frame_equal(
        province.townships[province.townships["code"].str.startswith("4501")].reset_index(
            drop=True
        ),
        city.townships,
    )


def test_students_and_stage_mix_look_plausible() -> None:
    schools = synthesize(3, "000000", 0.02).tables["schools"]
    median = schools.groupby("stage", observed=True)["students"].median()
    assert median["kindergarten"] < median["primary"] < median["junior"] < median["senior"]
    assert (schools["students"] > 0).all()
    private = schools.groupby("stage", observed=True)["ownership"].apply(
        lambda s: (s == "private").mean()
    )
    assert private["kindergarten"] > 0.3 > private["primary"]


def test_a_county_scope_and_an_earlier_as_of_date() -> None:
    data = synthesize(1, "450103", 1.0, as_of=dt.date(2022, 9, 15))
    assert data.info.as_of == dt.date(2022, 9, 15)
    assert set(data.tables["schools"]["county"].astype(str)) == {"450103"}
    visits = data.tables["visits"]["date"]
    assert visits.max() <= pd.Timestamp("2022-09-15") and visits.min() >= pd.Timestamp("2022-02-01")
    assert [c.jurisdiction for c in data.committees] in (["450103"], [])


def test_unknown_scope_and_bad_scale_are_clear_errors() -> None:
    with pytest.raises(DudaoError, match="未知的区划代码 '999999'"):
        synthesize(1, "999999")
    with pytest.raises(DudaoError, match="规模须为正数"):
        synthesize(1, "450100", 0)


def test_cli_writes_a_dataset(tmp_path: Path) -> None:
    out = tmp_path / "nn"
    args = ["--scale", "city", "--seed", "3", "--out", str(out), "--fraction", "0.05"]
    result = CliRunner().invoke(synth, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (out / "schools.csv").exists() and (out / "dataset.yaml").exists()
    schools = pd.read_csv(out / "schools.csv", dtype=str)
    assert list(schools.columns) == TABLES["schools"].names
    assert schools["stage"].isin([s.label for s in Stage]).all()  # 幼儿园, 小学 … for people
    assert schools["school_id"].str.startswith("4501").all()


def test_a_dataset_read_ahead_by_its_caller_loads_the_same_tables_decoded_once(
    city: SynthData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `dudao check` starts decoding before it loads its plugins; load_dataset, which
    # also reads ahead, must take those tables rather than decode them a second time
    from dudao.io import tables as tables_module
    from dudao.io.dataset import reading_dataset_ahead

    folder = write_dataset(city, tmp_path / "a")
    hierarchy = load_plugins().hierarchy()
    plain, _ = load_dataset(folder, hierarchy)
    decoded: list[str] = []
    decode = tables_module._decode_parquet
    monkeypatch.setattr(
        tables_module, "_decode_parquet", lambda p: decoded.append(p.name) or decode(p)
    )
    with reading_dataset_ahead(folder):
        ahead, _ = load_dataset(folder, hierarchy)
    files = sorted(p.name for p in folder.glob("*.parquet"))
    assert sorted(decoded) == [
        f
        for f in files
        if f.removesuffix(".parquet")
        in {"jurisdictions", "committees", "committee_members", *TABLES}
    ]
    assert len(decoded) == len(set(decoded))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(ahead, name), getattr(plain, name))

    decoded.clear()
    with reading_dataset_ahead(tmp_path):  # not a dataset: nothing is read
        pass
    assert decoded == []
