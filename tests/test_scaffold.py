"""``dudao new-plugin``: the scaffold installs, loads and its test case passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dudao.errors import DudaoError
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.scaffold import new_plugin
from dudao.testcases import run_cases

HIERARCHY = load_plugins(autoload=False).hierarchy()


def test_the_scaffold_loads_as_a_plugin_and_its_case_passes(tmp_path: Path) -> None:
    out = tmp_path / "dudao-liuzhou"
    new_plugin("liuzhou", "450200", out, HIERARCHY, builds_on=())
    plugins = load_plugins(
        autoload=False, extra={"liuzhou": YamlPlugin(out / "src" / "dudao_liuzhou" / "data")}
    )
    loaded = plugins.get("liuzhou")
    assert loaded.ok and loaded.scope == "450200" and loaded.title == "柳州市"
    plugins.law_book()  # the skeleton files are valid (empty) parameter and rule files
    (result,) = run_cases([out / "tests"], plugins)
    assert not isinstance(result, DudaoError), result
    assert result.passed, result.failures


def test_bad_requests_are_refused_together_and_nothing_is_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DudaoError) as err:
        new_plugin("Liu Zhou", "999999", out, HIERARCHY)
    codes = [p.code for p in err.value.problems]
    assert codes == ["invalid-name", "unknown-code", "exists"]
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_the_scaffold_installs_and_dudao_plugins_lists_it(tmp_path: Path) -> None:
    out = tmp_path / "dudao-liuzhou"
    new_plugin("liuzhou", "450200", out, HIERARCHY)
    site = tmp_path / "site"
    # as a policy officer would: pip builds the package (hatchling) in its own
    # isolated environment, so the test venv needs no build tools
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    env = dict(os.environ, PYTHONPATH=str(site))
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "dudao"), "plugins", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    plugins = {p["name"]: p for p in json.loads(shown.stdout)["plugins"]}
    assert plugins["liuzhou"]["error"] is None
    assert plugins["liuzhou"]["distribution"] == "dudao-liuzhou"
