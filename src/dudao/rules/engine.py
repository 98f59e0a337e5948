"""Running the rules in force over a dataset and collecting findings.

:func:`run_rules` runs every rule in force on a :class:`~dudao.rules.base.Context`
(a dataset, its tree, the law, a date); loading a dataset folder and building its
law is the application layer's (:func:`dudao.api.check`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, cast

import attrs

from dudao.law.book import Conflict, Entry, LawBook, Region
from dudao.law.kinds import Kind
from dudao.law.parameters import sample_citation
from dudao.lazyimports import np, pd
from dudao.model.dataset import Dataset
from dudao.model.findings import FINDING_COLUMNS, Finding, Severity, TargetKind
from dudao.model.hierarchy import Hierarchy
from dudao.rules.base import Context, Rule

_RESERVED = {"target", "target_name", "jurisdiction", "ok", "citation", "severity"}


@attrs.frozen
class RuleRun:
    """How one version of a rule ran: where, on how many targets, or why it was skipped."""

    rule: str
    title: str
    plugin: str
    scope: str
    checked: int = 0
    failed: int = 0
    skipped: str | None = None


@attrs.define
class CheckResult:
    """Findings (a DataFrame with :data:`FINDING_COLUMNS`) and how each rule ran."""

    dataset: Dataset
    hierarchy: Hierarchy
    as_of: dt.date
    findings: pd.DataFrame
    runs: list[RuleRun]
    checks: dict[str, pd.DataFrame] = attrs.Factory(dict)
    law: LawBook | None = None  # the law the check applied (plugins + dataset parameters)
    #: Conflicts between plugins inside the dataset's scope: their targets were not judged.
    conflicts: list[Conflict] = attrs.Factory(list)

    @property
    def has_errors(self) -> bool:
        return bool((self.findings["severity"] == Severity.ERROR.value).any())

    def finding(self, i: int) -> Finding:
        row = self.findings.iloc[i]
        return Finding(**{c: row[c] for c in FINDING_COLUMNS})


def plain_value(value: Any) -> Any:
    """Evidence values as plain JSON-friendly Python."""
    # NaT first: it is also a datetime, and would print as "NaT"
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(col: pd.Series) -> list[Any] | None:
    """:func:`plain_value` of every value of a text, categorical or date column, found
    without a Python call per value; None for other columns."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.asarray(col.cat.codes)
        # not every zone of the country: those shown (counted, not sorted)
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(col.cat.categories)))
        text = np.full(len(col.cat.categories) + 1, None, dtype=object)
        shown = col.cat.categories[used]
        if isinstance(shown.dtype, pd.StringDtype):  # text needs no conversion
            text[used] = shown.to_numpy(dtype=object)
        else:
            text[used] = _ten_digits_any([plain_value(v) for v in shown.to_numpy(dtype=object)])
        return cast(list[Any], text[codes].tolist())
    if isinstance(col.dtype, pd.StringDtype):
        return cast(list[Any], col.to_numpy(dtype=object, na_value=None).tolist())
    if col.dtype != object:
        return None
    kind = pd.api.types.infer_dtype(col, skipna=True)
    if kind == "string":  # str values and missing ones (None, NaN, NA)
        values = col.to_numpy(dtype=object)
        return cast(
            list[Any], np.where(pd.isna(values), np.array(None, dtype=object), values).tolist()
        )
    if kind == "date":  # datetime.date (not datetime) values and missing ones
        codes, days = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=True)
        return cast(
            list[Any],
            np.array([d.isoformat() for d in days] + [None], dtype=object)[codes].tolist(),
        )
    return None


def ten_digits(v: float) -> float:
    """A float as evidence shows it: 10 decimals (10 significant digits below 1e-15 and
    from 1e16 on), as JSON output always has (pandas' ``double_precision=10``):
    arithmetic noise such as 10.100000000000001 is not evidence.

    >>> ten_digits(10.100000000000001), ten_digits(2 / 3), ten_digits(1e20 / 3)
    (10.1, 0.6666666667, 3.333333333e+19)
    """
    if v != v or v in (float("inf"), float("-inf")):
        return v
    if v == 0 or 1e-15 <= abs(v) < 1e16:
        return round(v, 10)
    return float(f"{v:.10g}")


def _ten_digits_all(values: np.ndarray) -> list[Any]:
    """:func:`ten_digits` of every float of an array, as Python floats (NaN kept). Told
    in one vectorised test for nearly all: where NumPy's rounding to 10 decimals leaves
    a value of magnitude below 2**17 (and not below 1e-15) unchanged, Python's correctly
    rounded ``round`` does too (the value is then within a third of a unit in the 10th
    decimal of a representable multiple of it), so only the others go through Python."""
    a = values.astype(np.float64, copy=False)
    out: list[Any] = a.tolist()
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.abs(a)
        unchanged = (np.round(a, 10) == a) & (size < 2**17) & ((size >= 1e-15) | (a == 0))
    for i in np.flatnonzero(~unchanged).tolist():
        out[i] = ten_digits(out[i])
    return out


def _ten_digits_any(values: list[Any]) -> list[Any]:
    """:func:`ten_digits` of the floats among plain values; the others as they are."""
    return [ten_digits(v) if type(v) is float else v for v in values]


def _evidence(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Evidence dicts for each row, converted a column at a time (tens of thousands of
    findings would otherwise mean hundreds of thousands of per-value conversions).
    Floats are shown to 10 decimals (:func:`ten_digits`)."""
    values = []
    for c in columns:
        col = frame[c]
        plain = _plain(col)
        if plain is not None:
            values.append(plain)
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            text = col.dt.strftime("%Y-%m-%d").astype(object)
            values.append(text.where(col.notna(), None).tolist())
        elif pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_integer_dtype(col.dtype):
            values.append(
                [plain_value(v) for v in col.astype(object)]
                if col.hasnans
                else col.to_numpy().tolist()
            )
        elif pd.api.types.is_float_dtype(col.dtype) and not col.hasnans:
            values.append(_ten_digits_all(col.to_numpy()))
        elif pd.api.types.is_float_dtype(col.dtype) and col.dtype == np.float64:
            values.append([None if v != v else v for v in _ten_digits_all(col.to_numpy())])
        else:
            values.append(_ten_digits_any([plain_value(v) for v in col.to_numpy(dtype=object)]))
    if not values:
        return [{} for _ in range(len(frame))]
    return list(map(_dict_maker(tuple(columns)), *values))


@functools.lru_cache(maxsize=256)
def _dict_maker(keys: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function of len(keys) values returning the dict of keys to them: a dict display
    built once per set of columns makes tens of thousands of rows' dicts about three times
    faster than ``dict(zip(keys, row))`` (namedtuple and attrs generate code alike)."""
    if not all(isinstance(k, str) for k in keys):
        return lambda *row: dict(zip(keys, row, strict=True))
    args = ", ".join(f"v{i}" for i in range(len(keys)))
    body = ", ".join(f"{k!r}: v{i}" for i, k in enumerate(keys))
    made = eval(f"lambda {args}: {{{body}}}")  # keys are repr()-quoted text, nothing else
    return cast(Callable[..., dict[str, Any]], made)


def _overlaps_scope(hierarchy: Hierarchy, a: str, b: str) -> bool:
    return hierarchy.contains(a, b) or hierarchy.contains(b, a)


class _Names:
    """Target names for findings, each table's names taken once per run (not once per
    rule)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._names: dict[TargetKind, tuple[pd.Index, np.ndarray]] = {}

    def __call__(self, kind: TargetKind, targets: pd.Series) -> pd.Series:
        ds = self.ctx.dataset
        table, key = {
            TargetKind.SCHOOL: (ds.schools, "school_id"),
            TargetKind.INSPECTOR: (ds.inspectors, "inspector_id"),
            TargetKind.ZONE: (ds.zones, "zone_id"),
        }.get(kind, (None, None))
        if table is not None:
            if kind not in self._names:  # the last name: no such target
                names = np.append(table["name"].to_numpy(dtype=object), "")
                self._names[kind] = (pd.Index(table[key].to_numpy(dtype=object)), names)
            ids, names = self._names[kind]
            # the ids' hash table is built once; each rule looks up only its failing rows
            at = ids.get_indexer(targets.to_numpy(dtype=object))
            return pd.Series(names[at], index=targets.index)
        h = self.ctx.hierarchy
        return targets.map(lambda c: h.get(c).name if c in h else c)


def run_rules(ctx: Context, *, only: set[str] | None = None) -> CheckResult:
    """Run every rule in force (or those in ``only``) and collect the findings."""
    runs: list[RuleRun] = []
    checks: dict[str, pd.DataFrame] = {}
    # targets where two plugins' law conflicts cannot be judged: left out, and the
    # conflicts reported with the result
    conflicts = [
        c
        for c in ctx.law.conflicts_on(ctx.as_of)
        if _overlaps_scope(ctx.hierarchy, c.scope, ctx.scope)
    ]
    scope_region = Region(ctx.hierarchy, ctx.scope, tuple(sorted({c.scope for c in conflicts})))
    names = _Names(ctx)
    found: list[dict[str, np.ndarray]] = []  # each failing rule version's findings
    for rule_id in ctx.law.ids(Kind.RULE):
        if only is not None and rule_id not in only:
            continue
        for entry, region in ctx.law.regions(Kind.RULE, rule_id, ctx.as_of):
            rule: Rule | None = entry.value
            if rule is None or region.empty:  # switched off here, or overridden everywhere
                continue
            run = RuleRun(rule.id, rule.title, entry.origin.plugin, entry.scope)
            if not _overlaps_scope(ctx.hierarchy, region.scope, ctx.scope):
                continue
            missing = [_need_label(t) for t in rule.needs if not ctx.dataset.provides(t)]
            if missing:
                runs.append(attrs.evolve(run, skipped=f"数据集中没有 {'、'.join(missing)}"))
                continue
            # a region's own rule reads its own copy of the tables: nothing it does can
            # change what another region's rules read
            own = (
                ctx
                if entry.origin.plugin == "national"
                else attrs.evolve(ctx, dataset=ctx.dataset.isolated())
            )
            frame = rule.check(own, region)
            keep = region.intersect(scope_region).mask(frame["jurisdiction"])
            frame = (frame if keep.all() else frame.loc[keep]).reset_index(drop=True)
            checks[f"{rule_id}@{entry.scope}"] = frame
            failing = frame.loc[~frame["ok"].astype(bool)]
            runs.append(attrs.evolve(run, checked=len(frame), failed=len(failing)))
            if len(failing):
                found.append(_findings(rule, entry, failing, names))
    return CheckResult(
        ctx.dataset, ctx.hierarchy, ctx.as_of, _sorted(found), runs, checks, ctx.law, conflicts
    )


def _sorted(found: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The findings of every rule version in one frame, by jurisdiction, rule and
    target; ties keep their order. One frame is built, of columns joined and sorted
    as arrays: a frame per rule version, concatenated and then sorted, cost more than
    the findings of most rules (a few milliseconds each)."""
    if not found:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS})
    columns = {c: np.concatenate([f[c] for f in found]) for c in FINDING_COLUMNS}
    # a stable sort on integer codes in text order: tens of thousands of strings
    # compared once each, not per pair
    keys = [_text_order(columns[c]) for c in ("target", "rule", "jurisdiction")]
    order = np.lexsort(keys)
    # object columns kept as they are (pandas would make Arrow text of them)
    return pd.DataFrame({c: values[order] for c, values in columns.items()}, dtype=object)


def _need_label(need: str) -> str:
    """What a rule needs, in words: ``visits`` → "visits 表";
    ``supervisions.report_date`` → "supervisions 表的 report_date 列"."""
    table, _, column = need.partition(".")
    return f"{table} 表的 {column} 列" if column else f"{table} 表"


def _marked_citations(failing: pd.DataFrame, default_cite: str) -> Any:
    """Each failing row's citation; a row that rests on a sample value (its
    ``sample_parameters`` evidence) says so beside it, never citing a document alone
    for a number the document does not give."""
    if "citation" in failing:
        cites: Any = _texts(failing["citation"])
        cites = np.where(cites == "", np.array(default_cite, dtype=object), cites)
    else:
        cites = default_cite
    if "sample_parameters" not in failing:
        return cites
    sample = failing["sample_parameters"].fillna(False).astype(bool).to_numpy()
    if not sample.any():
        return cites
    out = (
        np.array(cites, dtype=object)
        if not isinstance(cites, str)
        else np.full(len(failing), cites, dtype=object)
    )
    out[sample] = [sample_citation(c, True, rests_on=True) for c in out[sample]]
    return out


def _texts(column: pd.Series) -> np.ndarray:
    """A column's values as text in an object array (what ``astype(str)`` shows). A
    categorical of texts has its few categories converted and taken by its codes, not
    a text made for every row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if isinstance(categories.dtype, pd.StringDtype) or (
            categories.dtype == object and pd.api.types.infer_dtype(categories) == "string"
        ):
            texts = np.append(categories.to_numpy(dtype=object), np.nan)  # missing: -1
            return cast(np.ndarray, texts[np.asarray(column.cat.codes)])
    return cast(np.ndarray, column.astype(str).to_numpy(dtype=object))


def _text_order(values: np.ndarray) -> np.ndarray:
    """Integer codes of an object column in the order of its values (missing: -1), as
    ``pd.factorize(values, sort=True)`` gives them. Texts are told apart by hashing and
    only the distinct ones sorted, as fixed-width NumPy text compared in C: sorting
    74,000 distinct targets as Python strings took three times as long. NumPy text
    compares code points as Python does, but drops trailing NUL characters: a column
    with a NUL, or with anything but texts, is sorted as Python objects.

    >>> _text_order(np.array(["b", None, "a", "b", "ab"], dtype=object)).tolist()
    [2, -1, 0, 2, 1]
    """
    codes, distinct = pd.factorize(values)
    if not all(type(v) is str for v in distinct) or "\0" in "".join(distinct):
        return cast(np.ndarray, pd.factorize(values, sort=True)[0])
    rank = np.full(len(distinct) + 1, -1, dtype=np.int64)  # the last: a missing value's
    rank[np.argsort(np.array(distinct, dtype=str), kind="stable")] = np.arange(len(distinct))
    return cast(np.ndarray, rank[codes])


def _objects(values: Any, n: int) -> np.ndarray:
    """A findings column as an object array: a text repeated ``n`` times, a list, an
    array."""
    if isinstance(values, str):
        return np.full(n, values, dtype=object)
    if isinstance(values, list):  # of texts or dicts: never read as nested sequences
        return np.fromiter(values, dtype=object, count=n)  # (slice assignment inspects each)
    return np.asarray(values, dtype=object)


def _findings(
    rule: Rule, entry: Entry, failing: pd.DataFrame, names: _Names
) -> dict[str, np.ndarray]:
    """The findings of one rule version: its failing rows as :data:`FINDING_COLUMNS`."""
    evidence_cols = [c for c in failing.columns if c not in _RESERVED]
    message, message_en = rule.messages(failing)
    default_cite = entry.citation_text()
    n = len(failing)
    # object columns, not Arrow text: the findings of all rules are concatenated, sorted
    # (a take) and read back value by value for output; Arrow text would be built from
    # these Python strings only to be copied by the sort and turned back into them
    columns = {
        "rule": rule.id,
        "severity": (
            failing["severity"].astype(str).to_numpy(dtype=object)
            if "severity" in failing
            else rule.severity.value
        ),
        "target_kind": rule.target_kind.value,
        "target": _texts(failing["target"]),
        "target_name": (
            _texts(failing["target_name"])
            if "target_name" in failing
            else names(rule.target_kind, failing["target"].astype(str)).to_numpy(dtype=object)
        ),
        "jurisdiction": _texts(failing["jurisdiction"]),
        "message": message,
        "message_en": message_en,
        "citation": _marked_citations(failing, default_cite),
        "evidence": _evidence(failing, evidence_cols),
        "plugin": entry.origin.plugin,
    }
    return {c: _objects(columns[c], n) for c in FINDING_COLUMNS}
