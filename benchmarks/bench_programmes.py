"""Programme records for every county: checking the rows and each county's status.

Every county-level unit of the national divisions (~2,850) works through both
national programmes: up to four stage records each (a failed stage redone now and
then), ~20,000 rows. Times :func:`programme_problems` (every row against the
programme in force for its unit) and :func:`programme_status` (each unit's current
stage), the work ``dudao programmes DATASET`` and ``dudao check`` do on load.

    .venv/bin/python benchmarks/bench_programmes.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from dudao.evaluation.programmes import DEFAULT_STAGES, programme_problems, programme_status
from dudao.io.tables import validate_table
from dudao.model.jurisdiction import Level
from dudao.model.tables import PROGRAMMES
from dudao.plugins.manager import load_plugins

DAY = dt.date(2024, 12, 31)


def records(counties: list[str], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for programme in ("quality_balanced", "universal_preschool"):
        reached = rng.integers(0, len(DEFAULT_STAGES) + 1, len(counties))
        for code, n in zip(counties, reached, strict=True):
            for k in range(n):
                rows.append((code, programme, DEFAULT_STAGES[k].id, "是", f"{2020 + k}-06-01"))
    frame = pd.DataFrame(rows, columns=["unit", "programme", "stage", "passed", "date"])
    return validate_table(frame, PROGRAMMES, source="programmes")


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    plugins = load_plugins(autoload=False)
    law = plugins.law_book()
    counties = [u.code for u in law.hierarchy if u.level is Level.COUNTY]
    table = records(counties)
    print(f"{len(counties)} counties, {len(table)} programme records")
    for name, run in (
        ("programme_problems", lambda: programme_problems(table, law, DAY)),
        ("programme_status", lambda: programme_status(table, law, DAY)),
    ):
        run()  # warm caches (hierarchy positions)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            out = run()
            times.append(time.perf_counter() - t)
        print(f"{name:<20} best of 3: {min(times):.3f} s  ({len(out)} results)")


if __name__ == "__main__":
    main()
