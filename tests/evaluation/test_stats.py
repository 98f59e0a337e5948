"""The student-weighted coefficient of variation and the splitting of combined schools."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.evaluation.stats import grouped_cv, split_combined, weighted_cv


def test_cv_hand_computed():
    # three schools: P = 200, 300, 500 (P = 1000); x = 5, 4, 2
    # X̄ = (200·5 + 300·4 + 500·2)/1000 = 3.2
    # S² = 0.2·1.8² + 0.3·0.8² + 0.5·1.2² = 0.648 + 0.192 + 0.72 = 1.56
    # CV = √1.56 / 3.2 = 1.2490 / 3.2 = 0.39031
    assert weighted_cv([5, 4, 2], [200, 300, 500]) == pytest.approx(math.sqrt(1.56) / 3.2)
    assert round(weighted_cv([5, 4, 2], [200, 300, 500]), 5) == 0.39031


def test_cv_is_weighted_not_plain():
    # unweighted CV of (4, 8) would be 2/6 = 0.333; weighted 100:300 gives √3/7 = 0.247
    assert weighted_cv([4, 8], [100, 300]) == pytest.approx(math.sqrt(3) / 7)


def test_grouped_matches_single_and_skips_missing():
    df = pd.DataFrame(
        {
            "county": ["A", "A", "A", "B", "B"],
            "p": [200, 300, 500, 10, 0],
            "x": [5.0, 4.0, 2.0, 3.0, 99.0],  # B's second school has no students
            "y": [1.0, np.nan, 1.0, 2.0, 2.0],
        }
    )
    out = grouped_cv(df, ["x", "y"], "p", "county")
    assert out.at["A", "x"] == pytest.approx(weighted_cv([5, 4, 2], [200, 300, 500]))
    assert out.at["B", "x"] == 0.0
    assert out.at["A", "y"] == 0.0


schools = st.lists(
    st.tuples(st.integers(1, 5000), st.floats(0.01, 1e4, allow_nan=False)), min_size=1, max_size=30
)


@given(schools, st.floats(1e-3, 1e3))
def test_cv_unchanged_by_scaling(rows, k):
    p, x = zip(*rows, strict=True)
    base = weighted_cv(x, p)
    assert weighted_cv([v * k for v in x], p) == pytest.approx(base, rel=1e-6, abs=1e-9)


@given(schools, st.randoms(use_true_random=False))
def test_cv_unchanged_by_reordering(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    df = pd.DataFrame(rows, columns=["p", "x"]).assign(c="A")
    df2 = pd.DataFrame(shuffled, columns=["p", "x"]).assign(c="A")
    a = grouped_cv(df, ["x"], "p", "c").at["A", "x"]
    b = grouped_cv(df2, ["x"], "p", "c").at["A", "x"]
    assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    p, x = zip(*rows, strict=True)
    assert a == pytest.approx(weighted_cv(x, p), rel=1e-9, abs=1e-12)


def test_split_combined_weights():
    s = pd.DataFrame(
        {
            "school_id": ["N", "T", "C", "P", "X"],
            "stage": ["nine_year", "twelve_year", "complete_secondary", "primary", "special"],
            "primary_students": [600, 100, 0, 500, 50],
            "junior_students": [400, 100, 300, 0, 0],
            "senior_students": [0, 100, 500, 0, 0],
            "area": [1040.0, 342.0, 900.0, 500.0, 80.0],
        }
    )
    parts = split_combined(s, ["area"])
    got = {(r.school_id, r.part): r.area for r in parts.itertuples()}
    # 九年一贯制 1 : 1.1 → 600 : 440 of 1040
    assert got[("N", "primary")] == pytest.approx(600)
    assert got[("N", "junior")] == pytest.approx(440)
    # 十二年一贯制 1 : 1.1 : 1.32 → 100 : 110 : 132 of 342
    assert got[("T", "primary")] == pytest.approx(100)
    assert got[("T", "junior")] == pytest.approx(110)
    # 完全中学 junior : senior = 1 : 1.2 → 300 : 600 of 900 → junior 300
    assert got[("C", "junior")] == pytest.approx(300)
    assert got[("P", "primary")] == 500
    assert ("X", "primary") not in got  # special-education schools are left out
