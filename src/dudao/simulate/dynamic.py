"""A yearly Monte Carlo model of supervision capacity, run from explicit seeds.

Each county starts from the scenario's data as of its date (schools, serving
inspectors, large schools, open findings) and the law in force there (schools per
inspector, the school comprehensive-supervision cycle). Every simulated year:

1. schools open (Poisson, ``simulate.school_open_rate`` × schools) and close
   (binomial, ``simulate.school_close_rate``);
2. inspectors leave (binomial, ``simulate.inspector_attrition``); the vacancies
   against the required number (⌈ordinary schools ÷ ratio⌉ + large schools) are
   filled with probability ``simulate.vacancy_fill_rate`` each;
3. the schools due a comprehensive supervision (⌈schools ÷ cycle⌉ plus last year's
   backlog) are supervised up to capacity (⌊inspectors ×
   ``simulate.inspections_per_inspector``⌋); the rest become the backlog (overdue);
4. each supervision finds problems (Poisson, ``simulate.findings_per_inspection``);
   open problems are rectified (binomial, ``simulate.rectify_probability``) and, of
   those not rectified, some are escalated with a 督办单 (binomial,
   ``simulate.escalate_probability``).

No document gives any of these rates: they are **sample values** (示例参数), set
per scope in a scenario or reform like any parameter (defaults in
:data:`DEFAULT_RATES`), and every output says so.

Run ``r`` of seed ``s`` draws from ``Generator(PCG64(SeedSequence(s, spawn_key=(r,))))``,
the ``r``-th child of ``SeedSequence(s).spawn``: a run's result does not depend on
which other runs share its task, its worker or its executor. The arithmetic is
vectorised over runs × counties; only the draws go run by run.

>>> import numpy as np
>>> inputs = DynamicInputs.build(
...     codes=["A", "B"], schools=[10, 20], inspectors=[2, 3], ratio=[5, 5], cycle=[5, 5])
>>> frame = simulate(inputs, seed=1, runs=range(3), years=2)
>>> frame[["run", "year", "schools", "required"]].shape
(6, 4)
>>> simulate(inputs, seed=1, runs=range(1, 2), years=2).equals(
...     frame[frame["run"] == 1].reset_index(drop=True))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from dudao.law.kinds import Kind
from dudao.lazyimports import np, pd
from dudao.model.jurisdiction import Level
from dudao.rules.national.staffing import serving
from dudao.simulate.compare import rollup

if TYPE_CHECKING:
    import datetime as dt

    from dudao.law.book import LawBook
    from dudao.simulate.reform import Reform
    from dudao.simulate.scenario import Scenario

#: Sample rates used where no scenario or reform sets them (示例参数, not official).
DEFAULT_RATES: dict[str, float] = {
    "simulate.school_open_rate": 0.01,
    "simulate.school_close_rate": 0.015,
    "simulate.inspector_attrition": 0.12,
    "simulate.vacancy_fill_rate": 0.5,
    "simulate.inspections_per_inspector": 1.2,
    "simulate.findings_per_inspection": 1.5,
    "simulate.rectify_probability": 0.6,
    "simulate.escalate_probability": 0.3,
}

#: Per-year metrics, summed over the counties of a group.
COUNTS = (
    "schools",
    "inspectors",
    "required",
    "shortfall",
    "due",
    "supervised",
    "overdue",
    "new_findings",
    "rectified",
    "escalated",
    "open_findings",
)

LABELS: dict[str, tuple[str, str]] = {
    "schools": ("学校数", "Schools"),
    "inspectors": ("在任督学", "Inspectors in post"),
    "required": ("应配督学", "Inspectors required"),
    "shortfall": ("督学缺口", "Inspector shortfall"),
    "due": ("应综合督导学校", "Schools due a comprehensive supervision"),
    "supervised": ("完成综合督导", "Comprehensive supervisions done"),
    "overdue": ("逾期未督导学校", "Schools overdue"),
    "new_findings": ("新发现问题", "New findings"),
    "rectified": ("整改到位", "Findings rectified"),
    "escalated": ("发督办单", "Findings escalated (督办单)"),
    "open_findings": ("未整改问题", "Open findings"),
    "coverage": ("周期内督导完成率", "Share of due supervisions done"),
}


def _array(values: Iterable[float], dtype: type = float) -> np.ndarray:
    return np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=dtype)


@attrs.frozen(eq=False)
class DynamicInputs:
    """Per-county starting state and rates (arrays aligned on ``codes``)."""

    codes: np.ndarray
    groups: np.ndarray
    schools: np.ndarray
    inspectors: np.ndarray
    large: np.ndarray
    ratio: np.ndarray
    cycle: np.ndarray
    open_findings: np.ndarray
    rates: Mapping[str, np.ndarray]
    sample_rates: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        codes: Sequence[str],
        schools: Sequence[int],
        inspectors: Sequence[int],
        ratio: Sequence[float],
        cycle: Sequence[float],
        large: Sequence[int] | None = None,
        open_findings: Sequence[int] | None = None,
        groups: Sequence[str] | None = None,
        rates: Mapping[str, float | Sequence[float]] | None = None,
    ) -> DynamicInputs:
        """Inputs written out by hand (tests, notebooks); unset rates take the sample
        defaults."""
        n = len(codes)
        full = {**DEFAULT_RATES, **(rates or {})}
        return cls(
            np.asarray(codes, dtype=object),
            np.asarray(groups if groups is not None else ["000000"] * n, dtype=object),
            _array(schools, np.int64),
            _array(inspectors, np.int64),
            _array(large if large is not None else [0] * n, np.int64),
            _array(ratio),
            _array(cycle),
            _array(open_findings if open_findings is not None else [0] * n, np.int64),
            {k: np.broadcast_to(_array(np.atleast_1d(v)), (n,)).copy() for k, v in full.items()},
            tuple(sorted(full)),
        )

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        reform: Reform | None = None,
        *,
        level: Level | str | None = None,
        findings: pd.DataFrame | None = None,
    ) -> DynamicInputs:
        """The scenario's counties under the baseline law or ``reform``. ``level`` groups
        the outputs (e.g. ``province``; default: the whole scope); ``findings`` (a
        findings or comparison table with ``jurisdiction`` and, optionally,
        ``findings`` counts) gives the open problems at the start."""
        law = scenario.law(reform)
        h, day, ds = scenario.hierarchy, scenario.as_of, scenario.dataset
        counties = [u.code for u in h.at_level(Level.COUNTY, within=scenario.scope)]
        schools = ds.schools
        county_of = schools["county"].astype(object)
        index = pd.Index(counties, dtype=object)
        n_schools = county_of.value_counts().reindex(index, fill_value=0).to_numpy()
        ratio = _param(law, "inspector.schools_per_inspector", index, day, np.nan)
        cycle = _param(law, "school.comprehensive_cycle_years", index, day, np.nan)
        threshold = pd.Series(
            _param(law, "inspector.large_school_students", index, day, np.nan), index=index
        )
        is_large = schools["students"].to_numpy() >= county_of.map(threshold).to_numpy(float)
        large = (
            pd.Series(is_large, index=county_of.to_numpy())
            .groupby(level=0)
            .sum()
            .reindex(index, fill_value=0)
            .to_numpy()
        )
        appointed = serving(scenario.context(law))["appointing"].astype(object)
        inspectors = appointed.value_counts().reindex(index, fill_value=0).to_numpy()
        open_findings = np.zeros(len(index), dtype=np.int64)
        if findings is not None and len(findings):
            at = rollup(h, findings["jurisdiction"], Level.COUNTY)
            weight = findings["findings"].to_numpy() if "findings" in findings else 1
            counts = pd.Series(weight, index=at).groupby(level=0).sum()
            open_findings = counts.reindex(index, fill_value=0).to_numpy(np.int64)
        rates, sample = {}, []
        for rid, default in DEFAULT_RATES.items():
            versions, which = law.resolve_many(Kind.PARAMETER, rid, index, day)
            values = np.array([float(e.value) for e in versions] + [default])[which]
            rates[rid] = values
            sample.append(rid)  # set or default, a simulation rate is always sample data
        groups = rollup(h, counties, level) if level is not None else np.full(len(index), "000000")
        return cls(
            np.asarray(counties, dtype=object),
            np.asarray(groups, dtype=object),
            n_schools.astype(np.int64),
            inspectors.astype(np.int64),
            large.astype(np.int64),
            ratio,
            cycle,
            open_findings,
            rates,
            tuple(sample),
        )

    def fingerprint(self) -> str:
        """A short hash of every input: a resumed sweep reuses results only when equal."""
        digest = hashlib.sha1()
        for name in ("codes", "groups"):
            digest.update("\x1f".join(map(str, getattr(self, name))).encode())
        for name in ("schools", "inspectors", "large", "ratio", "cycle", "open_findings"):
            digest.update(np.ascontiguousarray(getattr(self, name)).tobytes())
        for k in sorted(self.rates):
            digest.update(k.encode() + np.ascontiguousarray(self.rates[k]).tobytes())
        return digest.hexdigest()[:10]


def _param(law: LawBook, id: str, codes: pd.Index, day: dt.date, missing: float) -> np.ndarray:
    versions, which = law.resolve_many(Kind.PARAMETER, id, codes, day)
    values = np.array(
        [missing if e.value is None else float(e.value) for e in versions] + [missing]
    )
    out: np.ndarray = values[which]
    return out


def generators(seed: int, runs: Iterable[int]) -> list[np.random.Generator]:
    """One generator per run: the run-th child of ``SeedSequence(seed)``.

    >>> a = generators(7, [2])[0].random()
    >>> b = [np.random.default_rng(s) for s in np.random.SeedSequence(7).spawn(3)][2].random()
    >>> a == b
    True
    """
    return [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r,))) for r in runs]


def simulate(inputs: DynamicInputs, *, seed: int, runs: Iterable[int], years: int) -> pd.DataFrame:
    """Runs ``runs`` of seed ``seed`` for ``years`` years: one row per run, year (1 …)
    and group, with the :data:`COUNTS` summed over the group's counties and
    ``coverage`` (supervised ÷ due)."""
    runs = list(runs)
    gens = generators(seed, runs)
    r, c = len(runs), len(inputs.codes)
    # counties in group order once, so each yearly sum is a reduceat without a gather
    groups, group_of = np.unique(inputs.groups.astype(str), return_inverse=True)
    order = np.argsort(group_of, kind="stable")
    starts = np.searchsorted(group_of[order], np.arange(len(groups)))
    rate = {k: np.asarray(v)[order] for k, v in inputs.rates.items()}

    def each(draw: str, *args: np.ndarray) -> np.ndarray:
        # one row per run, from that run's own generator
        out = np.empty((r, c), dtype=np.int64)
        for i, g in enumerate(gens):
            out[i] = getattr(g, draw)(*(a[i] if a.ndim == 2 else a for a in args))
        return out

    schools = np.tile(inputs.schools[order], (r, 1))
    inspectors = np.tile(inputs.inspectors[order], (r, 1))
    open_ = np.tile(inputs.open_findings[order], (r, 1))
    backlog = np.zeros((r, c), dtype=np.int64)
    large_start = inputs.large[order]
    ratio, cycle = inputs.ratio[order], inputs.cycle[order]
    has_ratio, has_cycle = ~np.isnan(ratio), ~np.isnan(cycle)
    safe_ratio = np.where(has_ratio, ratio, 1.0)
    safe_cycle = np.where(has_cycle, cycle, 1.0)

    def by_group(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(x, starts, axis=1) if c else np.zeros((r, 0))

    frames = []
    for year in range(1, years + 1):
        opened = each("poisson", schools * rate["simulate.school_open_rate"])
        closed = each("binomial", schools, rate["simulate.school_close_rate"])
        schools = schools + opened - closed
        large = np.minimum(large_start, schools)
        ordinary = np.ceil((schools - large) / safe_ratio).astype(np.int64)
        required = np.where(has_ratio, ordinary + large, 0)
        leavers = each("binomial", inspectors, rate["simulate.inspector_attrition"])
        inspectors = inspectors - leavers
        vacancies = np.maximum(required - inspectors, 0)
        inspectors = inspectors + each("binomial", vacancies, rate["simulate.vacancy_fill_rate"])
        shortfall = np.maximum(required - inspectors, 0)
        quota = np.where(has_cycle, np.ceil(schools / safe_cycle), 0).astype(np.int64)
        due = quota + backlog
        capacity = np.floor(inspectors * rate["simulate.inspections_per_inspector"])
        supervised = np.minimum(due, capacity.astype(np.int64))
        backlog = due - supervised
        found = each("poisson", supervised * rate["simulate.findings_per_inspection"])
        rectified = each("binomial", open_, rate["simulate.rectify_probability"])
        escalated = each("binomial", open_ - rectified, rate["simulate.escalate_probability"])
        open_ = open_ - rectified + found
        values = {
            "schools": schools,
            "inspectors": inspectors,
            "required": required,
            "shortfall": shortfall,
            "due": due,
            "supervised": supervised,
            "overdue": backlog,
            "new_findings": found,
            "rectified": rectified,
            "escalated": escalated,
            "open_findings": open_,
        }
        summed = {k: by_group(v) for k, v in values.items()}
        g = len(groups)
        frame = pd.DataFrame(
            {
                "run": np.repeat(np.asarray(runs, dtype=np.int64), g),
                "year": year,
                "group": np.tile(groups, r),
                **{k: v.reshape(-1) for k, v in summed.items()},
            }
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["coverage"] = np.where(
                frame["due"] > 0, frame["supervised"] / frame["due"], np.nan
            )
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["run", "year", "group"], kind="stable").reset_index(drop=True)


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Groups summed into one ``group`` ("all") per scenario, seed, run and year, with
    ``coverage`` recomputed from the sums (a sum of intervals is not an interval)."""
    keys = [k for k in ("scenario", "seed", "run", "year") if k in frame]
    counts = [c for c in COUNTS if c in frame]
    out = frame.groupby(keys, sort=False)[counts].sum().reset_index()
    out.insert(len(keys), "group", "all")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["coverage"] = np.where(out["due"] > 0, out["supervised"] / out["due"], np.nan)
    return out


def summarize(frame: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Per scenario, year, group and metric: mean, sd, the 95% confidence interval of
    the mean (normal approximation) and the 2.5–97.5 percentile range across runs.

    >>> f = pd.DataFrame({"scenario": "b", "run": [0, 1, 2, 3], "year": 1, "group": "g",
    ...                   "schools": [1, 2, 3, 4]})
    >>> row = summarize(f, ["schools"]).iloc[0]
    >>> float(row["mean"]), int(row["runs"]), float(row["p2_5"]), float(row["p97_5"])
    (2.5, 4, 1.075, 3.925)
    """
    metrics = list(metrics or [m for m in (*COUNTS, "coverage") if m in frame])
    keys = [k for k in ("scenario", "year", "group") if k in frame]
    runs = [k for k in ("seed", "run") if k in frame]  # a run is a seed and its number
    long = frame.melt(id_vars=[*keys, *runs], value_vars=metrics, var_name="metric")
    grouped = long.groupby([*keys, "metric"], sort=True, observed=True)["value"]
    out = grouped.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "runs"})
    out["p2_5"] = grouped.quantile(0.025)
    out["p97_5"] = grouped.quantile(0.975)
    half = 1.959963984540054 * out["sd"].fillna(0) / np.sqrt(out["runs"].clip(lower=1))
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.reset_index()
