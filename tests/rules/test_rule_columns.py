"""The integer column helpers of the supervision and governance rules against the pandas
operations they replace (text groupby, value_counts, sort and drop_duplicates): equal
answers on generated columns, categorical or not, with missing values."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.rules.base import as_dates
from dudao.rules.national.governance import _sums, earliest
from dudao.rules.national.supervision import (
    _coded_rows_in,
    _cycle,
    _latest_of,
    _values_used,
    add_years,
    counts_by_code,
    dated_between,
    is_one_of,
)

CODES = ["450000", "450100", "450103", "450200", "110000"]
code_lists = st.lists(st.sampled_from([*CODES, None]), max_size=40)
days = st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _column(values: list[str | None], categorical: bool) -> pd.Series:
    s = pd.Series(values, dtype=object)
    if categorical:  # as a loaded table holds codes; a category no row uses as well
        return s.astype(pd.CategoricalDtype([*CODES, "999999"]))
    return s


def _stamps(values: list[dt.date | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object))).astype("datetime64[s]")


@SETTINGS
@given(code_lists, st.lists(st.sampled_from([*CODES, "999999"]), max_size=3), st.booleans())
def test_is_one_of_is_isin(values: list[str | None], wanted: list[str], categorical: bool) -> None:
    column = _column(values, categorical)
    assert is_one_of(column, *wanted).tolist() == column.isin(wanted).tolist()


@SETTINGS
@given(st.lists(days, max_size=30), days, days)
def test_dated_between_is_timestamp_comparison(
    values: list[dt.date | None], first: dt.date | None, last: dt.date | None
) -> None:
    column = _stamps(values)
    last = last or dt.date(2020, 6, 30)
    want = (column <= pd.Timestamp(last)).to_numpy(dtype=bool)
    if first is not None:
        want = want & (column >= pd.Timestamp(first)).to_numpy(dtype=bool)
    assert dated_between(column, first, last).tolist() == want.tolist()


@SETTINGS
@given(code_lists, st.data(), st.booleans())
def test_counts_by_code_is_value_counts(
    values: list[str | None], data: st.DataObject, categorical: bool
) -> None:
    column = _column(values, categorical)
    drawn = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    where = np.array(drawn, dtype=bool)
    codes = data.draw(st.lists(st.sampled_from([*CODES, "999999", "000000"]), unique=True))
    counts = column.loc[where].astype(object).value_counts()
    want = counts.reindex(codes, fill_value=0).to_numpy(dtype=int)
    assert counts_by_code(column, where, codes).tolist() == want.tolist()


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # the target
            st.one_of(  # few days (ties), or decades
                st.dates(dt.date(2018, 1, 1), dt.date(2018, 1, 5)),
                st.dates(dt.date(1980, 1, 1), dt.date(2020, 12, 31)),
            ),
            st.sampled_from(CODES),
            st.sampled_from(["special", "comprehensive"]),
        ),
        max_size=25,
    ),
    st.sampled_from(["s", "ns"]),  # nanoseconds over decades: too wide to multiply
)
def test_latest_of_is_the_last_of_a_sort_by_date_body_and_kind(
    records: list[tuple[int, dt.date, str, str]], unit: str
) -> None:
    sup = pd.DataFrame(
        {
            "date": _stamps([r[1] for r in records]).astype(f"datetime64[{unit}]"),
            "body": pd.Categorical([r[2] for r in records], categories=CODES[::-1]),
            "kind": pd.Categorical(
                [r[3] for r in records], categories=["special", "random", "comprehensive"]
            ),
        }
    )
    unit = np.array([r[0] for r in records], dtype=np.intp)
    rows = np.arange(len(records))
    date, body, kind = _latest_of(
        sup["date"].to_numpy(),
        _values_used(sup["body"], rows),
        _values_used(sup["kind"], rows),
        unit,
        4,
    )
    # what the rule did before: a stable sort of the records as texts, the last per target
    records_frame = pd.DataFrame(
        {
            "target": unit,
            "date": sup["date"].to_numpy(),
            "body": sup["body"].astype(object).to_numpy(),
            "kind": sup["kind"].astype(object).to_numpy(),
        }
    )
    records_frame = records_frame.sort_values(["date", "body", "kind"], kind="stable")
    want = (
        records_frame.drop_duplicates("target", keep="last").set_index("target").reindex(range(4))
    )
    assert date.tolist() == want["date"].to_numpy().tolist()
    assert repr(body.tolist()) == repr(want["body"].to_numpy(dtype=object).tolist())
    assert repr(kind.tolist()) == repr(want["kind"].to_numpy(dtype=object).tolist())


@SETTINGS
@given(
    st.lists(st.tuples(days, st.sampled_from([3.0, 5.0])), min_size=1, max_size=30),
    st.booleans(),
    st.booleans(),
)
def test_cycle_is_worked_out_row_by_row(
    rows: list[tuple[dt.date | None, float]], grouped: bool, with_time: bool
) -> None:
    last = _stamps([r[0] for r in rows]).to_numpy()
    if with_time:  # not on whole days: times counted in seconds
        last = last + np.timedelta64(3600, "s")
    years = np.array([r[1] for r in rows])
    as_of = dt.date(2023, 3, 1)

    class Ctx:
        pass

    ctx = Ctx()
    ctx.as_of = as_of  # type: ignore[attr-defined]
    groups = (years == 5.0).astype(np.intp) if grouped else None
    ok, last_day, due, since = _cycle(ctx, last, years, groups)  # type: ignore[arg-type]
    want_due = add_years(last, years.astype(np.int64))
    day = np.datetime64(as_of, "s")
    assert ok.tolist() == (~np.isnat(want_due) & (want_due >= day)).tolist()
    assert list(last_day) == list(as_dates(last))
    assert list(due) == list(as_dates(want_due))
    days_since = (day - last).astype("timedelta64[D]").astype(np.float64)
    want_since = np.where(np.isnat(last), np.nan, np.round(days_since / 365.25, 1))
    assert np.array_equal(since, want_since, equal_nan=True)


@SETTINGS
@given(st.lists(st.tuples(st.integers(-1, 3), days, st.booleans()), max_size=30))
def test_earliest_is_groupby_min(rows: list[tuple[int, dt.date | None, bool]]) -> None:
    group = np.array([r[0] for r in rows], dtype=np.intp)
    dates = _stamps([r[1] for r in rows])
    where = np.array([r[2] for r in rows], dtype=bool) & (group >= 0) & dates.notna().to_numpy()
    got = earliest(dates.to_numpy(), group, where, 4)
    want = dates[where].groupby(group[where]).min().reindex(range(4)).to_numpy()
    assert got.tolist() == want.tolist()


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.one_of(st.just(np.nan), st.floats(0, 1e6, allow_nan=False)),
        ),
        max_size=30,
    )
)
def test_sums_are_groupby_sum_and_size(rows: list[tuple[int, float]]) -> None:
    group = np.array([r[0] for r in rows], dtype=np.intp)
    values = np.array([r[1] for r in rows], dtype=float)
    amount, n = _sums(values, group, 4)
    per = pd.Series(values).groupby(group).agg(["sum", "size"]).reindex(range(4))
    assert amount.tobytes() == per["sum"].to_numpy(dtype=float).tobytes()  # to the last bit
    assert n.tolist() == per["size"].fillna(0).to_numpy(dtype=int).tolist()


@SETTINGS
@given(st.lists(st.booleans(), min_size=1, max_size=30), st.booleans())
def test_rows_in_a_subset_of_a_table(keep: list[bool], all_kept: bool) -> None:
    table = pd.DataFrame({"school_id": [f"s{i:03d}" for i in range(len(keep))]})
    subset = table if all_kept else table.loc[np.array(keep)]
    codes = pd.Series(["s000", "x", None, *table["school_id"][::-1]], dtype="category")
    coded, rows = _coded_rows_in(codes, subset, table, "school_id")
    want = pd.Index(subset["school_id"]).get_indexer(codes.astype(object))
    assert rows[coded].tolist() == want.tolist()
