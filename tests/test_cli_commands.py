"""The table of commands: each loads when asked for, and ``dudao --help`` imports none."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

from dudao.cli import COMMANDS, cli, load_command
from dudao.cli.options import AsOf, OutPath


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_in_the_table_loads_and_its_help_agrees(name: str) -> None:
    command = load_command(name)
    assert isinstance(command, click.Command)
    shown = COMMANDS[name][1].rstrip("。")
    own = (command.help or "").replace("\n", "")
    assert own.startswith(shown) or (command.short_help or "").startswith(shown), (name, own)


def _run_in_fresh_process(args: list[str], heavy: list[str]) -> tuple[str, list[str]]:
    """What ``dudao ARGS`` prints in a new interpreter, and which of ``heavy`` it imported."""
    code = (
        "import sys\n"
        "from dudao.cli import cli\n"
        "try:\n"
        f"    cli({args!r})\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"print('loaded:', [m for m in {heavy!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    text, _, loaded = out.rpartition("loaded: ")
    return text, ast.literal_eval(loaded)


def test_help_lists_every_command_without_importing_them() -> None:
    out, loaded = _run_in_fresh_process(
        ["--help"], ["pandas", "numpy", "pyarrow", "sqlalchemy", "dudao.cli.check", "dudao.plugins"]
    )
    assert loaded == []
    for name in COMMANDS:
        assert f"  {name} " in out, name


def test_listing_plugins_loads_them_without_numpy_or_pandas() -> None:
    # Loading plugins builds every contribution (rules, indicator sets, plans) but
    # computes nothing: the modules it touches import NumPy and pandas on first use
    # (dudao.lazyimports), which keeps `dudao plugins` a cold start of ~0.4 s.
    out, loaded = _run_in_fresh_process(["plugins"], ["pandas", "numpy", "pyarrow", "sqlalchemy"])
    assert loaded == []
    assert "全国（国家规定）" in out  # the national rules were loaded and listed


def test_options_are_checked_once_however_often_a_command_loads() -> None:
    """Before: loading evaluate twice turned its --out (a file) into a folder option."""
    for _ in range(2):
        command = load_command("evaluate")
    types = {p.name: p.type for p in command.params}
    assert isinstance(types["out"], OutPath) and types["out"].folder is False
    assert isinstance(types["as_of"], AsOf)


def test_an_unknown_command_is_refused_with_usage() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["chekc"])
    assert result.exit_code == 2
    assert "chekc" in result.output


def test_dataset_argument_is_a_folder_or_an_examples_name(tmp_path: Path) -> None:
    from dudao.cli.options import dataset_folder
    from dudao.examples import example_path

    assert dataset_folder(None) == example_path()
    assert dataset_folder("yichang") == example_path("yichang")
    # a folder of that name here wins over the example
    (tmp_path / "yichang").mkdir()
    assert dataset_folder(str(tmp_path / "yichang")) == tmp_path / "yichang"
    assert dataset_folder("no/such/folder") == Path("no/such/folder")
