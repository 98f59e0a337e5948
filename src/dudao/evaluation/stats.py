"""Statistics of balance: the student-weighted coefficient of variation (差异系数).

For the schools i of one county and stage, with P_i students and value x_i
(基本均衡 methodology, used again by 教督〔2017〕6号)::

    P  = Σ P_i
    X̄ = Σ P_i·x_i / P            (total resource ÷ total students)
    S  = sqrt( Σ (P_i/P)·(x_i − X̄)² )
    CV = S / X̄

Two schools with 100 and 300 students and 4 and 8 teachers per hundred:
X̄ = (100·4 + 300·8)/400 = 7; S² = ¼·(4−7)² + ¾·(8−7)² = 2.25 + 0.75 = 3;
CV = √3 / 7 ≈ 0.2474.

>>> round(weighted_cv([4, 8], [100, 300]), 4)
0.2474

Combined schools are split into stage parts before computing (基本均衡 practice,
2015): a 九年一贯制 school's resources go to its primary and junior parts in
proportion to students weighted 1 : 1.1; a 完全中学's junior and senior parts
1 : 1.2; a 十二年一贯制 school's three parts 1 : 1.1 : 1.32.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dudao.lazyimports import np, pd

#: Student weights per stage part, by school type (stage of the whole school).
SPLIT_WEIGHTS: dict[str, dict[str, float]] = {
    "primary": {"primary": 1.0},
    "junior": {"junior": 1.0},
    "nine_year": {"primary": 1.0, "junior": 1.1},
    "complete_secondary": {"junior": 1.0, "senior": 1.2},
    "twelve_year": {"primary": 1.0, "junior": 1.1, "senior": 1.32},
}
PART_STUDENTS = {
    "primary": "primary_students",
    "junior": "junior_students",
    "senior": "senior_students",
}


def weighted_cv(
    values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray
) -> float:
    """The CV of one group; NaN when the weighted mean is 0 or there are no students."""
    x = np.asarray(values, dtype=np.float64)
    p = np.asarray(weights, dtype=np.float64)
    total = p.sum()
    if total <= 0:
        return float("nan")
    mean = (p * x).sum() / total
    if mean == 0:
        return float("nan")
    return float(np.sqrt((p / total * (x - mean) ** 2).sum()) / mean)


def grouped_cv(
    df: pd.DataFrame, value_columns: Sequence[str], weight: str, by: str | Sequence[str]
) -> pd.DataFrame:
    """:func:`weighted_cv` of each value column within each group, vectorised.

    Rows with a missing value or no students are left out of that column's CV.
    Two passes over the data (mean first, then squared deviations) keep the
    result exact for large values, unlike Σx² − n·X̄².

    >>> df = pd.DataFrame({"county": ["A", "A", "B", "B"], "students": [100, 300, 50, 50],
    ...                    "x": [4.0, 8.0, 2.0, 2.0]})
    >>> grouped_cv(df, ["x"], "students", "county").round(4)["x"].to_dict()
    {'A': 0.2474, 'B': 0.0}
    """
    keys = [by] if isinstance(by, str) else list(by)
    codes, uniques, every_group_occurs = _factorize(df, keys)
    k = len(uniques)
    p_all = df[weight].to_numpy(dtype=np.float64, na_value=np.nan)
    # reductions, not masks: the usual table (every row in a group, with students and a
    # value) is told in three quick passes and then no row is copied
    all_rows = codes.min(initial=0) >= 0 and p_all.min(initial=1.0) > 0
    counted = None if all_rows else (p_all > 0) & (codes >= 0)
    out: dict[str, np.ndarray] = {}
    weighted = np.zeros(k)  # weight per group over every value column
    for col in value_columns:
        x = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
        if counted is None and not np.isnan(x.sum()):
            c, p, xv = codes, p_all, x
        else:
            ok = ~np.isnan(x) if counted is None else counted & ~np.isnan(x)
            c, p, xv = codes[ok], p_all[ok], x[ok]
        ptot = np.bincount(c, weights=p, minlength=k)
        weighted += ptot
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.bincount(c, weights=p * xv, minlength=k) / ptot
            d = xv - mean[c]
            dev = np.bincount(c, weights=p * (d * d), minlength=k) / ptot
            cv = np.sqrt(dev) / mean
        out[col] = np.where(np.isfinite(cv), cv, np.nan)
    result = pd.DataFrame(out, index=uniques)
    if every_group_occurs or (weighted > 0).all():  # a group with a weight has a row
        return result
    # categories with no row are no group (as factorize(sort=True) would find)
    occurs = np.bincount(codes[codes >= 0], minlength=k) > 0
    return result if occurs.all() else result.loc[occurs]


def _factorize(df: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Index, bool]:
    """Group codes of ``keys``, the groups in sorted order, and whether every group is
    known to occur (a categorical column's categories may include some that do not:
    the caller tells, and drops them, only when it has to)."""
    if len(keys) == 1:
        column = df[keys[0]]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered:
            # a loaded code column: its codes are the groups when its categories are in
            # order (what factorize(sort=True) would return, but for unused categories)
            categories = dtype.categories
            if categories.is_monotonic_increasing:
                codes = np.asarray(column.array.codes, dtype=np.intp)
                return codes, pd.Index(pd.Categorical(categories, dtype=dtype), name=keys[0]), False
        codes, uniques = pd.factorize(column, sort=True)
        return codes, pd.Index(uniques, name=keys[0]), True
    mi = pd.MultiIndex.from_frame(df[keys])
    codes, uniques = pd.factorize(mi, sort=True)
    return codes, pd.MultiIndex.from_tuples(list(uniques), names=keys), True


def split_combined(
    schools: pd.DataFrame,
    resources: Sequence[str],
    *,
    stages: Sequence[str] = ("primary", "junior"),
    weights: Mapping[str, Mapping[str, float]] = SPLIT_WEIGHTS,
) -> pd.DataFrame:
    """One row per school and stage part, resources shared by weighted students.

    ``schools`` has ``stage`` (school type), ``primary_students``,
    ``junior_students`` and, for schools with a senior part, ``senior_students``.
    Each part gets ``part`` (its stage), ``students`` (its own students) and the
    resource columns multiplied by its share of weighted students. Parts with no
    students and stages not in ``stages`` are dropped.

    A 九年一贯制 school of 600 primary and 400 junior pupils with 1,040 m² splits
    1·600 : 1.1·400 = 600 : 440, i.e. 600 m² and 440 m²:

    >>> s = pd.DataFrame({"school_id": ["S"], "stage": ["nine_year"], "primary_students": [600],
    ...                   "junior_students": [400], "area": [1040.0]})
    >>> split_combined(s, ["area"])[["school_id", "part", "students", "area"]]
      school_id     part  students   area
    0         S  primary       600  600.0
    1         S   junior       400  440.0
    """
    stage = schools["stage"]
    counts = {
        part: (
            schools[col].to_numpy(dtype=np.float64, na_value=0.0)
            if col in schools
            else np.zeros(len(schools))
        )
        for part, col in PART_STUDENTS.items()
    }
    weighted = {part: np.zeros(len(schools)) for part in PART_STUDENTS}
    for school_type, parts in weights.items():
        is_type = (stage == school_type).to_numpy(dtype=bool, na_value=False)
        for part, w in parts.items():
            weighted[part] = np.where(is_type, counts[part] * w, weighted[part])
    denominator = sum(weighted.values(), np.zeros(len(schools)))
    base = schools.drop(columns=[c for c in PART_STUDENTS.values() if c in schools])
    rows, part_no, shares, students = [], [], [], []
    for k, part in enumerate(stages):
        has = np.flatnonzero(weighted[part] > 0)
        rows.append(has)
        part_no.append(np.full(len(has), k))
        shares.append(weighted[part][has] / denominator[has])
        students.append(counts[part][has].astype(np.int64))
    row = np.concatenate(rows)
    # keep each school's parts together, in school order
    order = np.lexsort((np.concatenate(part_no), row))
    row = row[order]
    share = np.concatenate(shares)[order]
    out = base.iloc[row].reset_index(drop=True)
    part = pd.Categorical.from_codes(np.concatenate(part_no)[order], categories=list(stages))
    out.insert(out.columns.get_loc("stage") + 1, "part", part)
    out["students"] = np.concatenate(students)[order]
    for col in resources:
        out[col] = out[col].to_numpy(dtype=np.float64, na_value=np.nan) * share
    return out
