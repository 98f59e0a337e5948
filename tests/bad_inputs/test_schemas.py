"""``dudao schema KIND`` for every kind: a valid draft-07 schema that accepts every file
of that kind the plugins, the national data and the examples hold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dudao.io import yamlio
from dudao.plugins.files import FILE_KINDS

from .conftest import run

ROOT = Path(__file__).resolve().parents[2]
BY_NAME = {k.filename: k.name for k in FILE_KINDS.values()}


def _kind(path: Path) -> str | None:
    """As ``dudao validate`` tells: by file name, or by folder (parameters/staffing.yaml)."""
    return BY_NAME.get(path.name) or BY_NAME.get(f"{path.parent.name}.yaml")


FILES = sorted(
    p
    for pattern in (
        "plugins/*/src/**/*.yaml",
        "src/dudao/data/**/*.yaml",
        "src/dudao/examples/**/*.yaml",
        "plugins/*/tests/data/**/*.yaml",
    )
    for p in ROOT.glob(pattern)
    if _kind(p) is not None
)


def _plain(value: Any) -> Any:
    """YAML dates as the text an editor's schema check sees."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for kind in FILE_KINDS:
        result = run("schema", kind)
        assert result.exit_code == 0, result.output
        out[kind] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_every_kind_exports_a_valid_schema(schemas: dict[str, dict[str, Any]], kind: str) -> None:
    jsonschema.Draft7Validator.check_schema(schemas[kind])


def test_the_files_checked_cover_every_kind_but_committee() -> None:
    # no plugin or example holds a single committee.yaml (datasets hold committees.yaml)
    assert {_kind(p) for p in FILES} == set(FILE_KINDS) - {"committee"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_matches_its_schema(
    schemas: dict[str, dict[str, Any]], path: Path
) -> None:
    kind = _kind(path)
    assert kind is not None
    validator = jsonschema.Draft7Validator(schemas[kind])
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(_plain(yamlio.read(path).data))
    ]
    assert errors == []


def test_a_plan_schema_tells_the_two_kinds_of_target(schemas: dict[str, dict[str, Any]]) -> None:
    """A task's target is a rule or a records count: the union msgspec cannot describe."""
    validator = jsonschema.Draft7Validator(schemas["plan"])
    plan = {
        "id": "p",
        "title": "工作要点",
        "cite": "南府督委办〔2022〕7号",
        "year": 2022,
        "items": [{"number": "一", "title": "任务", "tasks": [{"id": "t", "text": "做"}]}],
    }
    task = plan["items"][0]["tasks"][0]  # type: ignore[index]
    for target, ok in [
        ({"rule": "committee-meetings"}, True),
        ({"table": "meetings", "level": "county", "at_least": 1}, True),
        ({"rule": "committee-meetings", "table": "meetings"}, False),
        ({"rul": "committee-meetings"}, False),
    ]:
        task["target"] = target
        assert validator.is_valid(plan) is ok, target
