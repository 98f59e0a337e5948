"""Static comparison: the baseline and one or more reforms on the same day.

:func:`compare` checks the scenario under the baseline law and under each reform
and returns a :class:`Comparison` of tidy DataFrames (one row per observation,
a ``scenario`` column naming ``baseline`` or the reform):

* ``findings``: findings per jurisdiction and rule;
* ``staffing``: per county, schools, inspectors required and serving, the shortfall
  and, where a pay parameter (``simulate.inspector_annual_cost``, sample data) is
  given, the annual cost of filling it;
* ``programmes``: per evaluated county and indicator set, score, total, grade,
  pass/fail and rank (when the scenario has evaluation data);
* ``ranks``: per reform and set, the Spearman and Kendall rank correlations with the
  baseline and how many counties changed rank or pass/fail.

:meth:`Comparison.by_level` rolls findings and staffing up to provinces,
prefectures or counties; :meth:`Comparison.changes` puts baseline and reforms side
by side. By default only the rules a reform can change are run (those whose rule
entries or declared parameters differ, plus the staffing rule); the others give the
same findings under every scenario.

>>> from dudao.examples import example_path
>>> from dudao.simulate.scenario import Scenario
>>> sc = Scenario.load(example_path("nanning"))
>>> four = Reform("ratio-4", "督学配比 1:4").set_parameter(
...     "inspector.schools_per_inspector", 4, scope="450000")
>>> result = compare(sc, [four])
>>> sorted(result.rules)
['inspector-staffing']
>>> totals = result.staffing.groupby("scenario")["required"].sum()
>>> bool(totals["ratio-4"] > totals["baseline"])
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.national import DERIVED_PREFIXES, evaluate_quality_balanced
from dudao.evaluation.score import Evaluation, evaluate
from dudao.law.book import Entry, LawBook
from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level
from dudao.rules.base import Rule
from dudao.rules.engine import CheckResult
from dudao.simulate.reform import Reform
from dudao.simulate.scenario import STAFFING_RULE, Scenario

BASELINE = "baseline"
PAY = "simulate.inspector_annual_cost"
# a reform's name labels its results and names its files (a sweep's tasks): one path
# component, never "..", "/" or a hidden file. \w is Unicode: 汉字 are letters.
REFORM_NAME = re.compile(r"\w[\w.=,+-]{0,59}")


def check_reform_names(reforms: Sequence[Reform]) -> None:
    """Every reform's name can label results and name a file inside the output folder,
    and no two are the same or ``baseline``; all problems at once."""
    problems = [
        Problem(
            f"改革名称 {r.name!r} 不能用作方案名",
            source=r.source,
            path=("name",),
            code="invalid-reform-name",
            hint="name 只用汉字、字母、数字和 - _ . = , +，以汉字、字母或数字开头，"
            "不超过 60 个字符，如 ratio-1-4-guangxi；中文说明写在 title",
        )
        for r in reforms
        if not REFORM_NAME.fullmatch(r.name)
    ]
    names = [r.name for r in reforms]
    if len(set(names)) != len(names) or BASELINE in names:
        problems.append(
            Problem(
                "改革名称重复或使用了保留名 baseline：" + "、".join(map(repr, names)),
                code="duplicate-reform",
                hint="每个改革的 name 须不同，且不能是 baseline",
            )
        )
    if problems:
        raise DudaoError(problems)


# ------------------------------------------------------------- which rules


def _versions(book: LawBook, kind: Kind) -> dict[str, list[Entry]]:
    return {i: book.versions(kind, i) for i in book.ids(kind)}


def affected_rules(baseline: LawBook, reformed: LawBook) -> set[str]:
    """Rules whose result may differ: their own entries differ, or an entry of a
    parameter they declare (:attr:`Rule.parameters`) does."""
    rules_a, rules_b = _versions(baseline, Kind.RULE), _versions(reformed, Kind.RULE)
    out = {i for i in rules_a.keys() | rules_b.keys() if rules_a.get(i) != rules_b.get(i)}
    params_a, params_b = _versions(baseline, Kind.PARAMETER), _versions(reformed, Kind.PARAMETER)
    changed = {i for i in params_a.keys() | params_b.keys() if params_a.get(i) != params_b.get(i)}
    for rule_id, versions in rules_b.items():
        for entry in versions:
            rule = entry.value if isinstance(entry.value, Rule) else entry.detail
            if isinstance(rule, Rule) and changed & set(rule.parameters):
                out.add(rule_id)
    return out


# ----------------------------------------------------------- roll-ups


def rollup(hierarchy: Hierarchy, codes: Iterable[str], level: Level | str | None) -> np.ndarray:
    """Each code's unit at ``level`` (the code itself when it is not below that level,
    or unknown to the hierarchy). ``None`` keeps the codes."""
    codes = np.asarray(list(codes), dtype=object)
    if level is None:
        return codes
    level = Level.parse(level) if isinstance(level, str) else level
    uniques, inverse = np.unique(codes.astype(str), return_inverse=True)
    mapped = np.array(
        [
            (u.code if (u := hierarchy.ancestor_at(c, level)) is not None else c)
            if c in hierarchy
            else c
            for c in uniques
        ],
        dtype=object,
    )
    return mapped[inverse.reshape(-1)] if len(uniques) else codes


def _names(hierarchy: Hierarchy, codes: pd.Series) -> pd.Series:
    lookup = {c: hierarchy.get(c).name if c in hierarchy else c for c in codes.unique()}
    return codes.map(lookup)


# ------------------------------------------------------------- statistics


def kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b (ties counted as in scipy), in blocks of rows: n² pairs but no
    n² matrix held at once.

    >>> kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 2, 4, 3]))
    0.6666666666666666
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < 2:
        return float("nan")
    concordant = tied_x = tied_y = 0.0
    block = max(1, 2_000_000 // n)
    for lo in range(0, n, block):
        dx = np.sign(x[lo : lo + block, None] - x[None, :])
        dy = np.sign(y[lo : lo + block, None] - y[None, :])
        concordant += float((dx * dy).sum())
        tied_x += float((dx == 0).sum())
        tied_y += float((dy == 0).sum())
    pairs = n * (n - 1)  # ordered pairs; the diagonal is a tie in both
    tied_x -= n
    tied_y -= n
    denom = np.sqrt((pairs - tied_x) * (pairs - tied_y))
    return float(concordant / denom) if denom else float("nan")


def spearman_rho(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson's correlation of average ranks.

    >>> round(spearman_rho(np.array([1, 2, 3, 4]), np.array([1, 2, 4, 3])), 12)
    0.8
    """
    rx = pd.Series(x).rank().to_numpy()
    ry = pd.Series(y).rank().to_numpy()
    if len(rx) < 2 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


# ------------------------------------------------------------- the result


@attrs.frozen
class Comparison:
    """Baseline vs reforms (see the module docstring). All frames are tidy."""

    scenarios: tuple[str, ...]
    findings: pd.DataFrame
    staffing: pd.DataFrame
    programmes: pd.DataFrame
    ranks: pd.DataFrame
    rules: frozenset[str]
    hierarchy: Hierarchy = attrs.field(repr=False)
    titles: dict[str, str] = attrs.field(factory=dict)

    def by_level(
        self, what: Literal["findings", "staffing"], level: Level | str | None
    ) -> pd.DataFrame:
        """``findings`` or ``staffing`` summed per jurisdiction at ``level``."""
        frame = getattr(self, what)
        frame = frame.assign(jurisdiction=rollup(self.hierarchy, frame["jurisdiction"], level))
        keys = ["scenario", "jurisdiction"] + (["rule"] if what == "findings" else [])
        numeric = [
            c
            for c in frame.columns
            if c not in keys and pd.api.types.is_numeric_dtype(frame[c]) and c != "cost_sample"
        ]
        out = frame.groupby(keys, sort=True, observed=True)[numeric].sum(min_count=1)
        out = out.reset_index()
        if "cost_sample" in frame:
            flag = frame.groupby(keys, observed=True)["cost_sample"].any().reset_index(drop=True)
            out["cost_sample"] = flag.to_numpy()
        out.insert(2, "name", _names(self.hierarchy, out["jurisdiction"]).to_numpy())
        return out

    def changes(
        self,
        what: Literal["findings", "staffing", "programmes"] = "findings",
        value: str | None = None,
        level: Level | str | None = None,
    ) -> pd.DataFrame:
        """Baseline and each reform side by side, with ``<reform>_change`` columns."""
        if what == "programmes":
            frame, keys = self.programmes, ["set", "target", "year"]
            value = value or "total"
        else:
            frame = self.by_level(what, level)
            keys = ["jurisdiction", "name"] + (["rule"] if what == "findings" else [])
            value = value or ("findings" if what == "findings" else "shortfall")
        wide = frame.pivot_table(
            index=keys, columns="scenario", values=value, aggfunc="sum", observed=True
        )
        wide = wide.reindex(columns=list(self.scenarios)).fillna(0)
        if pd.api.types.is_integer_dtype(frame[value]):  # counts stay counts
            wide = wide.astype("int64")
        wide = wide.reset_index()
        wide.columns.name = None
        for s in self.scenarios[1:]:
            wide[f"{s}_change"] = wide[s] - wide[BASELINE]
        return wide

    def to_parquet(self, folder: str | Path) -> list[Path]:
        """Write each table as ``<name>.parquet`` in ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in ("findings", "staffing", "programmes", "ranks"):
            frame = getattr(self, name)
            path = folder / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            written.append(path)
        return written


# -------------------------------------------------------------- comparing


def compare(
    scenario: Scenario,
    reforms: Sequence[Reform],
    *,
    rules: Literal["affected", "all"] | Iterable[str] = "affected",
) -> Comparison:
    """Check the scenario under its baseline law and each reform; see the module
    docstring for the tables. ``rules``: ``"affected"`` (default), ``"all"``, or ids."""
    check_reform_names(reforms)
    base = scenario.law()
    books = [r.apply(base, scenario.as_of) for r in reforms]
    if rules == "affected":
        affected = {STAFFING_RULE}
        for book in books:
            affected |= affected_rules(base, book)
        only: set[str] | None = affected
    elif rules == "all":
        only = None
    else:
        only = set(rules) | {STAFFING_RULE}
    labelled: list[tuple[str, LawBook, CheckResult]] = [(BASELINE, base, scenario.check(only=only))]
    for reform, book in zip(reforms, books, strict=True):
        labelled.append((reform.name, book, scenario.check(reform, only=only)))

    findings = pd.concat([_findings(s, r) for s, _, r in labelled], ignore_index=True)
    staffing = pd.concat(
        [_staffing(s, book, r, scenario) for s, book, r in labelled], ignore_index=True
    )
    programmes = _programmes(scenario, [(s, book) for s, book, _ in labelled])
    ranks = _rank_summary(programmes, [s for s, _, _ in labelled])
    ran = {run.rule for _, _, r in labelled for run in r.runs}
    return Comparison(
        tuple(s for s, _, _ in labelled),
        findings,
        staffing,
        programmes,
        ranks,
        frozenset(ran if only is None else only & (ran | only)),
        scenario.hierarchy,
        {BASELINE: "基线", **{r.name: r.label for r in reforms}},
    )


def _findings(scenario: str, result: CheckResult) -> pd.DataFrame:
    f = result.findings
    counts = (
        pd.DataFrame(
            {
                "jurisdiction": f["jurisdiction"].astype(str).to_numpy(),
                "rule": f["rule"].astype(str).to_numpy(),
                "severity": f["severity"].astype(str).to_numpy(),
            }
        )
        .groupby(["jurisdiction", "rule", "severity"], sort=True)
        .size()
        .rename("findings")
        .reset_index()
    )
    counts.insert(0, "scenario", scenario)
    return counts


def _staffing(scenario: str, law: LawBook, result: CheckResult, sc: Scenario) -> pd.DataFrame:
    frames = [f for key, f in result.checks.items() if key.split("@")[0] == STAFFING_RULE]
    columns = ["schools", "large_schools", "required", "actual", "shortfall"]
    if not frames or not any(len(f) for f in frames):
        return pd.DataFrame(
            {"scenario": pd.Series([], dtype=object), "jurisdiction": pd.Series([], dtype=object)}
            | {c: pd.Series([], dtype="int64") for c in columns}
        )
    checks = pd.concat([f for f in frames if len(f)], ignore_index=True)
    out = pd.DataFrame({"scenario": scenario, "jurisdiction": checks["jurisdiction"].astype(str)})
    for c in columns:
        out[c] = checks[c].to_numpy().astype("int64")
    out["schools_per_inspector"] = checks["schools_per_inspector"].to_numpy(dtype=float)
    versions, which = law.resolve_many(Kind.PARAMETER, PAY, out["jurisdiction"], sc.as_of)
    if versions:
        pay = np.array([float(e.value) for e in versions] + [np.nan])[which]
        sample = np.array([e.sample for e in versions] + [False])[which]
        out["annual_cost"] = out["shortfall"].to_numpy() * pay
        out["cost_sample"] = sample
    return out.sort_values("jurisdiction", kind="stable").reset_index(drop=True)


def _evaluate_group(
    s: IndicatorSet, table: pd.DataFrame, schools: pd.DataFrame | None
) -> Evaluation:
    if any(c.startswith(DERIVED_PREFIXES) for c in s.columns()) and schools is not None:
        return evaluate_quality_balanced(schools, table, s)
    return evaluate(s, table)


def _programmes(sc: Scenario, books: list[tuple[str, LawBook]]) -> pd.DataFrame:
    columns = ["scenario", "set", "target", "year", "score", "total", "grade", "passed", "rank"]
    data = sc.evaluation
    if data is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frames = []
    table = data.measurements.reset_index(drop=True)
    targets = table["target"].astype(str)
    # a target the tree does not know is governed by the national version
    known = targets.map(lambda c: c in sc.hierarchy).to_numpy(dtype=bool)
    lookup = targets.where(known, "000000")
    for scenario, book in books:
        for set_id in data.sets:
            versions, which = book.resolve_many(Kind.INDICATOR_SET, set_id, lookup, sc.as_of)
            if not versions:
                raise DudaoError(
                    Problem(f"指标体系 {set_id} 在 {sc.as_of} 没有有效版本", code="unknown-set")
                )
            parts = []
            for i, entry in enumerate(versions):
                rows = np.flatnonzero(which == i)
                if not len(rows):
                    continue
                ev = _evaluate_group(entry.value, table.iloc[rows], data.schools)
                scores = ev.scores
                failing = entry.value.grades[-1].label
                part = pd.DataFrame(
                    {
                        "target": scores["target"].astype(str).to_numpy(),
                        "year": scores["year"].to_numpy() if "year" in scores else 0,
                        "score": scores["score"].to_numpy(float),
                        "total": scores["total"].to_numpy(float),
                        "grade": scores["grade"].astype(str).to_numpy(),
                        "passed": (scores["grade"].astype(str) != failing).to_numpy(),
                        "_failed": (scores["vetoed"] | scores["required_failed"]).to_numpy(),
                    }
                )
                parts.append(part)
            frame = pd.concat(parts, ignore_index=True)
            # ranks across every target (the versions scored them in groups)
            key = frame["total"].where(~frame["_failed"], frame["total"] - 1e12)
            frame["rank"] = key.groupby(frame["year"]).rank(ascending=False, method="min")
            frame["rank"] = frame["rank"].astype(int)
            frame = frame.drop(columns="_failed")
            frame.insert(0, "set", set_id)
            frame.insert(0, "scenario", scenario)
            frames.append(frame.sort_values(["year", "target"], kind="stable"))
    return pd.concat(frames, ignore_index=True)[columns]


def _rank_summary(programmes: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    columns = [
        "scenario",
        "set",
        "targets",
        "spearman",
        "kendall",
        "rank_changed",
        "passed_baseline",
        "passed",
        "newly_failed",
        "newly_passed",
    ]
    rows = []
    if len(programmes):
        for set_id, per_set in programmes.groupby("set", sort=True):
            base = per_set[per_set["scenario"] == BASELINE].set_index(["target", "year"])
            for s in scenarios[1:]:
                other = per_set[per_set["scenario"] == s].set_index(["target", "year"])
                other = other.reindex(base.index)
                rows.append(
                    {
                        "scenario": s,
                        "set": set_id,
                        "targets": len(base),
                        "spearman": spearman_rho(base["rank"], other["rank"]),
                        "kendall": kendall_tau(base["rank"], other["rank"]),
                        "rank_changed": int((base["rank"] != other["rank"]).sum()),
                        "passed_baseline": int(base["passed"].sum()),
                        "passed": int(other["passed"].sum()),
                        "newly_failed": int((base["passed"] & ~other["passed"]).sum()),
                        "newly_passed": int((~base["passed"] & other["passed"]).sum()),
                    }
                )
    return pd.DataFrame(rows, columns=columns)
