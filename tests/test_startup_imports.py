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
