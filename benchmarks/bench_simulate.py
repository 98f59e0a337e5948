"""Benchmark policy simulation on the national synthetic dataset.

1. **Static comparison** of one reform (schools per inspector 5 → 4 everywhere,
   deeper regional values replaced too) with the baseline: ``compare()`` — the
   baseline and the reform checked for the rules the reform affects, staffing per
   county. Target: under 10 s. Loading the dataset and building the baseline law
   book are timed separately (``dudao check`` pays them too).
2. **Dynamic model**: 1,000 runs × 10 years for every county (grouped by province)
   through ``run_sweep`` on a pool of 1 and of 2 local processes, and the speed-up.
   The two results must be identical (same seeds), which is checked.

    .venv/bin/python benchmarks/bench_simulate.py [--dataset DIR] [--seed 2023]
        [--runs 1000] [--years 10] [--block 50] [--dask] [--dynamic-only]

Without ``--dataset`` a child process synthesises the national dataset (Parquet) into
a temporary directory first. ``--dask`` also times Dask LocalClusters of 1 and 2
workers (their start-up apart). Each scenario's inputs reach a worker once (see
:mod:`dudao.simulate.sweep`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dudao.plugins.manager import load_plugins
from dudao.simulate.compare import compare
from dudao.simulate.dynamic import DynamicInputs
from dudao.simulate.reform import Reform
from dudao.simulate.scenario import Scenario
from dudao.simulate.sweep import run_sweep

TARGET_STATIC_SECONDS = 10.0


def clock(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="an existing national dataset folder")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--block", type=int, default=50, help="runs per task")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    parser.add_argument("--dynamic-only", action="store_true", help="skip the static comparison")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dudao-bench-sim-") as tmp:
        folder = args.dataset
        if folder is None:
            folder = Path(tmp) / "national"
            print(f"synthesising the national dataset (seed {args.seed}) …", flush=True)
            subprocess.run(
                [sys.executable, "-c", "from dudao.cli import main; main()", "synth",
                 "--scale", "national", "--seed", str(args.seed), "--out", str(folder)],
                check=True,
            )  # fmt: skip
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

        plugins, _ = clock("load_plugins", load_plugins)
        scenario, _ = clock("load the dataset", Scenario.load, folder, plugins)
        if not args.dynamic_only:
            print("static comparison (one reform: schools per inspector 5 → 4 everywhere)")
            clock("baseline law book", scenario.law)
            reform = Reform("ratio-4", "督学配比 1:4").set_parameter(
                "inspector.schools_per_inspector", 4, replace_deeper=True
            )
            result, static = clock("compare(baseline, reform)", compare, scenario, [reform])
            columns = ["schools", "required", "shortfall"]
            print(result.staffing.groupby("scenario")[columns].sum().to_string())
            verdict = "OK" if static < TARGET_STATIC_SECONDS else "SLOWER THAN TARGET"
            print(
                f"  → {static:.2f} s against a target of {TARGET_STATIC_SECONDS:.0f} s: {verdict}"
            )

        print(f"dynamic model: {args.runs} runs × {args.years} years, by province")
        inputs, _ = clock(
            "inputs from the scenario", DynamicInputs.from_scenario, scenario, level="province"
        )
        print(f"  counties: {len(inputs.codes)}; tasks: {-(-args.runs // args.block)}")
        options = dict(
            seeds=[args.seed], runs=args.runs, years=args.years, block=args.block, progress=False
        )
        one, t1 = clock("1 local worker", run_sweep, {"baseline": inputs}, workers=1, **options)
        two, t2 = clock("2 local workers", run_sweep, {"baseline": inputs}, workers=2, **options)
        print(f"  speed-up with 2 workers: {t1 / t2:.2f}×")
        assert one.frame.equals(two.frame), "1 and 2 workers disagree"
        print("  results identical on 1 and 2 workers")
        if args.dask:
            from distributed import Client

            from dudao.simulate.sweep import local_cluster

            dask_times = {}
            for n in (1, 2):
                # the cluster's start-up (worker processes importing dudao) is timed apart:
                # a sweep of a few seconds would otherwise mostly time it
                cluster, _ = clock(
                    f"Dask LocalCluster start-up, {n} worker(s)",
                    local_cluster,  # as dudao simulate --executor dask starts one
                    n,
                )
                with cluster, Client(cluster) as client:
                    on_dask, dask_times[n] = clock(
                        f"{n} Dask worker(s)", run_sweep, {"baseline": inputs}, executor=client,
                        **options,
                    )  # fmt: skip
                assert on_dask.frame.equals(one.frame), "Dask disagrees with local processes"
            print(
                f"  Dask speed-up with 2 workers: {dask_times[1] / dask_times[2]:.2f}×; "
                f"2 Dask workers over 1 local worker: {t1 / dask_times[2]:.2f}×; results identical"
            )
        print(f"  load average now {os.getloadavg()[0]:.1f} (other processes share the cores)")
        last = one.total
        last = last[(last["year"] == args.years) & (last["metric"] == "shortfall")]
        row = last.iloc[0]
        print(
            f"  year {args.years} national inspector shortfall (sample rates): "
            f"{row['mean']:.0f} [{row['ci_low']:.0f}, {row['ci_high']:.0f}]"
        )


if __name__ == "__main__":
    main()
