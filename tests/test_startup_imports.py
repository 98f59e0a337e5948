"""What ``dudao check`` imports before it reads a dataset: the application layer and
the plugins, not the scoring and statistics it never runs."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

import dudao.evaluation

#: imported by the commands that score (evaluate, simulate, report), never by a check
SCORING = [
    "dudao.evaluation.score",
    "dudao.evaluation.stats",
    "dudao.evaluation.national",
    "dudao.evaluation.measurements",
    "dudao.evaluation.standards",
]


def test_check_and_its_plugins_load_without_the_scoring_modules() -> None:
    code = (
        "import sys\n"
        "import dudao.api, dudao.cli.check\n"
        "from dudao.plugins.manager import load_plugins\n"
        "assert load_plugins().law_book() is not None\n"
        f"print([m for m in {SCORING!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert ast.literal_eval(out.strip()) == []


@pytest.mark.parametrize("name", dudao.evaluation.__all__)
def test_every_name_of_the_evaluation_package_is_its_modules_own(name: str) -> None:
    value = getattr(dudao.evaluation, name)
    home = importlib.import_module(value.__module__)
    assert getattr(home, name) is value
    assert name in dir(dudao.evaluation)


def test_an_unknown_name_of_the_evaluation_package_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        dudao.evaluation.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        from dudao.evaluation import no_such_name  # type: ignore[attr-defined] # noqa: F401


def test_plugins_adding_no_unit_leave_the_shipped_tree_as_it_is() -> None:
    """Extending the tree by no unit built and checked a copy of its 3,200 units, once
    per such plugin; the tree is now the shipped one itself."""
    from dudao.io.divisions import divisions_hierarchy
    from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind
    from dudao.plugins.info import PluginInfo
    from dudao.plugins.manager import load_plugins
    from dudao.plugins.markers import hookimpl

    class NoUnits:
        @hookimpl
        def dudao_plugin_info(self) -> PluginInfo:
            return PluginInfo(name="bare", title="无单位", scope="450100")

    class OneUnit(NoUnits):
        @hookimpl
        def dudao_plugin_info(self) -> PluginInfo:
            return PluginInfo(name="dev", title="开发区", scope="450100")

        @hookimpl
        def dudao_jurisdictions(self) -> list[Jurisdiction]:
            kind = JurisdictionKind.DEVELOPMENT_ZONE
            return [Jurisdiction("450100-demo", "演示开发区", kind, "450100")]

    bare = load_plugins(autoload=False, extra={"bare": NoUnits()})
    assert bare.hierarchy() is divisions_hierarchy()
    assert [p.state for p in bare] == ["loaded", "loaded"]
    grown = load_plugins(autoload=False, extra={"bare": NoUnits(), "dev": OneUnit()})
    assert grown.hierarchy() is not divisions_hierarchy()
    assert grown.hierarchy().contains("450100", "450100-demo")
    assert "450100-demo" not in divisions_hierarchy()


def test_the_collector_is_paused_while_a_command_loads_and_runs_again_for_it() -> None:
    """main() pauses the cycle collector for the command's imports, then freezes what
    they made and lets it run: a command runs with the collector on, as before."""
    code = (
        "import gc, sys\n"
        "import dudao.cli as cli\n"
        "seen = {}\n"
        "original = cli.load_command\n"
        "def load(name):\n"
        "    seen['loading'] = gc.isenabled()\n"
        "    return original(name)\n"
        "cli.load_command = load\n"
        "sys.argv = ['dudao', 'schema', 'committee']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "finally:\n"
        "    print(seen['loading'], gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.split() == ["False", "True", "True"]


def test_a_command_run_in_process_leaves_the_collector_as_it_was() -> None:
    import gc

    from click.testing import CliRunner

    from dudao.cli import cli

    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["schema", "committee"])
    assert result.exit_code == 0
    assert gc.isenabled()
