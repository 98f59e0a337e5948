"""Helpers shared by the synthesis modules: random draws of dates, column builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Sized
from typing import Any, cast

import attrs

from dudao.lazyimports import np, pd
from dudao.model.dataset import ABSENT_COLUMNS
from dudao.model.labels import LabelledEnum
from dudao.model.tables import TABLES, fill_absent, string_dtype

DAY = np.timedelta64(1, "D")


@attrs.frozen
class Draw:
    """The generator and the as-of date every module draws against."""

    rng: np.random.Generator
    as_of: dt.date
    scale: float

    @property
    def today(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")

    def days(self, start: np.ndarray | np.datetime64, span: np.ndarray | int) -> np.ndarray:
        """A uniform day in ``[start, start + span)`` per row (``span`` ≥ 1)."""
        span = np.maximum(np.asarray(span, dtype=np.int64), 1)
        offset = np.floor(self.rng.random(np.shape(span) or None) * span).astype(np.int64)
        return cast(np.ndarray, np.asarray(start, dtype="datetime64[D]") + offset * DAY)

    def workdays(self, start: Any, end: Any, n: int) -> np.ndarray:
        """``n`` uniform days in ``[start, end]`` (scalars or one per row) moved off
        weekends (schools are visited on school days), kept inside the range."""
        start = np.broadcast_to(np.asarray(start, dtype="datetime64[D]"), (n,))
        end = np.broadcast_to(np.asarray(end, dtype="datetime64[D]"), (n,))
        days = self.days(start, (end - start) // DAY + 1)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        days = days + np.where(weekday == 5, -1, np.where(weekday == 6, 1, 0)) * DAY
        return cast(np.ndarray, np.clip(days, start, end))

    def in_years(self, years: np.ndarray, first: str = "01-01", last: str = "12-31") -> np.ndarray:
        """A uniform day between ``first`` and ``last`` (MM-DD) of each row's year."""
        years = np.asarray(years, dtype=np.int64)
        jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        lo = int((np.datetime64(f"2001-{first}") - np.datetime64("2001-01-01")) // DAY)
        hi = int((np.datetime64(f"2001-{last}") - np.datetime64("2001-01-01")) // DAY)
        return self.days(jan1 + lo * DAY, np.full(len(years), hi - lo + 1))

    def pick(self, choices: Sequence[object], p: Sequence[float], n: int) -> np.ndarray:
        return self.rng.choice(np.asarray(choices, dtype=object), size=n, p=np.asarray(p))


def semester(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last semester that ended before ``as_of``: the convention of
    :meth:`dudao.rules.base.Context.semester` (autumn 1 Sep – 31 Jan, spring 1 Feb – 31 Jul)."""
    d = as_of
    if d > dt.date(d.year, 7, 31):
        return dt.date(d.year, 2, 1), dt.date(d.year, 7, 31)
    if d > dt.date(d.year, 1, 31):
        return dt.date(d.year - 1, 9, 1), dt.date(d.year, 1, 31)
    return dt.date(d.year - 1, 2, 1), dt.date(d.year - 1, 7, 31)


def rank_within(*keys: np.ndarray) -> np.ndarray:
    """0-based position of each row among the rows with the same keys (in row order)."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return cast(np.ndarray, frame.groupby(list(frame.columns), sort=False).cumcount().to_numpy())


def zfill(values: np.ndarray, width: int) -> np.ndarray:
    return cast(np.ndarray, pd.Series(values).astype(str).str.zfill(width).to_numpy(dtype=object))


_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """Chinese numeral for 1–9999 as used in names (第十二小学, 第一百零三督学责任区)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def numerals(values: np.ndarray) -> np.ndarray:
    """:func:`numeral` per row, computed once per distinct value."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) == 0:
        return np.array([], dtype=object)
    table = np.array([""] + [numeral(i) for i in range(1, int(values.max()) + 1)], dtype=object)
    return cast(np.ndarray, table[values])


def text(values: np.ndarray) -> pd.arrays.ArrowStringArray | np.ndarray:
    return cast(pd.arrays.ArrowStringArray | np.ndarray, pd.array(values, dtype=string_dtype()))


def codes_column(values: np.ndarray) -> pd.Categorical:
    """A code column as the loader types it: categories of text, missing as NaN."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=string_dtype()))


def enum_column(values: np.ndarray, enum: type[LabelledEnum]) -> pd.Categorical:
    return pd.Categorical(values, categories=[m.value for m in enum])


def frame(table: str, columns: Mapping[str, Sized]) -> pd.DataFrame:
    """A frame with exactly the columns of ``TABLES[table]``, in spec order. Optional
    columns left out are what synthetic data does not record: filled and marked absent
    as a loaded table's are, and not written to files (a rule needing one is skipped)."""
    spec = TABLES[table]
    missing = {c.name for c in spec.columns if c.required} - set(columns)
    assert not missing, f"{table}: missing {missing}"
    n = len(next(iter(columns.values())))
    absent = tuple(c.name for c in spec.columns if c.name not in columns)
    out = pd.DataFrame(
        {c.name: columns[c.name] if c.name in columns else fill_absent(c, n) for c in spec.columns}
    )
    out.attrs[ABSENT_COLUMNS] = absent
    return out


def dates(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]")


def codes_from(index: np.ndarray, categories: np.ndarray) -> pd.Categorical:
    """A code column whose rows are ``categories[index]`` (-1: missing), built from
    integer codes so that a million visits need not factorise their school ids."""
    categories = np.asarray(categories, dtype=object)
    order = np.argsort(categories, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    index = np.asarray(index, dtype=np.int64)
    codes = np.where(index >= 0, rank[np.maximum(index, 0)] if len(rank) else -1, -1)
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(categories[order], dtype=string_dtype())
    )


_SURNAMES = np.array(
    list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁")
)
_GIVEN = np.array(
    list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志新文斌海波宁辉莉萍")
)


def person_names(rng: np.random.Generator, shape: int | tuple[int, ...]) -> np.ndarray:
    """Synthetic personal names: a surname and one or two given characters."""
    one = _GIVEN[rng.integers(0, len(_GIVEN), shape)]
    two = np.char.add(one, _GIVEN[rng.integers(0, len(_GIVEN), shape)])
    given = np.where(rng.random(shape) < 0.7, two, one)
    return np.char.add(_SURNAMES[rng.integers(0, len(_SURNAMES), shape)], given)
