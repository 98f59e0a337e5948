"""The JSON Schema of indicator-set files checks every field, scoring by kind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from dudao.cli import cli
from dudao.evaluation.national import FOLDER
from dudao.evaluation.schema import indicator_set_schema
from dudao.io import yamlio

ROOT = Path(__file__).resolve().parents[2]
SET_FILES = sorted(FOLDER.glob("*.yaml")) + sorted(
    ROOT.glob("plugins/*/src/*/data/indicator_sets/*.yaml")
)
VALIDATOR = jsonschema.Draft7Validator(indicator_set_schema())


def _plain(value: Any) -> Any:
    """YAML dates as the strings an editor sees."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(_plain(data))]


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(indicator_set_schema())


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.name)
def test_every_bundled_set_file_validates(path: Path) -> None:
    assert _errors(yamlio.read(path).data) == []


def _national() -> dict:
    return _plain(yamlio.read(FOLDER / "preschool_universal.yaml").data)


def test_wrong_files_fail() -> None:
    data = _national()
    assert _errors(data) == []
    scoring = data["dimensions"][0]["indicators"][0]["scoring"]
    # a linear field on a threshold: no branch of the kind's oneOf accepts it
    assert _errors(
        {
            **data,
            "dimensions": [
                {
                    **data["dimensions"][0],
                    "indicators": [
                        {
                            **data["dimensions"][0]["indicators"][0],
                            "scoring": {**scoring, "zero": 1},
                        }
                    ],
                }
            ],
        }
    )
    for bad_scoring in (
        {"kind": "thresold", "op": ">=", "value": 1},  # unknown kind
        {"kind": "threshold", "op": ">="},  # no standard
        {"kind": "threshold", "op": ">=", "value": 1, "param": "a.b"},  # both
        {"kind": "bands", "bands": [{"min": 1}]},  # a band without points
        {"kind": "count", "items": []},  # no min
    ):
        ind = {**data["dimensions"][0]["indicators"][0], "scoring": bad_scoring}
        dims = [{**data["dimensions"][0], "indicators": [ind]}]
        assert _errors({**data, "dimensions": dims}), bad_scoring
    assert _errors({**data, "gradez": []})  # misspelt top-level key
    assert _errors({k: v for k, v in data.items() if k != "grades"})  # required
    assert _errors({"id": "x", "extends": "y", "adjust": [{"id": "a", "pointz": 1}]})
    assert _errors(
        {
            "id": "x",
            "extends": "y",
            "add": [{"id": "a", "name": "n", "points": 1, "scoring": scoring}],
        }
    )  # no dimension
    assert not _errors(
        {
            "id": "x",
            "extends": "y",
            "cite": "示例〔2024〕1号",
            "adjust": [{"id": "a", "param": "p.q"}],
            "remove": ["b"],
        }
    )


def test_schema_command_prints_it() -> None:
    r = CliRunner().invoke(cli, ["schema", "indicator-set"])
    assert r.exit_code == 0
    assert json.loads(r.output) == indicator_set_schema()
