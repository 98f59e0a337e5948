"""What a rule is, and the context it runs in.

Write a rule by subclassing :class:`Rule`, setting its class attributes and
implementing :meth:`Rule.check` (vectorised: pandas column operations, no loop
per school) and :meth:`Rule.message`::

    class MinimumMeetings(Rule):
        id = "committee-meetings"
        title = "督导委员会每年至少召开例会"
        title_en = "The committee holds regular meetings every year"
        cite = ("南府督委办〔2022〕7号 一",)
        target_kind = TargetKind.COMMITTEE
        parameters = ("committee.min_regular_meetings",)
        needs = ("meetings",)
        message_columns = ("year", "regular_meetings", "required")  # what message reads

        def check(self, ctx, region): ...      # → DataFrame: target, jurisdiction, ok, …
        def message(self, row): ...            # → (中文, English) for one failing row

A rule that judges a past period (last year, last semester) also overrides
:meth:`Rule.judged_on`, so that ``dudao explain`` shows the parameters it applied.
"""

from __future__ import annotations

import abc
import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, cast

import attrs

from dudao.law.book import Entry, LawBook, Region
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.bodies import MemberUnit
from dudao.model.dataset import Dataset
from dudao.model.findings import Severity, TargetKind
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction, Level


class ParamColumn:
    """A parameter resolved for each code of a column.

    Built from the versions in force (value, citation text, sample flag of each) and,
    per row, the index of the version governing it (-1: none). ``values`` holds the
    value governing each row (None where no entry governs it or the entry sets
    nothing); ``cites`` the citation text of that entry; ``sample`` whether it is sample
    data rather than a cited number. A column of half a million rows takes a few
    versions: what can be worked out per version is, and spread by index.

    >>> p = ParamColumn([5, None], ["厅发 三（一）", "某文"], [False, True], np.array([0, -1, 1]))
    >>> p.values.tolist(), p.is_set.tolist(), p.numbers().tolist()
    ([5, None, None], [True, False, False], [5.0, nan, nan])
    >>> p.cites.tolist(), p.sample.tolist()
    (['厅发 三（一）', '', '某文'], [False, False, True])
    """

    def __init__(
        self, values: Sequence[Any], cites: Sequence[str], sample: Sequence[bool], which: np.ndarray
    ) -> None:
        n = len(values)
        # one more version, last: the "no entry" of rows whose index is -1
        self._values = np.array([*values, None], dtype=object)
        self._cites = np.array([*cites, ""], dtype=object)
        self._sample = np.array([*sample, False], dtype=bool)
        self.which = np.where(which >= 0, which, n).astype(np.intp)

    @property
    def values(self) -> np.ndarray:
        return self._values[self.which]

    @property
    def cites(self) -> np.ndarray:
        return self._cites[self.which]

    @property
    def sample(self) -> np.ndarray:
        return self._sample[self.which]

    @property
    def is_set(self) -> np.ndarray:
        return np.array([v is not None for v in self._values], dtype=bool)[self.which]

    def numbers(self) -> np.ndarray:
        """Values as floats, NaN where unset."""
        per_version = pd.to_numeric(pd.Series(self._values, dtype=object), errors="coerce")
        return cast(np.ndarray, per_version.to_numpy(float)[self.which])

    def subset(self, keep: np.ndarray) -> ParamColumn:
        """The rows selected by a boolean mask."""
        out = ParamColumn.__new__(ParamColumn)
        out._values, out._cites, out._sample = self._values, self._cites, self._sample
        out.which = self.which[keep]
        return out

    def __len__(self) -> int:
        return len(self.which)


def row_citations(
    rule_cites: Iterable[str], *cites: ParamColumn | Sequence[str] | np.ndarray
) -> np.ndarray:
    """Per row: the rule's clauses, then each parameter's clause not already named (a city
    may set its own number under the province's rule). Rows take few distinct
    combinations, so each is joined once and spread by integer codes."""
    joined, inverse = _citations(rule_cites, cites)
    return cast(np.ndarray, joined[inverse])


def citation_column(
    rule_cites: Iterable[str], *cites: ParamColumn | Sequence[str] | np.ndarray
) -> pd.Categorical:
    """:func:`row_citations` as a categorical column: a checks frame of half a million rows
    then holds a few texts, not half a million strings for pandas to convert.

    >>> citation_column(["第十四条"], ["", "厅发 二", ""]).tolist()
    ['第十四条', '第十四条；厅发 二', '第十四条']
    """
    joined, inverse = _citations(rule_cites, cites)
    codes, texts = pd.factorize(joined)  # two combinations may join to one text
    return pd.Categorical.from_codes(codes[inverse], categories=pd.Index(texts, dtype=object))


def _citations(
    rule_cites: Iterable[str], cites: Sequence[ParamColumn | Sequence[str] | np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(joined text of each distinct combination, the combination of each row)."""
    rule_cites = list(rule_cites)
    if not cites:
        return np.array([], dtype=object), np.array([], dtype=np.intp)
    # each column as (distinct texts, the text of each row): a parameter's are its versions
    columns = [
        (c._cites, c.which)
        if isinstance(c, ParamColumn)
        else pd.factorize(np.asarray(c, dtype=object), use_na_sentinel=False)[::-1]
        for c in cites
    ]
    key = np.zeros(len(columns[0][1]), dtype=np.int64)
    for distinct, codes in columns:  # one integer per combination of citations (mixed radix)
        key = key * (len(distinct) + 1) + codes
    first, inverse = first_and_inverse(key)
    joined = np.array(
        [
            "；".join(dict.fromkeys([*rule_cites, *(t[c[i]] for t, c in columns if t[c[i]])]))
            for i in first
        ],
        dtype=object,
    )
    return joined, inverse


#: Context.within joins up to this many runs of kept rows as slices; more are taken.
_FEW_RUNS = 4

#: Context.units per hierarchy (which does not change once built), by scope and levels.
_UNITS: weakref.WeakKeyDictionary[
    Hierarchy, dict[tuple[str, frozenset[Level]], tuple[list[Jurisdiction], np.ndarray]]
] = weakref.WeakKeyDictionary()


@attrs.frozen
class Context:
    """Everything a rule may read: the dataset, the tree, the law, the date."""

    dataset: Dataset
    hierarchy: Hierarchy
    law: LawBook
    as_of: dt.date
    #: Committee member units recognised at a code, by name and alias (from the plugins).
    member_units: Callable[[str], dict[str, MemberUnit]] = attrs.field(
        default=lambda code: {}, repr=False
    )

    @property
    def scope(self) -> str:
        return self.dataset.info.scope

    def units(self, levels: Iterable[Level], region: Region | None = None) -> list[Jurisdiction]:
        """Units of ``levels`` inside the dataset's scope (and ``region``)."""
        wanted = frozenset(levels)
        h = self.hierarchy
        # every rule asks for the same few levels: the walk over tens of thousands of
        # units is done once per hierarchy, scope and levels
        cached = _UNITS.setdefault(h, {})
        if (self.scope, wanted) not in cached:
            cached[self.scope, wanted] = h.subtree_at_levels(self.scope, wanted)
        found, positions = cached[self.scope, wanted]
        if region is None or not found:
            return list(found)
        keep = region.mask_positions(positions)  # one vectorised test, not one per unit
        return [u for u, k in zip(found, keep, strict=True) if k]

    def within(
        self, frame: pd.DataFrame, column: str, region: Region, also: np.ndarray | None = None
    ) -> pd.DataFrame:
        """Rows of ``frame`` whose code in ``column`` lies in ``region`` and the dataset's
        scope (and, given ``also``, a mask over ``frame``, where it is true). The engine
        keeps only those rows anyway; filtering first spares a rule that a region adopts
        from working through the whole country once per version. The rows are copied at
        most once, whatever the masks (never when every row is kept, nor pyarrow text
        kept in a few runs of rows): pass only the columns the rule reads
        (``frame[[...]]``), since each one may be copied."""
        codes = frame[column]
        keep = region.intersect(Region(self.hierarchy, self.scope)).mask(codes)
        if also is not None:
            keep &= also
        if keep.all():
            return frame  # no copy of a national table
        # A region is a few subtrees, and a table kept in code order holds each as one
        # run of rows: a few runs are joined as slices (pyarrow text is then chunked,
        # not copied: the country without one province, 500,000 schools' ids and names)
        edges = np.flatnonzero(np.diff(keep, prepend=False, append=False))
        if len(edges) <= 2 * _FEW_RUNS:
            runs = [frame.iloc[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
            return pd.concat(runs) if len(runs) > 1 else runs[0] if runs else frame.iloc[:0]
        return frame.loc[keep]

    def param(self, id: str, code: str, on: dt.date | None = None) -> Entry | None:
        """The parameter entry governing ``code`` on ``on`` (default: the as-of date).

        Pass ``on`` when a rule judges a past period: a 2022 work point governs
        what had to happen in 2022, checked in 2023.
        """
        # inside a scope where two plugins conflict the value is unknown: the engine
        # leaves those targets out and reports the conflict
        return self.law.resolve(Kind.PARAMETER, id, code, on or self.as_of, blocked="none")

    def param_value(self, id: str, code: str, on: dt.date | None = None) -> Any:
        entry = self.param(id, code, on)
        return None if entry is None else entry.value

    def param_column(
        self, id: str, codes: Sequence[str] | pd.Series, on: dt.date | None = None
    ) -> ParamColumn:
        """:meth:`param` for a whole column, vectorised over scopes."""
        versions, which = self.law.resolve_many(Kind.PARAMETER, id, codes, on or self.as_of)
        return ParamColumn(
            [e.value for e in versions],
            [e.citation_text() for e in versions],
            [e.sample for e in versions],
            which,
        )

    def semester(self) -> tuple[dt.date, dt.date]:
        """The last semester that ended before the as-of date.

        Convention (示例约定, no national text fixes the dates): the autumn
        semester runs 1 September – 31 January, the spring one 1 February – 31 July.
        """
        d = self.as_of
        spring_end = dt.date(d.year, 7, 31)
        autumn_end = dt.date(d.year, 1, 31)
        if d > spring_end:
            return dt.date(d.year, 2, 1), spring_end
        if d > autumn_end:
            return dt.date(d.year - 1, 9, 1), autumn_end
        return dt.date(d.year - 1, 2, 1), dt.date(d.year - 1, 7, 31)


class Rule(abc.ABC):
    """Base class of rules; see the module docstring."""

    id: ClassVar[str]
    title: ClassVar[str]
    title_en: ClassVar[str]
    #: The clauses the rule enforces (文号 + 条款, or 《标题》 + 条款).
    cite: ClassVar[tuple[str, ...]]
    target_kind: ClassVar[TargetKind]
    levels: ClassVar[tuple[Level, ...]] = ()
    severity: ClassVar[Severity] = Severity.ERROR
    since: ClassVar[dt.date | None] = None
    until: ClassVar[dt.date | None] = None
    #: Parameters the rule reads (listed by ``dudao rules``, shown by ``dudao explain``).
    parameters: ClassVar[tuple[str, ...]] = ()
    #: Dataset tables (``"visits"``) or optional columns (``"supervisions.report_date"``)
    #: without which the rule cannot run: it is then skipped, not failed.
    needs: ClassVar[tuple[str, ...]] = ()
    #: A rule only a region states: offered for adoption (``rules.yaml``) but in force
    #: nowhere until a plugin adopts it with its own clause.
    template: ClassVar[bool] = False

    @abc.abstractmethod
    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        """One row per checked target: ``target``, ``jurisdiction`` (the code the row
        is reported under), ``ok``; optionally ``target_name``, ``citation``,
        ``severity``; every other column is evidence."""

    #: The columns :meth:`message` reads. When set, :meth:`messages` calls it once per
    #: distinct combination of their values (a national run's tens of thousands of
    #: findings share a few thousand messages) with a row holding only these columns,
    #: so a column read but not listed fails loudly rather than silently.
    message_columns: ClassVar[tuple[str, ...] | None] = None

    @abc.abstractmethod
    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        """(Chinese, English) message for one failing row."""

    def judged_on(self, as_of: dt.date, row: dict[str, Any]) -> dt.date:
        """The day whose parameters judged ``row`` (one row of :meth:`check`, checked on
        ``as_of``): the as-of date, unless the rule judges a past period (a semester,
        last year's plan), whose parameters it reads on that period's day. ``dudao
        explain`` shows the parameters in force on this day."""
        return as_of

    def messages(self, failing: pd.DataFrame) -> tuple[list[str], list[str]]:
        """(Chinese, English) messages of every row of ``failing``, in order.

        Rows reach :meth:`message` as dicts of plain Python values (``Series.tolist``);
        with :attr:`message_columns` set, only one row per distinct combination does.
        """
        inverse = None
        if self.message_columns is None:
            keys = list(failing.columns)
            rows = failing
        else:
            keys = list(self.message_columns)
            first, inverse = distinct_rows(failing, keys)
            rows = failing.iloc[first]
        # whole columns to Python at once: DataFrame.to_dict boxes value by value
        columns = [rows[c].tolist() for c in keys]
        values = zip(*columns, strict=True) if keys else [()] * len(rows)
        made = [self.message(dict(zip(keys, row, strict=True))) for row in values]
        zh = [m[0] for m in made]
        en = [m[1] for m in made]
        if inverse is None:
            return zh, en
        return (
            np.asarray(zh, dtype=object)[inverse].tolist(),
            np.asarray(en, dtype=object)[inverse].tolist(),
        )

    def __repr__(self) -> str:
        return f"<Rule {self.id}>"


def day_text(x: Any) -> str:
    """A date, timestamp or date text as ISO text for a message: 2023-01-31.

    >>> day_text(dt.date(2023, 1, 31)), day_text(pd.Timestamp("2023-01-31 08:00"))
    ('2023-01-31', '2023-01-31')
    """
    if type(x) is dt.date:  # as evidence holds them: no Timestamp to make
        return x.isoformat()
    return cast(str, pd.Timestamp(x).date().isoformat())


def as_dates(values: Any) -> np.ndarray:
    """Dates and timestamps as ``datetime.date`` objects, None where missing (evidence
    shows them as ISO text or null; a NaT would print as the text 'NaT'). Half a million
    rows hold a few thousand days: each distinct day is converted once.

    >>> as_dates(pd.Series(pd.to_datetime(["2022-09-01", None, "2022-09-01"]))).tolist()
    [datetime.date(2022, 9, 1), None, datetime.date(2022, 9, 1)]
    """
    stamps = pd.Series(pd.to_datetime(np.asarray(values)))
    codes, distinct = pd.factorize(stamps)  # NaT: -1, the None appended below
    days = pd.Series(distinct).dt.date.to_numpy(dtype=object)
    return cast(np.ndarray, np.append(days, np.array([None], dtype=object))[codes])


def distinct_rows(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse): the position of the first row of each distinct combination of
    ``columns`` (missing values count as a value), and for each row the index of its
    combination in ``first``.

    >>> f = pd.DataFrame({"a": [1, 2, 1, 1], "b": ["x", "y", "x", None]})
    >>> first, inverse = distinct_rows(f, ["a", "b"])
    >>> first.tolist(), inverse.tolist()
    ([0, 1, 3], [0, 1, 0, 2])
    """
    key = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, distinct = pd.factorize(frame[column], use_na_sentinel=False)
        # re-factorised each step, so the key stays below the row count (no overflow)
        key = pd.factorize(key * (len(distinct) + 1) + codes, sort=False)[0].astype(np.int64)
    return first_and_inverse(key)


def first_and_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse) of an integer column: the position where each distinct value
    first appears, in order of appearance, and per row the index of its value in
    ``first``. Hashes (``np.unique`` sorts: several times slower on half a million rows).

    >>> first, inverse = first_and_inverse(np.array([7, 3, 7, 9, 3]))
    >>> first.tolist(), inverse.tolist()
    ([0, 1, 3], [0, 1, 0, 2, 1])
    """
    if len(key) and key.min() == key.max():  # one value (a parameter set once nationally)
        return np.zeros(1, dtype=np.intp), np.zeros(len(key), dtype=np.intp)
    inverse, distinct = pd.factorize(key)
    first = np.full(len(distinct), len(key), dtype=np.intp)
    np.minimum.at(first, inverse, np.arange(len(key), dtype=np.intp))
    return first, inverse.astype(np.intp, copy=False)


def empty_checks(*evidence: str) -> pd.DataFrame:
    """A checks frame with no rows (for rules that find nothing to check)."""
    columns = ["target", "jurisdiction", "ok", *evidence]
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
