"""Numbers in messages and outputs as a person writes them (dudao.model.numbers): no
float noise, no exponent, shares as percentages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.evaluation.model import parse_indicator_set
from dudao.evaluation.score import evaluate
from dudao.evaluation.stats import weighted_cv
from dudao.model.jurisdiction import Level
from dudao.model.numbers import number, percent
from dudao.plugins.manager import load_plugins
from dudao.testing import dataset, inspector, run


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (40 - 32.3, "7.7"),  # 7.700000000000003
        (7.71352e-17, "0"),
        (-7.71352e-17, "0"),  # never "-0"
        (40.0, "40"),
        (37.5, "37.5"),
        (0.504, "0.504"),  # a CV just over 0.50 stays visibly over
        (1234567.0, "1234567"),  # no 1.23457e+06
        (2.675, "2.675"),
        (1 / 3, "0.333333"),
        (12, "12"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_number(value, shown) -> None:
    assert number(value) == shown


def test_number_rounds_half_up_on_the_number_as_printed() -> None:
    # 2.675 is stored as 2.67499999…; a person rounding "2.675" writes 2.68
    assert number(2.675, 3) == "2.68"
    assert number(1234.5, 0, thousands=True) == "1,235"


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.85, "85%"), (0.853, "85.3%"), (1.0, "100%"), (0.123456, "12.35%"), (0.0, "0%")],
)
def test_percent(share, shown) -> None:
    assert percent(share) == shown


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_is_plain_decimal_text_close_to_the_value(x: float) -> None:
    text = number(x)
    assert "e" not in text.lower() and text != "-0"
    if "." in text:
        assert not text.endswith(("0", "."))
    # six significant digits, nothing below 10⁻⁶
    assert abs(Decimal(text) - Decimal(repr(x))) <= max(
        Decimal(abs(x)) * Decimal("5e-6"), Decimal("5e-7")
    )


@given(st.integers())
def test_integers_are_written_whole(n: int) -> None:
    assert number(n) == str(n)


def test_a_training_shortfall_reads_as_people_write_it() -> None:
    # 40 − 32.3 = 7.7 学时 (as a float, 7.700000000000003)
    ds = dataset("110101", inspectors=[inspector("I1", "110101", training_hours=32.3)])
    result = run(
        ds, dt.date(2023, 6, 1), plugins=load_plugins(), rules={"inspector-training-hours"}
    )
    (message,) = result.findings["message"]
    assert message == "年度集中培训 32.3 学时，少于 40 学时，差 7.7 学时"


def test_a_coefficient_of_variation_of_equal_values_is_shown_as_0() -> None:
    cv = weighted_cv([0.1, 0.1], [1, 2])  # equal values: 0, computed as ~1.39e-16
    assert 0 < cv < 1e-15
    s = parse_indicator_set("""
id: demo
title: 示例
sample: true
dimensions:
  - id: d
    name: 均衡
    indicators:
      - {id: cv, name: 差异系数, measure: cv, points: 100,
         scoring: {kind: threshold, op: "<=", value: 0.5}}
grades: [{label: 合格, min: 60}, {label: 不合格}]
""")
    text = evaluate(s, pd.DataFrame({"target": ["A"], "cv": [cv]})).explain("A").text()
    assert "[均衡] cv 差异系数：值 0，标准 ≤ 0.5，得分 100 / 100 ✓" in text


def test_a_number_given_for_a_label_is_named_as_written() -> None:
    with pytest.raises(ValueError, match=r"^'3' 不是有效的取值"):
        Level.parse(3.0)  # type: ignore[arg-type]


def test_coverage_in_the_simulation_table_is_a_percentage() -> None:
    from click.testing import CliRunner

    from dudao.cli import cli

    r = CliRunner().invoke(
        cli, ["simulate", "--runs", "2", "--years", "1", "--workers", "1", "--quiet"]
    )
    assert r.exit_code == 0, r.output
    rows = [line for line in r.stdout.splitlines() if line.lstrip("│ ").startswith("baseline")]
    final = rows[-1]  # the dynamic table comes last; its last column is the coverage
    coverage = final.rstrip(" │").rsplit("│", 1)[-1]  # "93.75%" (the interval wraps below)
    assert re.fullmatch(r"\d+(\.\d+)?%( \[.*)?", coverage.strip()), final


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(2**60), 2**60).map(float),  # integral floats, below and above 2**53
    ),
    st.integers(0, 8),
    st.booleans(),
)
def test_a_float_prints_as_its_decimal_digits(value: float, digits: int, thousands: bool) -> None:
    """Integral floats (printed as integers) and remembered texts of others print as the
    decimal rounding of the float's shortest repr does: -0.0 as 0, 1e20 in full."""
    from dudao.model.numbers import _text

    assert number(value, digits, thousands=thousands) == _text(
        Decimal(repr(value)), digits, thousands
    )
