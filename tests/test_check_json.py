"""``dudao check --format json`` streams its findings: the same JSON as the whole-text
writer it replaced (pandas ``to_json``, one record a line), hostile text included."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dudao.api import check
from dudao.cli import cli
from dudao.cli.check import _findings_json
from dudao.examples import example_path
from dudao.plugins.manager import load_plugins


def _old_findings(findings: pd.DataFrame) -> list[Any]:
    """What the JSON output held before streaming: pandas' records, 10 decimals."""
    records = findings.to_json(orient="records", lines=True, force_ascii=False)
    return [json.loads(line) for line in records.split("\n") if line]


def _streamed(findings: pd.DataFrame, rows: int = 8192) -> list[Any]:
    text = b",\n".join(_findings_json(findings, rows)).decode()
    lines = text.split(",\n{")  # a record a line: texts keep their newlines escaped
    assert all("\n" not in line for line in text.split(",\n"))
    return json.loads("[" + text + "]") if lines != [""] else []


@pytest.mark.regional
def test_the_nanning_check_prints_the_findings_it_printed_before() -> None:
    path = example_path("nanning")
    result = check(path, load_plugins())
    out = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--exit-zero"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data["findings"]) == len(result.findings) > 20
    assert data["findings"] == _old_findings(result.findings)


@pytest.mark.regional
def test_an_empty_check_prints_an_empty_list() -> None:
    path = str(example_path("nanning"))
    args = ["check", path, "--rule", "committee-meetings", "--as-of", "2021-01-01"]
    out = CliRunner().invoke(cli, [*args, "--format", "json", "--exit-zero"])
    data = json.loads(out.stdout)
    assert data["findings"] == []
    empty = pd.DataFrame({"rule": pd.Series([], dtype=object)})
    assert _streamed(empty) == []


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    TEXT,
)


@given(
    st.lists(
        st.tuples(TEXT, st.one_of(st.none(), TEXT), st.dictionaries(TEXT, VALUE, max_size=4)),
        max_size=30,
    ),
    st.integers(1, 7),
)
def test_streamed_records_equal_the_old_records(rows: list[Any], chunk: int) -> None:
    """Quotes, backslashes, newlines, '/', '</script>' and any Unicode in any field; floats
    rounded to 10 decimals as pandas wrote them; chunk boundaries anywhere."""
    frame = pd.DataFrame(
        {
            "message": [r[0] for r in rows],
            "target_name": pd.Series([r[1] for r in rows], dtype=object),
            "evidence": [r[2] for r in rows],
        }
    )
    assert _streamed(frame, chunk) == _old_findings(frame)
