"""Benchmark :func:`dudao.io.tables.load_table` at national scale.

Writes a 520,000-row schools CSV and a 150,000-row inspectors CSV (deterministic,
NumPy RNG seed 2024) to a temporary directory, loads each three times and prints
the best time, rows per second and the peak resident set size. The files are
written by a child process, so the peak RSS printed is that of loading alone.
``--pandas-parser`` hides pyarrow's CSV reader to time the fallback parser.

    .venv/bin/python benchmarks/bench_tables.py [--schools N] [--inspectors N]
                                                [--pandas-parser]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dudao.io.tables import load_table
from dudao.model.people import AssessmentResult, InspectorKind
from dudao.model.schools import Ownership, Stage
from dudao.model.tables import INSPECTORS, SCHOOLS, TableSpec

SEED = 2024


def _counties(n: int = 2850) -> np.ndarray:
    # Plausible six-digit codes plus a few development zones without GB/T 2260 codes.
    codes = [f"{110000 + i * 137:06d}" for i in range(n - 3)]
    return np.array([*codes, "450100-gaoxin", "450100-jingkai", "430600-jingkai"])


def _pick_spelling(rng: np.random.Generator, enum: type, n: int) -> np.ndarray:
    """Enum cells as a real file has them: English values and Chinese labels mixed."""
    spellings = np.array([m.value for m in enum] + [m.label for m in enum], dtype=object)
    return spellings[rng.integers(0, len(spellings), n)]


def schools_frame(n: int, counties: np.ndarray, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    county = counties[rng.integers(0, len(counties), n)]
    ids = np.char.add(
        np.char.add(county.astype(str), "-"), np.char.zfill(np.arange(n).astype(str), 6)
    )
    township = np.char.add(county.astype(str), np.char.zfill(rng.integers(1, 40, n).astype(str), 3))
    township = np.where(rng.random(n) < 0.1, "", township)
    zone = np.where(rng.random(n) < 0.3, "", np.char.add("Z", rng.integers(1, 9000, n).astype(str)))
    return pd.DataFrame(
        {
            "school_id": ids,
            "name": np.char.add("学校", np.arange(n).astype(str)),
            "stage": _pick_spelling(rng, Stage, n),
            "ownership": _pick_spelling(rng, Ownership, n),
            "students": rng.integers(0, 4000, n),
            "county": county,
            "township": township,
            "zone": zone,
        }
    )


def inspectors_frame(n: int, counties: np.ndarray, seed: int = SEED + 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2015-01-01") + rng.integers(0, 3000, n).astype("timedelta64[D]")
    end = start + np.timedelta64(3 * 365, "D")
    trained = start - rng.integers(0, 200, n).astype("timedelta64[D]")

    def dates(values: np.ndarray, blank: float) -> np.ndarray:
        text = np.datetime_as_string(values, unit="D")
        return np.where(rng.random(n) < blank, "", text)

    hours = np.round(rng.gamma(4.0, 6.0, n), 1).astype(str)
    return pd.DataFrame(
        {
            "inspector_id": np.char.add("I", np.char.zfill(np.arange(n).astype(str), 7)),
            "name": np.char.add("督学", np.arange(n).astype(str)),
            "kind": _pick_spelling(rng, InspectorKind, n),
            "appointing": counties[rng.integers(0, len(counties), n)],
            "term_start": dates(start, 0.0),
            "term_end": dates(end, 0.4),
            "consecutive_terms": np.where(
                rng.random(n) < 0.2, "", rng.integers(1, 4, n).astype(str)
            ),
            "trained_on": dates(trained, 0.1),
            "training_hours": np.where(rng.random(n) < 0.1, "", hours),
            "zone": np.where(
                rng.random(n) < 0.3, "", np.char.add("Z", rng.integers(1, 9000, n).astype(str))
            ),
            "assessment_year": np.where(
                rng.random(n) < 0.5, "", rng.integers(2018, 2024, n).astype(str)
            ),
            "assessment": np.where(
                rng.random(n) < 0.5, "", _pick_spelling(rng, AssessmentResult, n)
            ),
        }
    )


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def bench(path: Path, spec: TableSpec, repeat: int = 3, **codes: object) -> pd.DataFrame:
    best = float("inf")
    df = pd.DataFrame()
    for _ in range(repeat):
        start = time.perf_counter()
        df = load_table(path, spec, **codes)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    size = path.stat().st_size / 2**20
    print(
        f"{spec.name:<11} {len(df):>8,} rows  {size:6.1f} MiB  best of {repeat}: {best:6.3f} s"
        f"  {len(df) / best:>12,.0f} rows/s  peak RSS {peak_rss_mib():7.1f} MiB"
    )
    return df


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=520_000)
    parser.add_argument("--inspectors", type=int, default=150_000)
    parser.add_argument("--pandas-parser", action="store_true", help="hide pyarrow.csv")
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    counties = _counties()
    if args.generate:  # the child process: write the files and exit
        out = Path(args.generate)
        schools_frame(args.schools, counties).to_csv(out / "schools.csv", index=False)
        inspectors_frame(args.inspectors, counties).to_csv(out / "inspectors.csv", index=False)
        return
    if args.pandas_parser:
        sys.modules["pyarrow.csv"] = None  # type: ignore[assignment]

    known = set(counties) | {"450000", "450100", "430600", "610500", "000000"}
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [f"--schools={args.schools}", f"--inspectors={args.inspectors}"]
        subprocess.run([sys.executable, __file__, *sizes, f"--generate={tmp}"], check=True)
        parser_name = "pandas C parser" if args.pandas_parser else "pyarrow CSV reader"
        print(
            f"pandas {pd.__version__}, numpy {np.__version__}, {parser_name}; "
            f"peak RSS before loading {peak_rss_mib():.1f} MiB"
        )
        bench(Path(tmp) / "schools.csv", SCHOOLS, county_codes=set(counties))
        bench(Path(tmp) / "inspectors.csv", INSPECTORS, known_codes=known)


if __name__ == "__main__":
    main()
