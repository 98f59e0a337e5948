"""Worked example: two "what if" questions for Guangxi, end to end.

1. What if Guangxi staffed inspectors at 1:4 instead of 1:5 (厅发〔2020〕26号 三（一））?
2. What if Yueyang's zone composition (2 full-time and 2–3 part-time inspectors per
   responsibility zone, 《岳阳市2023年教育督导工作要点》 14) applied to all of Guangxi?

The data are a small synthetic Guangxi dataset (``dudao synth``: real prefectures
and counties, synthetic schools and inspectors — sample data, not Guangxi's real
numbers). The reforms are the YAML files in ``reforms/``. The script

* writes the dataset, loads it as a scenario under the installed plugins;
* compares the baseline with both reforms (static: findings, inspectors required,
  shortfall and its cost at a sample pay figure), per prefecture;
* runs the yearly model (``--runs`` × ``--years``, local processes) and prints the
  last year's means with 95% intervals;
* writes every table (Parquet) and plot (PNG, SVG) to ``--out``.

Run it (about a minute with the defaults)::

    .venv/bin/python docs/examples/guangxi_reforms.py --out /tmp/guangxi-reforms

The same from the command line::

    dudao synth --scope 450000 --fraction 0.05 --seed 7 --out /tmp/gx
    dudao simulate /tmp/gx --reform docs/examples/reforms/ratio_1_4_guangxi.yaml \\
        --reform docs/examples/reforms/yueyang_zones_guangxi.yaml \\
        --level prefecture --pay 80000 --out /tmp/guangxi-reforms
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

from dudao.plugins.manager import load_plugins
from dudao.simulate.compare import compare
from dudao.simulate.plots import plot_comparison, plot_dynamic
from dudao.simulate.reform import load_reforms
from dudao.simulate.scenario import Scenario, sample_parameter
from dudao.simulate.sweep import sweep
from dudao.synth import synthesize, write_dataset

HERE = Path(__file__).resolve().parent
REFORMS = [
    HERE / "reforms" / "ratio_1_4_guangxi.yaml",
    HERE / "reforms" / "yueyang_zones_guangxi.yaml",
]
PAY = 80_000  # 元/人·年: a sample figure, no document gives it


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: a temp dir)"
    )
    parser.add_argument("--scale", type=float, default=0.05, help="share of schools synthesised")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executor", default="local", help="local (processes), dask or serial")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="guangxi-reforms-"))

    # 1. a scenario: synthetic Guangxi under the installed plugins, with a sample pay
    plugins = load_plugins()
    data = synthesize(args.seed, "450000", args.scale, hierarchy=plugins.hierarchy())
    folder = write_dataset(data, out / "dataset")
    pay = sample_parameter("simulate.inspector_annual_cost", PAY)
    scenario = Scenario.load(folder, plugins, extra=[pay])
    reforms = load_reforms(REFORMS)

    # 2. static comparison, rolled up to prefectures
    result = compare(scenario, reforms)
    result.to_parquet(out / "static")
    staffing = result.changes("staffing", "shortfall", level="prefecture")
    findings = result.changes("findings", level="province")
    print("督学缺口（按地市） / inspector shortfall by prefecture")
    print(staffing.to_string(index=False))
    print("\n各规则问题数（全区） / findings by rule, all Guangxi")
    print(findings.to_string(index=False))
    cost = result.staffing.groupby("scenario")["annual_cost"].sum()
    print("\n缺口年成本（元，示例参数） / annual cost of the shortfall (sample pay):")
    print(cost.reindex(list(result.scenarios)).to_string())

    # 3. the yearly model: the same seeds give the same numbers on any executor
    runs = sweep(
        scenario,
        reforms,
        level="prefecture",
        findings=result.findings,
        seeds=[args.seed],
        runs=args.runs,
        years=args.years,
        workers=args.workers,
        executor=args.executor,
        out=out / "dynamic",
        progress=sys.stderr.isatty(),
    )
    summary = runs.total  # all prefectures together
    last = summary[(summary["year"] == args.years)]
    last = last[last["metric"].isin(["shortfall", "overdue", "open_findings"])]
    final = last.set_index(["scenario", "metric"])[["mean", "ci_low", "ci_high"]].round(1)
    print(f"\n第 {args.years} 年，{args.runs} 次运行（速率为示例参数） / year {args.years}:")
    print(final.to_string())

    # 4. plots
    plots = plot_comparison(result, out / "plots", level="prefecture")
    plots += plot_dynamic(runs.frame, out / "plots")
    print(f"\n{len(plots)} plots and the tables are in {out}")
    required = result.changes("staffing", "required", level="prefecture")
    return {
        "staffing": staffing,
        "required": required,
        "findings": findings,
        "summary": summary,
        "runs": runs.frame,
    }


if __name__ == "__main__":
    main()
