"""Which units a template judges and which records count for them.

``units`` — who is judged::

    units: {level: county, governments_only: true, with_schools: [primary, junior]}
    units: {schools: [senior, secondary_vocational], ownership: private}

``records`` — rows of a dataset table that count, matched to the units::

    records:
      table: supervisions
      where: {target_kind: school, kind: [comprehensive]}   # a value or a list; null: empty
      date: date                     # the date column (default date)
      unit_column: target            # the column naming the unit or school (default unit)
      schools: [primary, junior]     # the records name schools of these stages
      organised_by: unit             # body is the unit (the school's county) — or unit-or-above

All vectorised over the tables: no loop per school.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.jurisdiction import JurisdictionKind, Level
from dudao.model.schools import Stage
from dudao.model.tables import TABLES
from dudao.rules.base import Context

STAGES = tuple(s.value for s in Stage)


def _stage_problems(stages: tuple[str, ...], path: tuple[Any, ...]) -> list[Problem]:
    return [
        Problem(
            f"未知的学段 '{s}'",
            path=(*path, i),
            code="unknown-stage",
            hint="可选：" + "、".join(STAGES),
        )
        for i, s in enumerate(stages)
        if s not in STAGES
    ]


@attrs.frozen(kw_only=True)
class SizeLimit:
    """Schools of ``stages`` count only when ``column`` exceeds the parameter's number."""

    stages: tuple[str, ...]
    parameter: str
    column: str = "students"
    basis: str = "在校生数"


@attrs.frozen(kw_only=True)
class Units:
    """Who a template judges: jurisdictions of a ``level`` or ``schools`` of stages."""

    level: Level | None = None
    #: development zones have no government of their own: left out when true
    governments_only: bool = False
    #: only units with at least one school of these stages in the dataset
    with_schools: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    ownership: str | None = None
    larger_than: tuple[SizeLimit, ...] = ()

    @property
    def are_schools(self) -> bool:
        return bool(self.schools)

    def problems(self, path: tuple[Any, ...] = ("units",)) -> list[Problem]:
        out = []
        if (self.level is None) == (not self.schools):
            out.append(
                Problem(
                    "units 须给出 level（区划层级）或 schools（学段）之一",
                    path=path,
                    code="bad-units",
                    hint="如 units: {level: county} 或 units: {schools: [senior]}",
                )
            )
        out += _stage_problems(self.schools, (*path, "schools"))
        out += _stage_problems(self.with_schools, (*path, "with_schools"))
        for i, limit in enumerate(self.larger_than):
            out += _stage_problems(limit.stages, (*path, "larger_than", i, "stages"))
        return out

    def parameters(self) -> tuple[str, ...]:
        return tuple(limit.parameter for limit in self.larger_than)

    def jurisdictions(
        self, ctx: Context, region: Region, *, with_schools: bool = True
    ) -> np.ndarray:
        """Codes of the judged jurisdictions in scope and ``region`` (``with_schools``
        false: not yet tested for :attr:`with_schools`, see :meth:`have_schools`)."""
        assert self.level is not None
        units = ctx.units([self.level], region)
        if self.governments_only:
            units = [u for u in units if u.kind is not JurisdictionKind.DEVELOPMENT_ZONE]
        codes = np.array([u.code for u in units], dtype=object)
        if with_schools and self.with_schools and len(codes):
            codes = codes[self.have_schools(ctx, region, codes)]
        return codes

    def have_schools(self, ctx: Context, region: Region, codes: np.ndarray) -> np.ndarray:
        """Which of ``codes`` (units in scope and ``region``) have a school of
        :attr:`with_schools`: all when that is not set."""
        if not self.with_schools:
            return np.ones(len(codes), dtype=bool)
        have = self.schools_per_county(ctx, region)
        return np.asarray(have.reindex(codes, fill_value=0).to_numpy() > 0, dtype=bool)

    def schools_per_county(self, ctx: Context, region: Region) -> pd.Series:
        """The number of schools of :attr:`with_schools` in each county in scope and
        ``region`` that has one."""
        # the region's schools only (a school lies where its county does): a region's
        # rule then reads its own few thousand schools, not the country's half a million
        schools = ctx.within(ctx.dataset.schools, "county", region)
        return _counts(schools["county"], schools["stage"].isin(self.with_schools).to_numpy())

    def school_rows(self, ctx: Context, region: Region) -> pd.DataFrame:
        """The judged schools in scope and ``region`` (before any size limit)."""
        # the region's schools first, then their stages: a region's rule tests its own
        # few thousand schools, not the country's half a million
        schools = ctx.within(ctx.dataset.schools, "county", region)
        mask = schools["stage"].isin(self.schools).to_numpy()
        if self.ownership:
            mask = mask & (schools["ownership"] == self.ownership).to_numpy()
        return schools if mask.all() else schools.loc[mask]

    def counties(self, ctx: Context, region: Region) -> pd.Index:
        """The county codes the schools table names (a categorical column's categories,
        used or not) that lie in scope and ``region``: every school :meth:`school_rows`
        returns lies in one of them. A county parameter unset in all of them judges no
        school, found without reading the schools."""
        county = ctx.dataset.schools["county"]
        inside = region.intersect(Region(ctx.hierarchy, ctx.scope))
        if not isinstance(county.dtype, pd.CategoricalDtype):
            named = pd.Index(county.dropna().unique())
            return named[inside.mask(named.to_numpy(dtype=object))]
        # each category once, as a column of the table's categories: Region.mask keeps
        # their positions in the tree from one test of the table's column to the next
        named = county.cat.categories
        every = pd.Categorical.from_codes(np.arange(len(named)), dtype=county.dtype)
        return named[inside.mask(pd.Series(every))]

    def sized(
        self, ctx: Context, schools: pd.DataFrame, on: dt.date
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Which of ``schools`` exceed their size limit (all when none is set), with the
        evidence columns ``students``, ``size_limit``, ``size_basis`` and the clauses of
        the limits (``cites``)."""
        if not self.larger_than:
            return np.ones(len(schools), dtype=bool), {}
        limit = np.full(len(schools), np.nan)
        cites = np.full(len(schools), "", dtype=object)
        basis = np.full(len(schools), "", dtype=object)
        stage = schools["stage"].astype(object).to_numpy()
        for size in self.larger_than:
            rows = np.isin(stage, size.stages)
            col = ctx.param_column(size.parameter, schools["county"], on=on)
            limit[rows] = col.numbers()[rows]
            cites[rows] = col.cites[rows]
            basis[rows] = size.basis
        column = self.larger_than[0].column
        values = schools[column].to_numpy(dtype=float)
        evidence = {
            "students": values.astype(int),
            "size_limit": limit,
            "size_basis": basis,
            "cites": cites,
        }
        return values > limit, evidence  # NaN (no limit set) compares False


def _close(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"是否是 '{close[0]}'？" if close else ""


def _has_dates(table: str) -> bool:
    return any(c.name == "date" for c in TABLES[table].columns)


def column_problems(
    table: str, column: str, path: tuple[Any, ...], wanted: Any = None
) -> list[Problem]:
    """A column the table does not have, or a value a coded column cannot hold: a
    misspelling would otherwise match nothing and judge nobody, silently."""
    spec = {c.name: c for c in TABLES[table].columns}
    if column not in spec:
        return [
            Problem(
                f"数据表 {table} 没有列 '{column}'",
                path=path,
                code="unknown-column",
                hint=_close(column, spec) + "可用的列：" + "、".join(spec),
            )
        ]
    enum = spec[column].enum
    if enum is None or wanted is None:
        return []
    out = []
    for value in wanted if isinstance(wanted, list | tuple) else [wanted]:
        if value is None:
            continue
        try:
            enum.parse(str(value))
        except (ValueError, KeyError, DudaoError):
            choices = "、".join(f"{m.value}（{m.label}）" for m in enum)
            out.append(
                Problem(
                    f"列 {column} 不会有取值 '{value}'",
                    path=path,
                    code="unknown-value",
                    hint="可选：" + choices,
                )
            )
    return out


OrganisedBy = Literal["unit", "unit-or-above"]


@attrs.frozen(kw_only=True)
class Records:
    """Rows of a dataset table that count (see the module docstring)."""

    table: str
    where: Mapping[str, Any] = attrs.field(factory=dict)
    date: str = "date"
    unit_column: str = "unit"
    schools: tuple[str, ...] = ()
    #: the records name units of this level inside the judged unit (its townships)
    sub_units: Level | None = None
    organised_by: OrganisedBy | None = None

    def problems(
        self, path: tuple[Any, ...] = ("records",), *, uses_unit: bool = True
    ) -> list[Problem]:
        """Unknown tables, columns, stages and coded values (``uses_unit``: whether the
        template matches records to units by :attr:`unit_column`)."""
        if self.table not in TABLES:
            return [
                Problem(
                    f"未知的数据表 '{self.table}'",
                    path=(*path, "table"),
                    code="unknown-table",
                    hint=_close(self.table, TABLES) + "可选：" + "、".join(sorted(TABLES)),
                )
            ]
        out = _stage_problems(self.schools, (*path, "schools"))
        named = {"date": self.date}
        if uses_unit:
            named["unit_column"] = self.unit_column
        if self.organised_by is not None:
            named["organised_by"] = "body"
        for field, column in named.items():
            if field == "date" and column == "date" and not _has_dates(self.table):
                continue  # a table of standing facts: every row counts
            out += column_problems(self.table, column, (*path, field))
        for column, wanted in self.where.items():
            out += column_problems(self.table, column, (*path, "where", column), wanted)
        return out

    def _where(self) -> dict[str, Any]:
        """``where`` with Chinese labels of coded columns as the values tables hold."""
        spec = {c.name: c for c in TABLES[self.table].columns}
        out = {}
        for column, wanted in self.where.items():
            enum = spec[column].enum if column in spec else None
            if enum is not None:
                options = wanted if isinstance(wanted, list | tuple) else [wanted]
                wanted = [None if o is None else enum.parse(str(o)).value for o in options]
            out[column] = wanted
        return out

    def needs(self) -> tuple[str, ...]:
        return (self.table, "schools") if self.schools else (self.table,)

    def rows(
        self, ctx: Context, start: dt.date | None, end: dt.date, region: Region | None = None
    ) -> pd.DataFrame:
        """Rows matching ``where``, dated in [start, end] and not after the as-of date.
        Given the ``region`` the judged units lie in, and records that name those units
        themselves (not schools, not sub-units), only rows naming a unit in it (and in
        scope): no other row counts for a judged unit."""
        frame = ctx.dataset.table(self.table)
        if region is not None and not self.schools and self.sub_units is None:
            # the region's rows before any test: a region's rule reads its own records
            frame = ctx.within(frame, self.unit_column, region)
        mask = np.ones(len(frame), dtype=bool)
        for column, wanted in self._where().items():
            mask &= matches(frame, column, wanted)
        if self.date in frame.columns:  # a table of standing facts (schools) has no date
            dates = pd.to_datetime(frame[self.date])
            last = pd.Timestamp(min(end, ctx.as_of))
            mask &= (dates <= last).to_numpy(dtype=bool)
            if start is not None:
                mask &= (dates >= pd.Timestamp(start)).to_numpy(dtype=bool)
        return frame if mask.all() else frame.loc[mask]

    def per_school(
        self, ctx: Context, schools: pd.DataFrame, rows: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        """(count, latest date) of ``rows`` per school of ``schools``: rows naming the
        school, organised as :attr:`organised_by` says."""
        at = pd.Index(schools["school_id"].astype(object)).get_indexer(
            rows[self.unit_column].astype(object)
        )
        known = at >= 0
        rows, at = rows.loc[known], at[known]
        county = schools["county"].astype(object).to_numpy()[at]
        keep = self._organised(ctx, rows, county)
        at = at[keep]
        count = np.bincount(at, minlength=len(schools))
        dates = pd.Series(pd.to_datetime(rows[self.date]).to_numpy()[keep])
        latest = dates.groupby(at).max().reindex(range(len(schools)))
        last = np.array([None if pd.isna(d) else d.date() for d in latest], dtype=object)
        return count, last

    def per_unit(self, ctx: Context, codes: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
        """How many records count for each code: distinct schools of :attr:`schools` in
        the unit when the records name schools, distinct :attr:`sub_units` of the unit
        when they name those, else rows naming the unit."""
        if self.sub_units is not None:
            covered = self.covered_sub_units(ctx, codes, rows)
            parents = pd.Series([ctx.hierarchy.get(c).parent for c in covered], dtype=object)
            counts = parents.value_counts()
        elif self.schools:
            s = ctx.dataset.schools
            s = s.loc[s["stage"].isin(self.schools).to_numpy()]
            county_of = pd.Series(
                s["county"].astype(object).to_numpy(), index=s["school_id"].astype(object)
            )
            county_of = county_of[~county_of.index.duplicated()]
            named = rows[self.unit_column].astype(object).to_numpy()
            county = county_of.reindex(named).to_numpy(dtype=object)
            placed = pd.notna(county)
            keep = placed & self._organised(ctx, rows, county)
            pairs = pd.DataFrame({"unit": county[keep], "school": named[keep]}).drop_duplicates()
            counts = pairs.groupby("unit")["school"].size()
        else:
            named = rows[self.unit_column].astype(object).to_numpy()
            keep = self._organised(ctx, rows, named)
            counts = pd.Series(named[keep]).value_counts()
        out: np.ndarray = counts.reindex(codes, fill_value=0).to_numpy(dtype=int)
        return out

    def covered_sub_units(self, ctx: Context, codes: np.ndarray, rows: pd.DataFrame) -> set[str]:
        """The sub-units (of :attr:`sub_units`, directly under one of ``codes``) that
        ``rows`` name, organised as :attr:`organised_by` says."""
        assert self.sub_units is not None
        h = ctx.hierarchy
        named = rows[self.unit_column].astype(object).to_numpy()
        wanted = set(codes)
        # each distinct code looked up once: a national table names few units many times
        inverse, distinct = pd.factorize(pd.Series(named, dtype=object), use_na_sentinel=False)
        parents = np.array(
            [
                h.get(c).parent if c in h and h.get(c).level is self.sub_units else None
                for c in distinct
            ],
            dtype=object,
        )
        parent = parents[inverse] if len(named) else np.array([], dtype=object)
        keep = np.array([p in wanted for p in parent], dtype=bool)
        keep &= self._organised(ctx, rows, parent)
        return set(named[keep])

    def unplaced(self, ctx: Context, rows: pd.DataFrame) -> int:
        """How many distinct schools ``rows`` name that the schools table does not hold
        (their records cannot be placed in a county and are not counted)."""
        known = pd.Index(ctx.dataset.schools["school_id"].astype(object))
        named = pd.Series(rows[self.unit_column].astype(object).to_numpy())
        return int(named[known.get_indexer(named) < 0].nunique())

    def _organised(self, ctx: Context, rows: pd.DataFrame, unit: np.ndarray) -> np.ndarray:
        """Rows whose ``body`` is the unit (or a body above it), as required."""
        if self.organised_by is None:
            return np.ones(len(rows), dtype=bool)
        body = rows["body"].astype(object).to_numpy()
        if self.organised_by == "unit":
            return np.asarray(body == unit, dtype=bool)
        lo, hi = ctx.hierarchy.spans(rows["body"])
        pos = ctx.hierarchy.positions(pd.Series(unit, dtype=object))
        return np.asarray((pos >= 0) & (lo <= pos) & (pos < hi), dtype=bool)


def matches(frame: pd.DataFrame, column: str, wanted: Any) -> np.ndarray:
    """Rows whose ``column`` is ``wanted`` (or one of a list; ``None`` in it: empty).

    A column the table does not have matches only when empty values are wanted (a
    dataset that does not record topics has every topic empty).

    >>> f = pd.DataFrame({"kind": ["a", "b", None], "passed": [True, None, False]})
    >>> matches(f, "kind", ["a", None]).tolist(), matches(f, "passed", True).tolist()
    ([True, False, True], [True, False, False])
    >>> matches(f.astype({"kind": "category"}), "kind", ["a", None]).tolist()
    [True, False, True]
    >>> matches(f, "topic", [None, "x"]).tolist()
    [True, True, True]
    """
    options = list(wanted) if isinstance(wanted, list | tuple) else [wanted]
    empty_ok = any(o is None for o in options)
    options = [o for o in options if o is not None]
    if column not in frame.columns:
        return np.full(len(frame), empty_ok, dtype=bool)
    col = frame[column]
    if options and all(isinstance(o, bool) for o in options):
        truth = col.astype("boolean")
        truth_hit = truth.isin(options).fillna(False).to_numpy(dtype=bool)
        return np.asarray(truth_hit | (col.isna().to_numpy(dtype=bool) & empty_ok), dtype=bool)
    if isinstance(col.dtype, pd.CategoricalDtype):
        # each category, then the missing value (code -1: the last), told once and
        # spread by the codes: half a million rows are never boxed one by one
        codes = np.append(np.arange(len(col.cat.categories)), -1)
        each = pd.Categorical.from_codes(codes, dtype=col.dtype)
        hit = _hits(pd.Series(each).astype(object), options, empty_ok)
        return hit.take(np.asarray(col.array.codes))
    return _hits(col.astype(object), options, empty_ok)


def _hits(values: pd.Series, options: list[Any], empty_ok: bool) -> np.ndarray:
    hit = values.isin([str(o) if not isinstance(o, int | float) else o for o in options])
    return np.asarray(hit.to_numpy(dtype=bool) | (values.isna().to_numpy() & empty_ok), dtype=bool)


def _counts(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """How many of the rows where ``rows`` is true hold each value of ``column``
    (values held by none and missing values left out): a categorical column's codes are
    counted, its rows never boxed one by one."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.asarray(column.array.codes)[rows]
        counts = np.bincount(codes[codes >= 0], minlength=len(column.array.categories))
        used = np.flatnonzero(counts)
        return pd.Series(counts[used], index=column.array.categories[used].astype(object))
    return column[rows].dropna().astype(object).value_counts()
