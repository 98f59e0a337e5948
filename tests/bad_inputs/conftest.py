"""The bad-input suite's tools: the example dataset to corrupt, the command line run
in-process, and the one assertion every bad input must pass."""

from __future__ import annotations

import csv
import functools
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import strategies as st

from dudao.cli import cli
from dudao.examples import example_path


@functools.cache
def nanning_example() -> Path:
    """The Nanning example (shipped by dudao-nanning): looked up when a test needs it, so
    the core alone still collects this suite."""
    return example_path("nanning")


def run(*args: object) -> Result:
    """``dudao ARGS`` in this process (a fresh interpreter per input would take seconds)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def refused(result: Result, *where: str) -> str:
    """Exit 2 with every part of ``where`` (file, line or row, field, words) in what was
    printed; no internal error and no traceback. Returns the text printed."""
    text = result.output
    assert result.exit_code == 2, f"exit {result.exit_code}: {text}{result.exception!r}"
    assert "内部错误" not in text and "Traceback" not in text, text
    for part in where:
        assert part in text, f"{part!r} not in:\n{text}"
    return text


@pytest.fixture(scope="package", autouse=True)
def _plugins_found_once() -> Iterator[None]:
    """Every command here loads the installed plugins the same way: find them once (and
    build their hierarchy once) rather than for each of several hundred inputs."""
    import dudao.cli as package
    from dudao.plugins import manager

    found = manager.load_plugins()
    for command in package.COMMANDS:  # commands are imported when first run: import them now
        package.load_command(command)

    def load_plugins(**options: object) -> object:
        return manager.load_plugins(**options) if options else found  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith(package.__name__) and hasattr(module, "load_plugins"):
                patch.setattr(module, "load_plugins", load_plugins)
        yield


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the bundled Nanning example, to corrupt."""
    return Path(shutil.copytree(nanning_example(), tmp_path / "ds"))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; ``row`` as a person counts it (the header is row 1)."""
    rows = read_csv(path)
    rows[row - 1][rows[0].index(column)] = value
    write_csv(path, rows)


@st.composite
def impossible_dates(draw: st.DrawFn) -> str:
    """Written as people write dates, but no such day (or before 1900)."""
    year = draw(st.integers(1000, 9999))
    month = draw(st.integers(0, 99))
    day = draw(st.integers(0, 99))
    if 1 <= month <= 12 and year >= 1900:
        day = draw(st.sampled_from([0, 32, 99] + ([30, 31] if month == 2 else [31])))
        if month in (1, 3, 5, 7, 8, 10, 12) and day == 31:
            day = 32
    shape = draw(st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日"]))
    return shape.format(y=year, m=month, d=day)
