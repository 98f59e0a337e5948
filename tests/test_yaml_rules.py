"""A county plugin written with YAML only, following the guide (docs/plugins.md): the
scaffold of ``dudao new-plugin``, then the guide's own example files
(docs/examples/dudao-xiangyin) — a count-per-year rule, a deadline rule and a parameter
that overrides Yueyang's in the county. It validates as loading does, its rules are in
force in its scope only, and its test cases pass."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dudao.plugins.manager import PluginSet, load_plugins, plugin_folder_problems
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.scaffold import new_plugin
from dudao.testcases import run_case
from dudao.testing import dataset, inspector, run

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "dudao-xiangyin"
GUIDE = ROOT / "docs" / "plugins.md"


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """``dudao new-plugin xiangyin --scope 430624 --builds-on yueyang``, then the
    example's files copied in (a file of the same name replaced), as the guide says."""
    pytest.importorskip("dudao_yueyang")
    out = tmp_path / "dudao-xiangyin"
    new_plugin("xiangyin", "430624", out, load_plugins().hierarchy(), builds_on=("yueyang",))
    for path in EXAMPLE.rglob("*"):
        if path.is_file():
            target = out / path.relative_to(EXAMPLE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return out


def data(folder: Path) -> Path:
    return folder / "src" / "dudao_xiangyin" / "data"


def with_plugin(folder: Path) -> PluginSet:
    plugins = load_plugins(extra={"xiangyin": YamlPlugin(data(folder))})
    assert plugins.get("xiangyin").ok, plugins.get("xiangyin").problems
    return plugins


def test_the_example_is_yaml_only() -> None:
    files = [p for p in EXAMPLE.rglob("*") if p.is_file()]
    assert files and not [p for p in files if p.suffix == ".py"]


def test_the_guide_shows_the_example_files_as_they_are() -> None:
    """The rules and parameters files the guide prints are the example's, byte for byte:
    the guide cannot drift from the files the test builds the plugin from."""
    guide = GUIDE.read_text(encoding="utf-8")
    for rel in ("rules/xiangyin.yaml", "parameters/xiangyin.yaml"):
        text = (EXAMPLE / "src" / "dudao_xiangyin" / "data" / rel).read_text(encoding="utf-8")
        assert f"```yaml\n{text}```" in guide, rel


def test_it_validates_as_loading_does(folder: Path) -> None:
    assert plugin_folder_problems(data(folder)) == []


def test_its_cases_pass(folder: Path) -> None:
    plugins = with_plugin(folder)
    cases = sorted((folder / "tests" / "cases").glob("*.yaml"))
    names = {c.name for c in cases}
    assert {"kindergarten_visits.yaml", "plan_filed_late.yaml"} <= names
    for case in cases:
        result = run_case(case, plugins)
        assert not result.failures, (case.name, result.failures)


def test_the_override_is_what_lets_four_part_time_inspectors_pass(folder: Path) -> None:
    """Without the county's parameter, Yueyang's maximum of 3 part-time inspectors fails
    the same zone; with it, only Xiangyin gets 4: a zone of another county still fails."""
    crew = ["full_time", "full_time", *["part_time"] * 4]

    def zone_of(county: str) -> dataset:  # type: ignore[valid-type]
        return dataset(
            county,
            zones=[{"zone_id": "Z1", "name": "一区", "county": county}],
            inspectors=[
                inspector(f"I{i}", county, kind=k, zone="Z1", term_start="2022-09-01")
                for i, k in enumerate(crew)
            ],
        )

    day = dt.date(2023, 6, 1)
    plugins = with_plugin(folder)
    assert run(zone_of("430624"), day, plugins=plugins, rules={"zone-composition"}).findings.empty
    other = run(zone_of("430626"), day, plugins=plugins, rules={"zone-composition"})
    assert list(other.findings["target"]) == ["Z1"]  # 平江县: still at most 3
    (data(folder) / "parameters" / "xiangyin.yaml").unlink()
    (data(folder) / "rules" / "xiangyin.yaml").unlink()  # its rules read the file removed
    without = run(zone_of("430624"), day, plugins=with_plugin(folder), rules={"zone-composition"})
    assert list(without.findings["target"]) == ["Z1"]


def test_its_rules_stay_in_the_county(folder: Path) -> None:
    """A city-wide dataset: the county's deadline rule judges Xiangyin only."""
    plugins = with_plugin(folder)
    ds = dataset("430600", filings=[])
    result = run(ds, dt.date(2023, 5, 1), plugins=plugins, rules={"county-plan-filed"})
    assert list(result.findings["target"]) == ["430624"]


def test_rules_for_a_code_say_where_each_parameter_value_comes_from(folder: Path) -> None:
    """What ``dudao rules --for`` shows: in Xiangyin the zone rule reads the county's
    own maximum (its parameters file), in 平江县 Yueyang's."""
    from dudao.api import rule_parameters

    plugins = with_plugin(folder)
    day = dt.date(2023, 6, 1)

    def read(code: str, rule: str, parameter: str) -> tuple[object, str | None, str]:
        (r,) = [r for r in rule_parameters(plugins, code, day) if r.id == rule]
        (p,) = [p for p in r.parameters if p.id == parameter]
        return p.value, p.plugin, p.where()

    value, plugin, where = read("430624", "zone-composition", "zone.part_time_inspectors_max")
    assert (value, plugin) == (4, "xiangyin") and where.endswith("parameters/xiangyin.yaml:12")
    value, plugin, where = read("430626", "zone-composition", "zone.part_time_inspectors_max")
    assert (value, plugin) == (3, "yueyang") and where.endswith("parameters/zones.yaml:31")
    (visits,) = [
        r for r in rule_parameters(plugins, "430624", day) if r.id == "kindergarten-visits-per-year"
    ]
    assert visits.template == "count-per-period" and visits.plugin == "xiangyin"


def test_the_rules_command_prints_the_parameter_sources() -> None:
    pytest.importorskip("dudao_weinan")
    import json

    from click.testing import CliRunner

    from dudao.cli import cli

    args = ["rules", "--for", "610503", "--as-of", "2023-06-30", "--format", "json"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    reads = {r["rule"]: r for r in json.loads(out.output)["rule_parameters"]}
    (p,) = reads["qianyuan-annual-task"]["parameters"]
    assert reads["qianyuan-annual-task"]["template"] == "count-per-period"
    assert (p["id"], p["value"], p["plugin"]) == ("creation.qianyuan_annual_target", None, "weinan")
    assert p["source"].endswith("parameters/creation.yaml") and p["line"] == 9


def test_validate_on_the_folder_passes_and_names_a_misspelt_parameter(folder: Path) -> None:
    """``dudao validate`` on the plugin folder (not installed): its own parameters are
    known; a misspelt one — which would read as unset and judge nobody — is named with
    the id it probably meant, at the rule's line."""
    from click.testing import CliRunner

    from dudao.cli import cli

    ok = CliRunner().invoke(cli, ["validate", str(data(folder))])
    assert ok.exit_code == 0, ok.output
    rules = data(folder) / "rules" / "xiangyin.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("kindergarten_visits_per_year", "kindergarten_visit_per_year"))
    bad = CliRunner().invoke(cli, ["validate", str(data(folder))])
    assert bad.exit_code != 0
    assert (
        "xiangyin.yaml:3 " in bad.output and "xiangyin.kindergarten_visits_per_year" in bad.output
    )


def test_validating_an_installed_plugins_own_units_file_by_another_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nanning's jurisdictions.yaml, named by a relative path while the loaded plugin
    records it as an absolute one, is the same file: not "defined twice"."""
    import os

    from dudao.io import yamlio
    from dudao.model.jurisdiction import JurisdictionsFile
    from dudao.plugins.checks import check_file

    nanning = pytest.importorskip("dudao_nanning")
    path = Path(nanning.__file__).parent / "data" / "jurisdictions.yaml"
    monkeypatch.chdir(tmp_path)  # the plugin lies outside: its origin is absolute
    plugins = load_plugins()
    relative = os.path.relpath(path, tmp_path)
    obj = yamlio.structure(yamlio.read(relative), JurisdictionsFile)
    assert check_file(obj, plugins, source=relative) == []
