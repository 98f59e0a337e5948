"""ruff lint and format, the layer contract and mypy --strict are part of the suite, so CI
enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint_is_clean() -> None:
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_point_down() -> None:
    """The import-linter contract in pyproject.toml: no layer imports one above it (at
    module level or inside a function)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check_strictly() -> None:
    """mypy --strict over src/dudao (configured in pyproject.toml): zero errors."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


#: Private names still imported across packages, each to be given a public name:
#: (importing module, module imported from, name).
PRIVATE_IMPORTS_LEFT: set[tuple[str, str, str]] = set()


def _package(module: str) -> str:
    """The package a module belongs to for this rule: ``dudao.server.casework`` →
    ``dudao.server``; a module directly under dudao is its own (``dudao.testcases``)."""
    return ".".join(module.split(".")[:2])


def test_no_private_name_is_imported_from_another_package() -> None:
    """A package's ``_names`` are its own: the service lists cases through
    CaseStore.page, not the store's row helpers; serve and testcases use the public
    names of server.db and io.dataset. Checked at module level and inside functions."""
    import ast

    found = set()
    for path in sorted((ROOT / "src" / "dudao").rglob("*.py")):
        parts = path.relative_to(ROOT / "src").with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            if not node.module.startswith("dudao.") or _package(node.module) == _package(module):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add((module, node.module, alias.name))
    assert found == PRIVATE_IMPORTS_LEFT


def _conftest_imports(path: Path) -> list[int]:
    """Lines of ``path`` importing a conftest module by its bare name."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        if "conftest" in names:
            lines.append(node.lineno)
    return lines


def test_no_test_imports_a_conftest_by_name() -> None:
    """``from conftest import new_pg_database`` (tests/workflow) found whichever
    conftest.py came first on sys.path: tests/web's, once that folder was collected, and
    the test failed with ImportError. Shared helpers are fixtures (pg_database in
    tests/conftest.py) or modules with names of their own."""
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for folder in (ROOT / "tests", ROOT / "plugins")
        for path in sorted(folder.rglob("*.py"))
        if "node_modules" not in path.parts
        for line in _conftest_imports(path)
    }
    assert not found


def test_the_postgresql_tests_pass_whatever_was_collected_before_them(tmp_path: Path) -> None:
    """The order that failed: the store's PostgreSQL test collected before the web
    tests (whose conftest puts tests/web first on sys.path)."""
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
            "tests/workflow/test_store.py::test_postgresql_url_without_driver_name_uses_psycopg",
            "tests/web/test_guards.py",
        ],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "ImportError" not in run.stdout
