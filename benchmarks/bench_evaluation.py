"""优质均衡 for every county of the national synthetic dataset.

By default a child process runs ``dudao synth --scale national --seed 1`` (or give
``--dataset DIR``, a folder it wrote): its ``measurements`` and ``school_resources``
(the primary, junior and combined schools of the 520,000, ~208,000 with their
stage parts) are read with the evaluation's own loader. ``--random`` draws the older
benchmark's table instead (520,000 schools, all primary/junior/九年一贯制). Times the
whole county evaluation (median of ``--repeat``): splitting combined schools, the
6-of-7 rule per school, the 14 student-weighted CVs per county and the county set.

    .venv/bin/python benchmarks/bench_evaluation.py [--dataset DIR] [--repeat 5] [--random]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dudao.evaluation.measurements import load_dataset
from dudao.evaluation.national import evaluate_quality_balanced, national_sets

N_SCHOOLS = 520_000
N_COUNTIES = 2_850


def synthetic(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    county = rng.integers(0, N_COUNTIES, N_SCHOOLS)
    codes = np.array([f"{100000 + i:06d}" for i in range(N_COUNTIES)])
    stage = rng.choice(np.array(["primary", "junior", "nine_year"]), N_SCHOOLS, p=[0.7, 0.2, 0.1])
    prim = np.where(stage != "junior", rng.integers(50, 2000, N_SCHOOLS), 0)
    jun = np.where(stage != "primary", rng.integers(50, 2000, N_SCHOOLS), 0)
    weighted = prim + 1.1 * jun
    # resource level: a county's own level times a school's spread around it
    level = rng.uniform(0.9, 1.6, N_COUNTIES)
    quality = (level[county] * rng.normal(1.0, 0.06, N_SCHOOLS)).clip(0.2)

    def per(rate: float) -> np.ndarray:
        return np.round(weighted * rate * quality * rng.uniform(0.9, 1.1, N_SCHOOLS), 1)

    schools = pd.DataFrame(
        {
            "school_id": np.arange(N_SCHOOLS).astype(str),
            "county": pd.Categorical(codes[county]),
            "stage": pd.Categorical(stage),
            "primary_students": prim,
            "junior_students": jun,
            "senior_students": 0,
            "teaching_point": 0,
            "teachers_above_degree": per(0.05),
            "key_teachers": per(0.011),
            "pe_arts_teachers": per(0.01),
            "teaching_area": per(5.5),
            "sports_area": per(9.0),
            "equipment_value": per(2400),
            "multimedia_rooms": per(0.025),
        }
    )
    s = national_sets()["quality_balanced"]
    derived = ("cv_", "schools_unmet_")
    cols = [c for c in s.columns() if not c.startswith(derived)]
    counties = pd.DataFrame({c: np.full(N_COUNTIES, 1.0) for c in cols})
    counties = counties.assign(
        target=codes,
        year=2024,
        oversize_schools=0.0,
        oversize_classes=0.0,
        special_funding_per_student=6500.0,
        social_recognition=rng.uniform(0.8, 0.95, N_COUNTIES),
        exam_admission_cases=0.0,
        school_choice_violations=0.0,
        key_schools=0.0,
        key_classes=0.0,
        major_safety_accidents=0.0,
        data_falsification=0.0,
        monitoring_level=3.0,
        monitoring_difference=0.1,
        junior_deaths=0.0,
    )
    return schools, counties


def from_dataset(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = national_sets()["quality_balanced"]
    derived = ("cv_primary_", "cv_junior_", "schools_unmet_")
    needed = [c for c in s.columns() if not c.startswith(derived)]
    measurements, schools = load_dataset(folder, needed, schools=True)
    assert schools is not None
    return schools, measurements


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, help="a folder written by dudao synth")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--random", action="store_true", help="the older random table instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dudao-bench-eval-") as tmp:
        if args.random:
            schools, counties = synthetic()
        else:
            folder = args.dataset
            if folder is None:
                folder = Path(tmp) / "national"
                print("synthesising the national dataset (seed 1) …", flush=True)
                subprocess.run(
                    [sys.executable, "-c", "from dudao.cli import main; main()", "synth",
                     "--scale", "national", "--seed", "1", "--out", str(folder)],
                    check=True,
                )  # fmt: skip
            schools, counties = from_dataset(folder)
    national_sets()  # YAML parsing is not what we measure
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ev = evaluate_quality_balanced(schools, counties)
        times.append(time.perf_counter() - t0)
    passed = int((ev.scores["grade"] == "达标").sum())
    print(
        f"优质均衡：{len(schools):,} 所学校，{len(counties):,} 个县，"
        f"中位数 {statistics.median(times):.3f} 秒（{args.repeat} 次；最快 {min(times):.3f}）；"
        f"达标 {passed} 个县"
    )


if __name__ == "__main__":
    main()
