"""grouped_cv's fast path (a categorical code column, every row counted) gives what the
general path gives: the same groups, the same CVs bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dudao.evaluation.stats import grouped_cv, weighted_cv

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["450102", "450103", "450105", None]),
        st.integers(0, 3000),
        st.one_of(st.none(), st.floats(0, 1e4, allow_nan=False)),
    ),
    min_size=1,
    max_size=40,
)


def _frame(rows: list) -> tuple[list, pd.DataFrame]:
    """The rows' county keys, and the rows as a table with text keys."""
    county = [r[0] for r in rows]
    frame = pd.DataFrame(
        {
            "county": pd.Series(county, dtype=object),
            "students": [r[1] for r in rows],
            "x": pd.Series([r[2] for r in rows], dtype=float),
        }
    )
    return county, frame


@given(ROWS, st.booleans())
def test_a_categorical_key_gives_what_text_gives(rows: list, sorted_categories: bool) -> None:
    county, frame = _frame(rows)
    present = sorted({c for c in county if c is not None})
    categories = present if sorted_categories else present[::-1]
    cat = frame.assign(county=pd.Categorical(county, categories=categories))
    text = grouped_cv(frame, ["x"], "students", "county")
    fast = grouped_cv(cat, ["x"], "students", "county")
    # groups in category order (lexical where the categories are, as a loaded column's)
    assert list(fast.index.astype(str)) == categories
    assert list(text.index.astype(str)) == present
    fast_x = pd.Series(fast["x"].to_numpy(), index=fast.index.astype(str))
    np.testing.assert_array_equal(fast_x[present].to_numpy(), text["x"].to_numpy())
    for code in present:  # and each group's CV is weighted_cv of its counted rows
        mine = [(r[1], r[2]) for r in rows if r[0] == code and r[2] is not None and r[1] > 0]
        expected = weighted_cv([v for _, v in mine], [w for w, _ in mine]) if mine else np.nan
        got = fast.loc[code, "x"]
        assert (np.isnan(got) and np.isnan(expected)) or np.isclose(got, expected, rtol=1e-9)


def test_hand_computed_cv_on_the_fast_path() -> None:
    """100 and 300 students, 4 and 8 teachers per hundred: CV = √3 / 7 (module docstring)."""
    frame = pd.DataFrame(
        {
            "county": pd.Categorical(["A", "A", "B"], categories=["A", "B"]),
            "students": [100, 300, 50],
            "x": [4.0, 8.0, 2.0],
        }
    )
    out = grouped_cv(frame, ["x"], "students", "county")
    assert out.loc["A", "x"] == np.sqrt(3) / 7 or np.isclose(out.loc["A", "x"], np.sqrt(3) / 7)
    assert out.loc["B", "x"] == 0.0


@given(ROWS, st.sets(st.sampled_from(["450101", "450104", "450199"])))
def test_categories_without_rows_are_no_group(rows: list, unused: set[str]) -> None:
    # a filtered table keeps every category of its code column: groups are only those
    # with a row (as for text keys), also where a group's rows have no students or value
    county, frame = _frame(rows)
    present = sorted({c for c in county if c is not None})
    cat = frame.assign(county=pd.Categorical(county, categories=sorted({*present, *unused})))
    text = grouped_cv(frame, ["x"], "students", "county")
    fast = grouped_cv(cat, ["x"], "students", "county")
    assert list(fast.index.astype(str)) == present == list(text.index.astype(str))
    np.testing.assert_array_equal(fast["x"].to_numpy(), text["x"].to_numpy())
