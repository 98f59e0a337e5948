"""``dudao simulate``: baseline vs reforms on a dataset, then Monte Carlo runs over years."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click
from rich.text import Text

from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.options import dataset_folder, example_named
from dudao.cli.output import console_text, parse_date, print_json, stderr, stdout, working
from dudao.cli.table import Col, layout, paragraph
from dudao.examples import evaluation_path
from dudao.lazyimports import pd
from dudao.model.numbers import number, percent

if TYPE_CHECKING:
    from dudao.simulate.compare import Comparison
    from dudao.simulate.scenario import Scenario
    from dudao.simulate.sweep import SweepResult

LEVELS = ["province", "prefecture", "county"]
SUMMARY_METRICS = ("shortfall", "overdue", "open_findings", "escalated", "coverage")


@click.command("simulate")
@click.argument("dataset", required=False)
@click.option(
    "--reform",
    "reform_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="改革方案 YAML 文件（可多次给出），写法见 docs/simulation.md",
)
@click.option("--as-of", help="模拟起点日期 YYYY-MM-DD（默认取 dataset.yaml 的 as_of）")
@click.option("--years", type=click.IntRange(min=0), default=10, show_default=True, help="模拟年数")
@click.option(
    "--runs",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="每个方案的随机运行次数；0 只做静态比较",
)
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子结果相同")
@click.option(
    "--scheduler",
    help="Dask 调度器地址（如 tcp://10.0.0.5:8786），或 local 启动本机 Dask 集群；"
    "不给时使用本机多进程",
)
@click.option("--workers", type=click.IntRange(min=1), help="本机进程或 Dask 工作进程数")
@click.option(
    "--level", type=click.Choice(LEVELS), help="按哪一级汇总（省级、地市级、县级）；默认整个范围"
)
@click.option(
    "--pay",
    type=click.FloatRange(min=0),
    help="每名督学的年度经费（元/人·年，示例参数），用于估算缺口的成本",
)
@click.option(
    "--evaluation",
    type=click.Path(file_okay=False, path_type=Path),
    help="评估数据文件夹（measurements.csv，优质均衡另需 schools.csv），用于比较得分与排名",
)
@click.option("--set", "sets", multiple=True, help="评估所用指标体系 id（可多次给出）")
@click.option(
    "--rules",
    type=click.Choice(["affected", "all"]),
    default="affected",
    show_default=True,
    help="affected 只运行改革可能改变结果的规则；all 运行全部规则",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="输出文件夹")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--quiet", is_flag=True, help="不显示进度条")
@strict_option
def simulate(
    dataset: str | None,
    reform_files: tuple[Path, ...],
    as_of: str | None,
    years: int,
    runs: int,
    seed: int,
    scheduler: str | None,
    workers: int | None,
    level: str | None,
    pay: float | None,
    evaluation: Path | None,
    sets: tuple[str, ...],
    rules: str,
    out: Path | None,
    fmt: str,
    quiet: bool,
    strict: bool,
) -> None:
    """比较基线与改革方案：各区划的问题数、督学缺口及其成本、评估得分与排名；
    再按年随机模拟学校增减、督学进出、整改与督办、周期内督导能力。

    不给 DATASET 时使用自带的示例数据集（宜昌市，只用国家规则）及其评估示例数据（示例数据）；
    DATASET 也可以是示例名，如 nanning（南宁插件的示例，评估用自带的南宁评估示例数据）。

    \b
    例：dudao simulate --reform 配比1比4.yaml --runs 200 --out 结果
        dudao simulate 全国合成 --reform a.yaml --reform b.yaml --level province \\
            --scheduler tcp://10.0.0.5:8786 --out 结果
    """
    from dudao.plugins.manager import load_plugins
    from dudao.simulate.compare import check_reform_names, compare
    from dudao.simulate.reform import load_reforms
    from dudao.simulate.scenario import EvaluationData, Scenario, sample_parameter
    from dudao.simulate.sweep import sweep

    reforms = load_reforms(reform_files)
    check_reform_names(reforms)  # a name names files under --out: refused before any work
    folder = dataset_folder(dataset)
    example = example_named(dataset)  # an example comes with its evaluation data
    bundled = example is not None
    if evaluation is None and example is not None:
        evaluation = evaluation_path(example)
        if evaluation is not None:
            sets = sets or ("quality_balanced", "preschool_universal")
    data = EvaluationData.load(evaluation, sets or ("quality_balanced",)) if evaluation else None
    extra = [sample_parameter("simulate.inspector_annual_cost", pay)] if pay is not None else []
    with working("读取数据集和方案", total=2, show=not quiet) as advance:
        plugins = load_plugins()
        scenario = Scenario.load(
            folder, plugins, as_of=parse_date(as_of), extra=extra, evaluation=data
        )
        advance(description=f"比较 {len(reforms) + 1} 个方案：运行规则、评估")
        result = compare(scenario, reforms, rules=rules)
        advance()
    dynamic = None
    if runs and years:
        executor = "dask" if scheduler else "local"
        dynamic = sweep(
            scenario,
            reforms,
            level=level,
            findings=result.findings,
            seeds=[seed],
            runs=runs,
            years=years,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            out=out / "dynamic" if out else None,
            progress=not quiet and fmt == "table",
        )
    written: list[Path] = []
    if out is not None:
        written = _write(result, dynamic, out, level)
    status = LawStatus.of(plugins, scenario.scope, scenario.as_of)
    if fmt == "json":
        print_json({**_as_json(scenario, result, dynamic, written), "plugins": status.as_json()})
        status.finish(strict)
        return
    _print(scenario, result, dynamic, bundled, level)
    if written:
        stderr.print(
            console_text("已写入", "green") + console_text(f" {out}：{len(written)} 个文件")
        )
    status.footer()
    status.finish(strict)


def _write(
    result: Comparison, dynamic: SweepResult | None, out: Path, level: str | None
) -> list[Path]:
    from dudao.simulate.plots import plot_comparison, plot_dynamic

    written = result.to_parquet(out / "static")
    whats: tuple[Literal["findings", "staffing"], ...] = ("findings", "staffing")
    for what in whats:
        path = out / "static" / f"{what}_by_{level or 'jurisdiction'}.parquet"
        result.by_level(what, level).to_parquet(path, index=False)
        written.append(path)
    written += plot_comparison(result, out / "plots", level=level)
    if dynamic is not None:
        for name, frame in (("runs", dynamic.frame), ("summary", dynamic.summary)):
            path = out / "dynamic" / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            written.append(path)
        written += plot_dynamic(dynamic.frame, out / "plots")
    return written


def _staffing_totals(result: Comparison) -> pd.DataFrame:
    numeric = ["schools", "required", "actual", "shortfall"]
    if "annual_cost" in result.staffing:
        numeric.append("annual_cost")
    totals = result.staffing.groupby("scenario", sort=False)[numeric].sum()
    return totals.reindex(list(result.scenarios)).fillna(0)


def _final_year(dynamic: SweepResult) -> pd.DataFrame:
    total = dynamic.total
    last = total[total["year"] == total["year"].max()]
    return last[last["metric"].isin(SUMMARY_METRICS)]


def _as_json(
    scenario: Scenario, result: Comparison, dynamic: SweepResult | None, written: list[Path]
) -> dict[str, Any]:
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", force_ascii=False))
        return rows

    out: dict[str, Any] = {
        "dataset": {
            "name": scenario.dataset.info.name,
            "scope": scenario.scope,
            "sample": scenario.dataset.info.sample,
        },
        "as_of": scenario.as_of.isoformat(),
        "scenarios": [{"name": s, "title": result.titles.get(s, s)} for s in result.scenarios],
        "rules": sorted(result.rules),
        "staffing": records(_staffing_totals(result).reset_index()),
        "findings": records(
            result.findings.groupby(["scenario", "rule"])["findings"].sum().reset_index()
        ),
        "ranks": records(result.ranks),
        "files": [str(p) for p in written],
    }
    if dynamic is not None:
        out["dynamic"] = records(_final_year(dynamic))
    return out


def _print(
    scenario: Scenario,
    result: Comparison,
    dynamic: SweepResult | None,
    bundled: bool,
    level: str | None,
) -> None:
    info = scenario.dataset.info
    stdout.print(
        console_text(info.name, "bold")
        + console_text(f"  范围 {scenario.scope}  日期 {scenario.as_of}")
    )
    if bundled or info.sample:
        stdout.print("[yellow]注意：示例数据，不代表实际情况。[/]")
    names = [f"{s}（{result.titles.get(s, s)}）" for s in result.scenarios]
    stdout.print(paragraph(stdout, "方案：" + "；".join(names)))
    stdout.print(paragraph(stdout, "运行的规则：" + "、".join(sorted(result.rules))))

    totals = _staffing_totals(result)
    columns = [Col("方案", "id"), *(Col(h, "number") for h in ("学校", "应配", "在任", "缺口"))]
    if "annual_cost" in totals:
        columns.append(Col("缺口年成本（元，示例参数）", "number"))
    rows: list[list[Any]] = []
    for s, row in totals.iterrows():
        cells = [
            s,
            *(
                number(int(row[c]), thousands=True)
                for c in ["schools", "required", "actual", "shortfall"]
            ),
        ]
        if "annual_cost" in totals:
            cells.append(number(row["annual_cost"], 0, thousands=True))
        rows.append(cells)
    stdout.print(layout(stdout, columns, rows).table(rows, title="督学配备（按学校数比例）"))

    per_rule = result.findings.pivot_table(
        index="rule", columns="scenario", values="findings", aggfunc="sum", fill_value=0
    ).reindex(columns=list(result.scenarios), fill_value=0)
    columns = [Col("规则", "id"), *(Col(str(s), "number") for s in result.scenarios)]
    rows = [
        [rule, *(number(int(v), thousands=True) for v in row)] for rule, row in per_rule.iterrows()
    ]
    stdout.print(layout(stdout, columns, rows).table(rows, title="各规则发现的问题数"))

    if len(result.ranks):
        columns = [
            Col("方案", "id"),
            Col("指标体系", "id"),
            Col("对象", "number"),
            Col("Spearman", "number", keep=1),
            Col("Kendall", "number", keep=1),
            Col("名次变化", "number"),
            Col("达标", "id"),
            Col("新不达标", "number"),
            Col("新达标", "number"),
        ]
        rows = []
        for _, r in result.ranks.iterrows():
            rank_cells = (
                r["scenario"],
                r["set"],
                r["targets"],
                number(r["spearman"], 3),
                number(r["kendall"], 3),
                r["rank_changed"],
                f"{r['passed_baseline']} → {r['passed']}",
                r["newly_failed"],
                r["newly_passed"],
            )
            rows.append([str(c) for c in rank_cells])
        stdout.print(layout(stdout, columns, rows).table(rows, title="评估排名变化（与基线相比）"))

    if dynamic is not None:
        final = _final_year(dynamic)
        years = int(dynamic.frame["year"].max())
        runs = dynamic.frame.groupby("scenario")["run"].nunique().max()
        from dudao.simulate.dynamic import LABELS

        columns = [
            Col("方案", "id"),
            *(Col(LABELS[m][0], "text", min_text=6) for m in SUMMARY_METRICS),
        ]
        rows = []
        for s in result.scenarios:
            mine = final[final["scenario"] == s].set_index("metric")
            cells = []
            for m in SUMMARY_METRICS:
                if m not in mine.index:
                    cells.append("—")
                    continue
                r = mine.loc[m]
                # a rate as the percentage people write; counts as whole numbers
                num: Callable[[Any], str] = (
                    percent if m == "coverage" else lambda x: number(x, 0, thousands=True)
                )
                cells.append(f"{num(r['mean'])} [{num(r['ci_low'])}, {num(r['ci_high'])}]")
            rows.append([s, *cells])
        title = f"第 {years} 年（{runs} 次运行的均值及 95% 置信区间；速率为示例参数）"
        stdout.print(layout(stdout, columns, rows).table(rows, title=Text(title)))
    if level:
        stdout.print(f"按 {level} 汇总的表格见 --out 文件夹中的 static/*_by_{level}.parquet")
