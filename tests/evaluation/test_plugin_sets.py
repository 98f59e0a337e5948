"""Indicator sets contributed by plugins: scoped, dated, cited entries (issue 5)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.cli import evaluate as evaluate_cli
from dudao.errors import DudaoError
from dudao.evaluation.national import FOLDER
from dudao.law.kinds import Kind
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin

SET = "preschool_universal"


def regional_plugin(
    root: Path, name: str = "nanning_test", since: str = "2024-01-01"
) -> YamlPlugin:
    folder = root / name
    (folder / "indicator_sets").mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        f"name: {name}\ntitle: 南宁测试\nscope: '450100'\n", encoding="utf-8"
    )
    text = (FOLDER / f"{SET}.yaml").read_text(encoding="utf-8")
    text = text.replace("title: 县域学前教育普及普惠督导评估", "title: 南宁市学前教育普及普惠评估")
    text += f"\nsince: {since}\n"
    (folder / "indicator_sets" / f"{SET}.yaml").write_text(text, encoding="utf-8")
    return YamlPlugin(folder)


def test_national_sets_come_through_the_national_plugin() -> None:
    book = load_plugins(autoload=False).law_book()
    assert SET in book.ids("indicator_set")
    entry = book.resolve("indicator_set", SET, "450103", dt.date(2024, 6, 1))
    assert entry is not None and entry.origin.plugin == "national" and entry.scope == "000000"


def test_regional_set_overrides_only_inside_its_scope_and_while_valid(tmp_path: Path) -> None:
    plugins = load_plugins(autoload=False, extra={"nanning_test": regional_plugin(tmp_path)})
    book = plugins.law_book()

    def title(code: str, day: dt.date) -> str:
        entry = book.resolve("indicator_set", SET, code, day)
        assert entry is not None
        return entry.value.title

    assert title("450103", dt.date(2024, 6, 1)) == "南宁市学前教育普及普惠评估"
    assert book.resolve("indicator_set", SET, "450103", dt.date(2024, 6, 1)).scope == "450100"
    assert title("450103", dt.date(2023, 6, 1)) == "县域学前教育普及普惠督导评估"  # not yet valid
    assert title("610503", dt.date(2024, 6, 1)) == "县域学前教育普及普惠督导评估"  # outside
    assert title("450203", dt.date(2024, 6, 1)) == "县域学前教育普及普惠督导评估"  # 柳州


def test_two_sets_of_one_id_at_one_scope_name_both_sources(tmp_path: Path) -> None:
    plugins = load_plugins(
        autoload=False,
        extra={
            "nanning_a": regional_plugin(tmp_path, "nanning_a"),
            "nanning_b": regional_plugin(tmp_path, "nanning_b", since="2024-03-01"),
        },
    )
    book = plugins.law_book()  # a conflict blocks its own scope, nothing else
    (conflict,) = plugins.conflicts()
    assert (conflict.kind, conflict.id) == ("indicator_set", SET)
    with pytest.raises(DudaoError) as err:
        book.resolve(Kind.INDICATOR_SET, SET, "450103", dt.date(2024, 6, 1))
    text = str(err.value)
    assert "nanning_a" in text and "nanning_b" in text
    assert any(p.code == "conflicting-entries" for p in err.value.problems)
    assert book.resolve(Kind.INDICATOR_SET, SET, "450203", dt.date(2024, 6, 1)) is not None


def test_evaluate_resolves_the_regional_set(tmp_path: Path, monkeypatch) -> None:
    plugins = load_plugins(autoload=False, extra={"nanning_test": regional_plugin(tmp_path)})
    monkeypatch.setattr(evaluate_cli, "load_plugins", lambda: plugins)
    runner = CliRunner()
    # Nanning's evaluation data by the example's name: the default is Yichang's now
    args = ["evaluate", "nanning", "--set", SET, "--format", "json"]
    r = runner.invoke(cli, [*args, "--as-of", "2024-06-01"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["set"]["title"] == "南宁市学前教育普及普惠评估"
    r = runner.invoke(cli, [*args, "--as-of", "2023-06-01"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["set"]["title"] == "县域学前教育普及普惠督导评估"
    # the default data (宜昌市) lies outside the set's scope: the national set scores it
    r = runner.invoke(cli, ["evaluate", "--set", SET, "--format", "json", "--as-of", "2024-06-01"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["set"]["title"] == "县域学前教育普及普惠督导评估"


def test_unknown_set_lists_the_ids() -> None:
    r = CliRunner().invoke(cli, ["evaluate", "--set", "nope"])
    assert r.exit_code == 2
    assert "quality_balanced" in r.output and SET in r.output


def test_schema_and_validate_for_indicator_sets() -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["schema", "indicator-set"])
    schema = json.loads(r.output)
    assert r.exit_code == 0 and "dimensions" in schema["$defs"]["IndicatorSet"]["required"]
    r = runner.invoke(cli, ["validate", str(FOLDER / f"{SET}.yaml")])
    assert r.exit_code == 0, r.output
