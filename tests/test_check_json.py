"""``dudao check --format json`` streams its findings: the same JSON as the whole-text
writer it replaced (pandas ``to_json``, one record a line), hostile text included."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
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
from dudao.rules.engine import _evidence, _ten_digits_all, ten_digits


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
#: Floats reach the output through the findings' evidence, already shown to 10 decimals
#: (:func:`dudao.rules.engine.ten_digits`); see the tests of floats below.
VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(ten_digits),
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
    """Quotes, backslashes, newlines, '/', '</script>' and any Unicode in any field;
    chunk boundaries anywhere."""
    frame = pd.DataFrame(
        {
            "message": [r[0] for r in rows],
            "target_name": pd.Series([r[1] for r in rows], dtype=object),
            "evidence": [r[2] for r in rows],
        }
    )
    assert _streamed(frame, chunk) == _old_findings(frame)


@given(
    st.lists(
        st.tuples(
            # beyond 1e300 ten significant digits can round up past the largest float
            st.one_of(st.none(), st.floats(min_value=-1e300, max_value=1e300)),
            st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
            st.one_of(st.none(), st.integers(-(2**53), 2**53)),
        ),
        max_size=30,
    ),
    st.integers(1, 7),
)
def test_evidence_floats_print_as_pandas_printed_them(rows: list[Any], chunk: int) -> None:
    """Evidence made from a rule's float columns (missing values, noise such as
    0.1 + 0.2, tiny and huge magnitudes) prints as pandas' writer printed the plain
    values: 10 decimals."""
    columns = pd.DataFrame(
        {
            "x": pd.Series([r[0] for r in rows], dtype="float64"),
            "y": pd.Series([r[1] for r in rows], dtype="float64"),
            "n": pd.Series([r[2] for r in rows], dtype=object),
        }
    )
    made = pd.DataFrame({"evidence": _evidence(columns, ["x", "y", "n"])})
    plain = [{"x": None if x is None or x != x else x, "y": y, "n": n} for x, y, n in rows]
    assert _streamed(made, chunk) == _old_findings(pd.DataFrame({"evidence": plain}))


@given(st.lists(st.floats(), max_size=50))
def test_evidence_floats_are_rounded_as_one_float_is(values: list[float]) -> None:
    """The vectorised rounding of a float column gives, value by value, exactly what
    :func:`ten_digits` gives (NaN as NaN)."""
    got = _ten_digits_all(np.array(values, dtype=np.float64))
    want = [ten_digits(v) for v in values]
    assert [repr(v) for v in got] == [repr(v) for v in want]


@given(st.integers(-(2**62), 2**62), st.integers(0, 40))
def test_rounding_agrees_on_decimals_near_every_magnitude(mantissa: int, shift: int) -> None:
    """Values with up to 40 decimals at magnitudes from 1e-22 to 1e18: the cases where
    NumPy's rounding (multiply, round, divide) could disagree with Python's."""
    v = mantissa / 10**shift
    assert repr(_ten_digits_all(np.array([v]))[0]) == repr(ten_digits(v))


@pytest.mark.parametrize("rows", [1, 2, 8192])
def test_missing_values_of_every_kind_print_as_null(rows: int) -> None:
    """None, NaN, pd.NA, NaT and NumPy's NaT in a findings column are all null, in
    object, string and categorical columns alike; other values print as themselves."""
    missing = [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]
    frame = pd.DataFrame(
        {
            "target_name": pd.Series([*missing, "学校"], dtype=object),
            "target": pd.Series([None] * len(missing) + ["S1"], dtype="string"),
            "jurisdiction": pd.Series([None] * len(missing) + ["450103"], dtype="category"),
            "evidence": pd.Series([*missing, {"n": 1}], dtype=object),
        }
    )
    got = _streamed(frame, rows)
    assert [r["target_name"] for r in got] == [None] * len(missing) + ["学校"]
    assert [r["target"] for r in got] == [None] * len(missing) + ["S1"]
    assert [r["jurisdiction"] for r in got] == [None] * len(missing) + ["450103"]
    assert [r["evidence"] for r in got] == [None] * len(missing) + [{"n": 1}]
