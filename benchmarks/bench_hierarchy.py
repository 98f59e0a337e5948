"""Hierarchy at national size: the shipped divisions plus ~38,000 synthetic townships.

Run: .venv/bin/python benchmarks/bench_hierarchy.py
Prints build time, the cost of single and vectorised lookups, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from dudao.io.divisions import load_divisions
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind, Level


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    rng = np.random.default_rng(2026)
    divisions = load_divisions()
    counties = [u for u in divisions if u.level is Level.COUNTY]
    per_county = rng.poisson(38_000 / len(counties), size=len(counties)).clip(1, 999)
    townships = [
        Jurisdiction(f"{c.code}{i:03d}", f"{c.name}第{i}镇", JurisdictionKind.TOWN, c.code)
        for c, n in zip(counties, per_county, strict=True)
        for i in range(1, n + 1)
    ]
    units = [*divisions, *townships]
    print(f"units: {len(units):,} ({len(townships):,} townships)")

    build = best(lambda: Hierarchy(units))
    h = Hierarchy(units)
    codes = h.codes()
    print(f"build + validate:          {build * 1000:8.1f} ms")

    picks = rng.choice(len(codes), size=(1000, 2))
    pairs = [(codes[a], codes[b]) for a, b in picks]
    lca = best(lambda: [h.lca(a, b) for a, b in pairs])
    print(f"lca x1,000:                {lca * 1000:8.1f} ms")
    contains = best(lambda: [h.contains(a, b) for a, b in pairs])
    print(f"contains x1,000:           {contains * 1000:8.1f} ms")

    column = np.array(codes)[rng.integers(0, len(codes), size=520_000)]
    many = best(lambda: h.contains_many("450000", column))
    print(f"contains_many 520,000 str: {many * 1000:8.1f} ms")
    categorical = pd.Series(column, dtype="category")
    many = best(lambda: h.contains_many("450000", categorical))
    print(f"  ... categorical column:  {many * 1000:8.1f} ms")
    desc = best(lambda: h.descendants("000000"))
    print(f"descendants(nation):       {desc * 1000:8.1f} ms")
    graph = best(lambda: Hierarchy(units).graph, repeat=1)
    print(f"networkx graph (on demand): {graph * 1000:7.1f} ms (incl. rebuild)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS:                  {peak:8.0f} MB")


if __name__ == "__main__":
    main()
