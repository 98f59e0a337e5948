"""How often supervision happens: routine visits to schools, comprehensive supervision of
schools, supervision of lower governments, and a province's annual comprehensive supervision.

《教育督导条例》（国务院令第624号，2012-10-01 施行） 第十四条::

    督学对责任区内学校实施经常性督导每学期不得少于2次。
    县级以上人民政府对下一级人民政府应当每5年至少实施一次专项督导或者综合督导。
    县级人民政府负责教育督导的机构对本行政区域内的学校，应当每3至5年实施一次综合督导。

厅发〔2020〕26号 二（二） "自治区教育督导机构每年组织1次综合督导"; 二（四） "以5年为一个
周期，按职责权限对本行政区域内所辖学校进行一轮综合督导".

The numbers are parameters (``supervision.visits_per_semester``,
``school.comprehensive_cycle_years``, ``government.supervision_cycle_years``,
``supervision.annual_comprehensive_min``); a target whose parameter is unset is not
checked. Conventions shared by the rules below:

* a supervision only counts when its organising body is the target's own government or
  one above it (a school: the body's subtree contains the school's county; a
  government: the body is strictly above it) — a record naming any other body is a data
  error, not 督导 of that target;
* records dated after the as-of date are ignored;
* "within N years" means the last one is on or after the as-of date minus N calendar
  years: it is due again N years after it took place (``due``), and on the due day
  itself the target still passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.model.jurisdiction import Level
from dudao.model.numbers import number
from dudao.model.schools import Stage
from dudao.model.tables import coded_positions, day_numbers, positions_in
from dudao.rules.base import (
    Context,
    Rule,
    as_dates,
    citation_column,
    empty_checks,
    row_citations,
)
from dudao.rules.base import day_text as _day  # a date in a message: 2023-01-31

ZONED_STAGES = [s.value for s in Stage if s.needs_zone]
ORDINANCE_IN_FORCE = dt.date(2012, 10, 1)  # 《教育督导条例》 施行日期

SEMESTER_BASIS = "学期起止为约定（秋季学期9月1日至次年1月31日，春季学期2月1日至7月31日），非法定"


# ------------------------------------------------------------------- helpers


def _category_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1: missing) and categories of a column, categorical or not."""
    cat = s.array if isinstance(s.dtype, pd.CategoricalDtype) else pd.Categorical(s.astype(object))
    return np.asarray(cat.codes, dtype=np.intp), pd.Index(cat.categories, dtype=object)


def _codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A categorical column's integer codes (-1: missing) as stored, and its categories;
    another column is coded first (:func:`_category_codes`)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.asarray(s.array.codes), s.array.categories
    return _category_codes(s)


def is_one_of(column: pd.Series, *values: str) -> np.ndarray:
    """Whether each row of ``column`` holds one of ``values`` (missing: False); a
    categorical column's integer codes are compared, not its half a million values."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return cast(np.ndarray, column.isin(values).to_numpy(dtype=bool))
    codes = np.asarray(column.array.codes)
    wanted = np.unique(column.array.categories.get_indexer(list(values)))
    wanted = wanted[wanted >= 0]  # -1: a value that is no category
    if not len(wanted):
        return np.zeros(len(codes), dtype=bool)
    keep = codes == wanted[0]
    for code in wanted[1:]:
        keep |= codes == code  # one comparison per value: np.isin took ten times as long
    return cast(np.ndarray, keep)


_NAT = -(2**63)  # NaT as an integer (the least int64); a literal: no NumPy at import


def dated_between(column: pd.Series, first: dt.date | None, last: dt.date) -> np.ndarray:
    """Whether each row's date lies from ``first`` (None: any) to ``last``, both
    included (missing: False); a loaded table's dates compared as integers."""
    values = column.to_numpy()
    unit, count = np.datetime_data(values.dtype) if values.dtype.kind == "M" else ("", 0)
    if unit not in ("s", "ms", "us", "ns") or count != 1:  # not a loaded table's dates
        keep = (column <= pd.Timestamp(last)).to_numpy(dtype=bool, na_value=False)
        if first is not None:
            keep &= (column >= pd.Timestamp(first)).to_numpy(dtype=bool, na_value=False)
        return cast(np.ndarray, keep)
    ticks = values.view(np.int64)
    keep = ticks <= np.datetime64(last).astype(values.dtype).view(np.int64)
    if first is None:
        keep &= ticks != _NAT  # NaT, the least integer, is no date
    else:
        keep &= ticks >= np.datetime64(first).astype(values.dtype).view(np.int64)
    return cast(np.ndarray, keep)


def counts_by_code(column: pd.Series, where: np.ndarray, codes: Sequence[str]) -> np.ndarray:
    """For each of ``codes``, the number of rows of ``column`` equal to it among those
    ``where`` is true: a categorical column is counted by integer code (a table of
    half a million supervisions is never turned into text), and only ``codes`` are
    looked up among its categories."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        counts = column.loc[where].astype(object).value_counts()
        return cast(np.ndarray, counts.reindex(list(codes), fill_value=0).to_numpy(dtype=int))
    coded, categories = _codes(column)
    # missing (-1) is counted in the first slot, which then holds the codes not among
    # the categories (-1 again), with nothing counted
    per = np.bincount(coded[where].astype(np.intp) + 1, minlength=len(categories) + 1)
    per[0] = 0
    return cast(np.ndarray, per[categories.get_indexer(list(codes)) + 1].astype(int))


def _coded_rows_in(
    codes: pd.Series, subset: pd.DataFrame, table: pd.DataFrame, key: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`coded_positions` of ``codes`` in ``subset[key]``, rows selected from
    ``table``: looked up in the whole table, whose ids a code column often has as its
    very categories (no lookup then), and carried over to the subset by row label."""
    if not table.index.is_unique:
        return coded_positions(codes, subset[key])
    if subset.index.equals(table.index):  # every row kept (a national check): no carry
        return coded_positions(codes, table[key])
    into = np.full(len(table) + 1, -1, dtype=np.intp)  # the last: not in the table
    into[_label_positions(table.index, subset.index)] = np.arange(len(subset))
    coded, at = coded_positions(codes, table[key])
    return coded, into[at]


def _label_positions(index: pd.Index, labels: pd.Index) -> np.ndarray:
    """``index.get_indexer(labels)`` (-1: absent); a loaded table's index, 0 … n - 1,
    by arithmetic on the labels (pandas took 8 ms on half a million)."""
    if (
        isinstance(index, pd.RangeIndex)
        and index.step == 1
        and labels.dtype.kind in "iu"
        and not isinstance(labels, pd.RangeIndex)
    ):
        at = np.asarray(labels, dtype=np.int64) - index.start
        return np.where((at >= 0) & (at < len(index)), at, -1)
    return cast(np.ndarray, index.get_indexer(labels))


def _shared_codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two columns of the same kind of value in one space (-1: missing,
    or absent from ``a``), so that equal values get equal codes."""
    ca, cats_a = _category_codes(a)
    cb, cats_b = _category_codes(b)
    into_a = np.append(positions_in(cats_b, cats_a), -1)
    return ca, into_a[cb]


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A checks frame of half a million rows from fresh arrays and a table's columns,
    which are not copied: each column kept as its own array, not consolidated into
    blocks by copying (objects copied one reference at a time), and a table's columns
    passed as Series, numbered from 0 again, so that pandas knows they are shared."""
    return pd.DataFrame(
        {
            k: v.reset_index(drop=True) if isinstance(v, pd.Series) else v
            for k, v in columns.items()
        },
        copy=False,
    )


def _dates(s: pd.Series) -> np.ndarray:
    """Dates as ``datetime.date`` objects, None where missing (:func:`as_dates`)."""
    return as_dates(s)


def add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """``days`` (datetime64, NaT: none) plus whole calendar ``years``, row by row; 29
    February lands on 28 February of a common year, as ``pd.DateOffset`` does, but
    computed on whole columns in month arithmetic.

    >>> d = np.array(["2020-02-29", "2019-03-31T10:00", "NaT"], dtype="datetime64[s]")
    >>> add_years(d, np.array([1, 5, 3])).astype(str).tolist()
    ['2021-02-28T00:00:00', '2024-03-31T10:00:00', 'NaT']
    """
    days = days.astype("datetime64[s]")
    month = days.astype("datetime64[M]")
    day_of_month = days.astype("datetime64[D]") - month.astype("datetime64[D]")
    time_of_day = days - days.astype("datetime64[D]")
    target = month + (years * 12).astype("timedelta64[M]")
    month_days = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype(
        "datetime64[D]"
    )
    day = np.minimum(day_of_month, month_days - np.timedelta64(1, "D"))
    return cast(
        np.ndarray, (target.astype("datetime64[D]") + day).astype("datetime64[s]") + time_of_day
    )


def _cycle(
    ctx: Context, last: np.ndarray, years: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ok, last, due, years_since) for the last dates ``last`` (datetime64, NaT: never)
    and cycle lengths ``years`` (no NaN: unset rows are dropped before). ``due`` is
    ``last`` plus the cycle in calendar years (29 February + 1 year → 28 February). Half
    a million schools share a few thousand (last date, cycle) pairs: each pair is worked
    out once. ``groups``: integers (from 0) equal where ``years`` are, such as the
    parameter version of each row, which spare hashing the cycles.
    """
    stamp = np.asarray(last).astype("datetime64[s]", copy=False)
    never = np.isnat(stamp)
    seconds = stamp.view(np.int64)
    if groups is None:
        groups, _ = pd.factorize(years)
    n_groups = int(groups.max()) + 1 if len(groups) else 1
    pair, first_of = _pairs(seconds, never, groups, n_groups)
    last_at, years_at = stamp[first_of], years[first_of]
    due = add_years(last_at, years_at.astype(np.int64))
    day = np.datetime64(ctx.as_of, "s")
    ok = ~np.isnat(due) & (due >= day)  # never supervised: not ok
    days_since = (day - last_at).astype("timedelta64[D]").astype(np.float64)
    years_since = np.where(np.isnat(last_at), np.nan, np.round(days_since / 365.25, 1))
    return (
        ok[pair],
        _dates(last_at)[pair],
        _dates(due)[pair],
        years_since[pair],
    )


_DAY = 86_400  # seconds


def _pairs(
    seconds: np.ndarray, never: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's (time, group) pair as an index into the distinct pairs, and a row
    holding each. Times on whole days over a few thousand days (as loaded dates are)
    are counted in a table indexed by the pair, several times faster than hashing."""
    days = seconds // _DAY  # by a constant: fast, where % is not
    if ((days * _DAY == seconds) | never).all():
        seconds = days
    low = np.min(seconds, where=~never, initial=np.iinfo(np.int64).max)
    # one integer per pair; never supervised is 0, the times count from 1
    key = np.where(never, 0, seconds - low + 1)
    if n_groups > 1:
        key = key * n_groups + groups
    size = int(key.max()) + 1 if len(key) else 0
    if size > len(key) + 100_000:  # times spread too thinly for a table: hashed
        inverse, distinct = pd.factorize(key)
        first = np.full(len(distinct), len(key), dtype=np.intp)
        np.minimum.at(first, inverse, np.arange(len(key), dtype=np.intp))
        return inverse.astype(np.intp, copy=False), first
    where = np.full(size, -1, dtype=np.intp)
    where[key] = np.arange(len(key), dtype=np.intp)  # some row of each pair: any will do
    distinct = np.flatnonzero(where >= 0)
    index = np.zeros(size, dtype=np.intp)
    index[distinct] = np.arange(len(distinct), dtype=np.intp)
    return index[key], where[distinct]


def _values_used(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values of a code column in ``rows``: each row's index among the distinct
    values, and those values as Python objects (None: missing). A categorical column's
    codes are read, so only the values used become text (a few thousand government
    codes, not the half a million school codes among the categories)."""
    codes, categories = _codes(column)
    used, inverse = np.unique(codes[rows], return_inverse=True)
    values = categories.take(np.maximum(used, 0)).to_numpy(dtype=object)
    values[used < 0] = None
    return inverse, values


def _latest_of(
    dates: np.ndarray,
    body: tuple[np.ndarray, np.ndarray],
    kind: tuple[np.ndarray, np.ndarray],
    unit: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The latest of supervision records of each of ``n`` targets: its date (NaT where
    none), body and kind (NaN where none). ``unit`` is each record's target (from 0);
    ``body`` and ``kind`` each the records' index among some texts, and the texts (as
    :func:`_values_used` gives them; none missing among the records). Ties on the date
    go to the greatest (body, kind) as texts, so the answer does not depend on the order
    of the records."""
    body_rank, body_text = _text_ranks(*body)
    kind_rank, kind_text = _text_ranks(*kind)
    # (date, body, kind) as one integer, in that order: the latest is the greatest
    ticks = dates.view(np.int64)
    low = int(ticks.min()) if len(ticks) else 0
    n_body, n_kind = max(len(body_text), 1), max(len(kind_text), 1)
    distinct: np.ndarray | None = None  # None: dates counted from `low`
    if not len(ticks) or (int(ticks.max()) - low + 1) * n_body * n_kind >= 2**62:
        distinct, day = np.unique(ticks, return_inverse=True)  # too wide: by rank
    else:
        day = ticks - low
    best = np.full(n, -1, dtype=np.int64)
    np.maximum.at(best, unit, (day * n_body + body_rank) * n_kind + kind_rank)
    at = np.flatnonzero(best >= 0)
    key = best[at]
    when = key // (n_body * n_kind)
    date = np.full(n, np.datetime64("NaT"), dtype=dates.dtype)
    date[at] = (when + low if distinct is None else distinct[when]).view(dates.dtype)
    # what a missing value is in an object column pandas reindexed: NaN
    out_body = np.full(n, np.nan, dtype=object)
    out_body[at] = body_text[key // n_kind % n_body]
    out_kind = np.full(n, np.nan, dtype=object)
    out_kind[at] = kind_text[key % n_kind]
    return date, out_body, out_kind


def _text_ranks(index: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``index``'s text's rank in text order (as pandas sorts them), and the
    texts in that order."""
    order = np.argsort(np.array(["" if t is None else t for t in texts], dtype=object))
    rank = np.empty(len(texts), dtype=np.intp)
    rank[order] = np.arange(len(texts))
    return rank[index], texts[order]


# --------------------------------------------------------------- 1 routine visits


class RoutineVisits(Rule):
    """Each school that must lie in a responsibility zone gets at least N routine visits
    (经常性督导) in the last complete semester.

    Counted: visits recorded with no inspector (the record does not say who went; the
    benefit of the doubt goes to the school) and visits by an inspector whose ``zone``
    in the inspectors table is the school's zone. Not counted: visits by inspectors of
    another zone or by inspectors missing from the inspectors table (shown as
    ``other_records``). The inspectors table gives the current zone, not the zone on the
    day of the visit, and terms are not checked against visit dates. Several records of
    one school on one day (two inspectors together, a duplicated row) are one visit:
    第十四条 counts visits (次), not records.

    The semester is :meth:`Context.semester`, a convention; the evidence says so.
    """

    id = "routine-visits"
    title = "责任督学每学期对责任区内学校经常性督导不少于规定次数"
    title_en = "Zone inspectors visit each school the required number of times a semester"
    cite = ("《教育督导条例》 第十四条",)
    target_kind = TargetKind.SCHOOL
    since = ORDINANCE_IN_FORCE
    parameters = ("supervision.visits_per_semester",)
    # the schools checked, and the inspectors whose zone says whose visits count
    needs = ("visits", "schools", "inspectors")
    message_columns = ("semester_start", "semester_end", "other_records", "visits", "required")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ds = ctx.dataset
        zoned = ds.schools["stage"].isin(ZONED_STAGES).to_numpy()
        read = ds.schools[["school_id", "name", "county", "zone"]]
        schools = ctx.within(read, "county", region, zoned)
        start, end = ctx.semester()
        required = ctx.param_column("supervision.visits_per_semester", schools["county"], on=end)
        keep = required.is_set
        schools = schools if keep.all() else schools.loc[keep]
        ids = schools["school_id"]

        visits, ins = ds.visits, ds.inspectors
        dates = visits["date"].to_numpy()
        # Integer codes throughout: visits run to millions of rows, ids to hundreds of
        # thousands of distinct values; no id is turned into a Python string. Each
        # distinct school and inspector is placed once (its row, its zone), and each map
        # then taken once per visit, in 32 bits: the visits' arrays are the rule's memory.
        school_code, school_of = _coded_rows_in(
            visits["school_id"], schools, ds.schools, "school_id"
        )
        inspector_code, inspector_of = coded_positions(visits["inspector_id"], ins["inspector_id"])
        school_zones, inspector_zones = _shared_codes(schools["zone"], ins["zone"])
        # -1 (none: no such school or inspector, or no zone) picks the appended -1
        sz = np.append(school_zones, -1).astype(np.int32)[school_of][school_code]
        iz = np.append(inspector_zones, -1).astype(np.int32)[inspector_of][inspector_code]
        # the row in `schools`; -1: not checked here, or a visit outside the semester (most
        # visits are in it: marked, not copied out of the table)
        school = school_of.astype(np.int32)[school_code]
        ticks = dates.view(np.int64)  # compared as integers: NaT, the least, is before any
        first_tick, last_tick = (
            np.datetime64(d).astype(dates.dtype).view(np.int64) for d in (start, end)
        )
        school[~((ticks >= first_tick) & (ticks <= last_tick))] = -1
        seen = school >= 0
        no_inspector = inspector_code < 0
        # a school without a zone (-1) has no zone inspectors
        counted = seen & (no_inspector | ((sz >= 0) & (sz == iz)))
        day = day_numbers(dates[counted])
        first = day.min() if len(day) else 0
        span = int(day.max() - first) + 1 if len(day) else 1
        # one visit per school and day: the law counts occasions (次), not records; in 32
        # bits where they fit, half the bytes to sort (a national semester does)
        wide = np.int32 if len(ids) * span < 2**31 else np.int64
        pairs = school[counted].astype(wide) * wide(span) + (day - first).astype(wide)
        if not (pairs[1:] >= pairs[:-1]).all():  # records kept by school and date need none
            pairs = np.sort(pairs)
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs  # distinct
        n = (
            np.bincount(pairs // span, minlength=len(ids))
            if len(pairs)
            else np.zeros(len(ids), int)
        )
        other = np.bincount(school[seen & ~counted], minlength=len(ids))
        need = required.numbers()[keep]
        return pd.DataFrame(
            {
                "target": ids.array,
                "target_name": schools["name"].array,
                "jurisdiction": schools["county"].array,
                "ok": n >= need,
                "citation": citation_column(self.cite, required.subset(keep)),
                "zone": schools["zone"].array,
                "visits": n,
                "other_records": other,
                "required": need,
                "semester_start": start,
                "semester_end": end,
                # one text for every school: a category, not half a million copies
                "semester_basis": pd.Categorical.from_codes(
                    np.zeros(len(ids), dtype=np.int8), categories=[SEMESTER_BASIS]
                ),
                "sample_parameters": required.sample[keep],
            }
        )

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        return cast(
            dt.date, pd.Timestamp(row["semester_end"]).date()
        )  # the parameter read on `end`

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        start, end = pd.Timestamp(row["semester_start"]), pd.Timestamp(row["semester_end"])
        season, season_en = ("秋季", "autumn") if start.month == 9 else ("春季", "spring")
        other = (
            f"（另有 {number(row['other_records'])} 条其他督学的记录未计入）"
            if row["other_records"]
            else ""
        )
        other_en = (
            f" ({number(row['other_records'])} record(s) by other inspectors not counted)"
            if row["other_records"]
            else ""
        )
        return (
            f"{start.year}年{season}学期（{_day(start)}至{_day(end)}，学期起止为约定）"
            f"责任督学经常性督导 {number(row['visits'])} 次{other}，"
            f"少于每学期 {number(row['required'])} 次",
            f"{number(row['visits'])} routine visit(s) by zone inspectors in the {season_en} "
            f"{start.year} semester ({_day(start)} to {_day(end)}; semester dates are a "
            f"convention){other_en}, fewer than the {number(row['required'])} required",
        )


# ------------------------------------------------- 2 comprehensive supervision of schools


class SchoolComprehensiveCycle(Rule):
    """Each school had a comprehensive supervision (综合督导, target a school) within the
    last N years, by its county's body or one above it. A school with none on record fails.

    Nationally N = 5, the upper end of 第十四条's "每3至5年": a school fails only once no
    reading of the range can excuse it.
    """

    id = "school-comprehensive-cycle"
    title = "学校按周期接受综合督导"
    title_en = "Each school has a comprehensive supervision within the cycle"
    cite = ("《教育督导条例》 第十四条",)
    target_kind = TargetKind.SCHOOL
    since = ORDINANCE_IN_FORCE
    parameters = ("school.comprehensive_cycle_years",)
    needs = ("supervisions", "schools")
    message_columns = ("cycle_years", "last_comprehensive", "due", "years_since")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        ds = ctx.dataset
        schools = ctx.within(ds.schools[["school_id", "name", "county"]], "county", region)
        cycle = ctx.param_column("school.comprehensive_cycle_years", schools["county"])
        keep = cycle.is_set
        if not keep.all():
            schools, cycle = schools.loc[keep], cycle.subset(keep)
        ids = schools["school_id"]
        county = schools["county"]

        sup = ds.supervisions
        h = ctx.hierarchy
        # Join on integer positions, not strings: hundreds of thousands of rows each.
        # The school each record is about (-1: another target, or a school not checked
        # here), placed once per distinct target; then only the records that count are
        # taken further (a region's few thousand, not the country's).
        coded, row_of = _coded_rows_in(sup["target"], schools, ds.schools, "school_id")
        row = row_of[coded]
        counted = np.flatnonzero(
            (row >= 0)
            & is_one_of(sup["target_kind"], "school")
            & is_one_of(sup["kind"], "comprehensive")
            & dated_between(sup["date"], None, ctx.as_of)
        )
        row = row[counted]
        # by the school's county's government or one above it: the body's subtree holds
        # the county; each distinct county and body placed in the tree once
        county_codes, counties = _codes(county)
        county_pos = np.append(h.positions(pd.Index(counties, dtype=object)), -1)
        at = county_pos[county_codes[row]]
        body_codes, bodies = _codes(sup["body"])
        lo, hi = (np.append(x, -1) for x in h.spans(pd.Index(bodies, dtype=object)))
        body = body_codes[counted]
        by_own = (lo[body] <= at) & (at < hi[body])
        dates = sup["date"].to_numpy()[counted[by_own]].astype("datetime64[s]", copy=False)
        # the latest date per school: NaT is the smallest int64, so a maximum skips it
        latest = np.full(len(ids), np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(latest, row[by_own], dates.view(np.int64))
        last = latest.view("datetime64[s]")

        years = cycle.numbers()
        ok, last_day, due, since = _cycle(ctx, last, years, cycle.which)
        return _frame(
            {
                "target": ids,
                "target_name": schools["name"],
                "jurisdiction": county,
                "ok": ok,
                "citation": citation_column(self.cite, cycle),
                "last_comprehensive": last_day,
                "years_since": since,
                "cycle_years": years,
                "due": due,
                "sample_parameters": cycle.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        n = number(row["cycle_years"])
        if pd.isna(row["last_comprehensive"]):
            return (
                f"没有综合督导记录（应每 {n} 年至少一次）",
                f"No comprehensive supervision on record (due at least every {n} years)",
            )
        last, due = _day(row["last_comprehensive"]), _day(row["due"])
        return (
            f"上次综合督导在 {last}，距今 {number(row['years_since'])} 年，"
            f"超过 {n} 年周期（应在 {due} 前再次综合督导）",
            f"Last comprehensive supervision on {last}, {number(row['years_since'])} years ago: "
            f"more than the {n}-year cycle (the next was due by {due})",
        )


# ------------------------------------------------------ 3 supervision of governments


class GovernmentSupervised(Rule):
    """Each prefecture- and county-level government (development zones included: they
    answer to the government that manages them) had a special or comprehensive
    supervision (target a government) by a government above it within the last N years.
    """

    id = "government-supervised"
    title = "上级人民政府按周期对下一级人民政府实施专项或综合督导"
    title_en = "Each lower government is supervised within the cycle"
    cite = ("《教育督导条例》 第十四条",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.PREFECTURE, Level.COUNTY)
    since = ORDINANCE_IN_FORCE
    parameters = ("government.supervision_cycle_years",)
    needs = ("supervisions",)
    message_columns = ("cycle_years", "last_supervision", "due", "years_since")

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        units = pd.Series([u.code for u in ctx.units(self.levels, region)], dtype=object)
        if units.empty:
            return empty_checks("last_supervision", "years_since", "cycle_years", "due")
        cycle = ctx.param_column("government.supervision_cycle_years", units)
        keep = cycle.is_set
        units = units.loc[keep].reset_index(drop=True)

        sup = ctx.dataset.supervisions
        h = ctx.hierarchy
        # the few thousand records about governments, by integer codes: no code of the
        # column (half a million school codes among its categories) becomes text
        rows = np.flatnonzero(
            is_one_of(sup["target_kind"], "government")
            & is_one_of(sup["kind"], "special", "comprehensive")
            & dated_between(sup["date"], None, ctx.as_of)
        )
        # each distinct target and body among them placed in the tree once
        target_of, targets = _values_used(sup["target"], rows)
        target = h.positions(targets)[target_of]
        body_of, bodies = _values_used(sup["body"], rows)
        lo, hi = (x[body_of] for x in h.spans(bodies))
        # the unit checked that each record is about (-1: none), by tree position: a
        # code is one of the units exactly when its position is one of theirs
        unit_of = np.full(len(h) + 1, -1, dtype=np.intp)  # the last: an unknown code
        unit_of[h.positions(units)] = np.arange(len(units))
        unit = unit_of[target]
        # by a body strictly above the unit: its subtree holds the unit, and it is not
        # the unit itself (one position per code)
        above = np.flatnonzero((unit >= 0) & (lo <= target) & (target < hi) & (lo != target))
        kind_of, kinds = _values_used(sup["kind"], rows)
        last, last_body, last_kind = _latest_of(
            sup["date"].to_numpy()[rows[above]],
            (body_of[above], bodies),
            (kind_of[above], kinds),
            unit[above],
            len(units),
        )

        years = cycle.numbers()[keep]
        ok, last_day, due, since = _cycle(ctx, last, years)
        return pd.DataFrame(
            {
                "target": units.to_numpy(),
                "jurisdiction": units.to_numpy(),
                "ok": ok,
                "citation": row_citations(self.cite, cycle.subset(keep)),
                "last_supervision": last_day,
                "last_kind": last_kind,
                "last_body": last_body,
                "years_since": since,
                "cycle_years": years,
                "due": due,
                "sample_parameters": cycle.sample[keep],
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        n = number(row["cycle_years"])
        if pd.isna(row["last_supervision"]):
            return (
                f"没有上级人民政府对其实施专项或综合督导的记录（应每 {n} 年至少一次）",
                f"No special or comprehensive supervision by a higher government on record "
                f"(due at least every {n} years)",
            )
        last, due = _day(row["last_supervision"]), _day(row["due"])
        since = number(row["years_since"])
        return (
            f"上级人民政府上次对其实施专项或综合督导在 {last}，距今 {since} 年，"
            f"超过 {n} 年周期（应在 {due} 前再次督导）",
            f"Last supervised by a higher government on {last}, {since} years "
            f"ago: more than the {n}-year cycle (the next was due by {due})",
        )


# ------------------------------------------ 4 a province's annual comprehensive supervision


class AnnualComprehensiveSupervision(Rule):
    """A province-level body organises at least N comprehensive supervisions in each
    calendar year (records whose ``body`` is the province's code, any target). Checked
    for the last complete calendar year before the as-of date, with the parameter in
    force on that year's last day. No national text sets N, so this is a template: in
    force only where a region adopts it with its clause (Guangxi: 厅发〔2020〕26号 二（二）).
    """

    id = "annual-comprehensive-supervision"
    title = "省级教育督导机构每年组织综合督导"
    title_en = "The provincial body organises comprehensive supervision every year"
    cite = ()
    template = True
    target_kind = TargetKind.JURISDICTION
    levels = (Level.PROVINCE,)
    since = ORDINANCE_IN_FORCE
    parameters = ("supervision.annual_comprehensive_min",)
    needs = ("supervisions",)

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        year = ctx.as_of.year - 1
        units = pd.Series([u.code for u in ctx.units(self.levels, region)], dtype=object)
        if units.empty:
            return empty_checks("year", "comprehensive", "required")
        required = ctx.param_column(
            "supervision.annual_comprehensive_min", units, on=dt.date(year, 12, 31)
        )
        keep = required.is_set
        units = units.loc[keep].reset_index(drop=True)

        sup = ctx.dataset.supervisions
        in_year = dated_between(sup["date"], dt.date(year, 1, 1), dt.date(year, 12, 31))
        n = counts_by_code(sup["body"], in_year & is_one_of(sup["kind"], "comprehensive"), units)
        need = required.numbers()[keep]
        return pd.DataFrame(
            {
                "target": units.to_numpy(),
                "jurisdiction": units.to_numpy(),
                "ok": n >= need,
                "citation": row_citations(self.cite, required.subset(keep)),
                "year": year,
                "comprehensive": n,
                "required": need,
                "sample_parameters": required.sample[keep],
            }
        )

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        return dt.date(int(row["year"]), 12, 31)

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        need = number(row["required"])
        return (
            f"{row['year']}年本级教育督导机构组织综合督导 {number(row['comprehensive'])} 次，"
            f"少于每年 {need} 次",
            f"The body organised {number(row['comprehensive'])} comprehensive supervision(s) in "
            f"{row['year']}, fewer than the {need} required each year",
        )
