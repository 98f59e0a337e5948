"""``dudao evaluate``: score a county measurement dataset with an indicator set."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from dudao import api
from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.options import evaluation_folder
from dudao.cli.output import (
    console_text,
    parse_date,
    print_json,
    stdout,
    working,
    wrote,
    xlsx_path,
)
from dudao.cli.table import Col, layout, paragraph
from dudao.evaluation.evaluators import evaluator_basis, evaluators
from dudao.evaluation.model import IndicatorSet
from dudao.evaluation.score import Evaluation, ranked
from dudao.examples import DEFAULT, EVALUATIONS, FOLDER
from dudao.law.parameters import sample_citation
from dudao.lazyimports import pd
from dudao.model.hierarchy import Hierarchy
from dudao.model.numbers import number
from dudao.plugins.manager import load_plugins

#: What ``dudao evaluate`` scores when given no DATASET: the evaluation data of dudao's
#: own example (宜昌市), which the national sets score with the core alone.
EXAMPLE = FOLDER / EVALUATIONS[DEFAULT]


@click.command("evaluate")
@click.argument("dataset", required=False, type=click.Path(file_okay=False))
@click.option(
    "--set", "set_id", required=True, help="指标体系 id，如 quality_balanced、preschool_universal"
)
@click.option("--as-of", help="评估日期 YYYY-MM-DD，用于检查指标体系是否有效（默认今天）")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="输出格式：table 供人阅读，json 供脚本使用，xlsx 写成 Excel 评分表（须给出 --out）",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Excel 文件名（--format xlsx 时必填），如 评分表.xlsx",
)
@click.option("--explain", "target", help="显示某一评估对象的逐项得分与依据")
@strict_option
def evaluate(
    dataset: str | None,
    set_id: str,
    as_of: str | None,
    fmt: str,
    out: Path | None,
    target: str | None,
    strict: bool,
) -> None:
    """用指标体系评估 DATASET（含 measurements.csv 的文件夹），按得分排名。

    优质均衡（quality_balanced）另需学校资源表 schools.csv，由它计算各县的差异系数与
    校级达标情况。不给 DATASET 时使用自带的宜昌市评估示例数据（只用国家指标体系，不需要
    地区插件）；DATASET 也可以是示例名：yichang，或 nanning（自带的南宁评估示例数据）。
    示例数据，非真实情况。
    """
    folder = evaluation_folder(dataset)
    workbook = xlsx_path(fmt, out)
    day = parse_date(as_of) or dt.date.today()
    plugins = load_plugins()
    with working(f"评估中：{set_id}"):
        ev = api.evaluate(folder, plugins, set_id, as_of=day)
    s = ev.set
    status = LawStatus.of(plugins, s.scope, day)
    hierarchy = plugins.hierarchy()
    law = plugins.law_book(hierarchy)
    # who evaluates each target: the hierarchy, townships where a region says so
    ev.scores["evaluator"] = evaluators(ev.scores["target"].astype(str), hierarchy, law, day)
    ev.scores["evaluator_name"] = [
        hierarchy.get(c).name if c else None for c in ev.scores["evaluator"]
    ]
    set_cite = str(s.cite) if s.cite else None  # the evaluation's own document says who
    bases = {
        c: evaluator_basis(c, law, day, set_cite) for c in ev.scores["evaluator"].dropna().unique()
    }
    ev.scores["evaluator_basis"] = ev.scores["evaluator"].map(bases)
    if target:
        explanation = ev.explain(target)
        if fmt == "json":
            print_json({**explanation.to_dict(), "plugins": status.as_json()})
        else:
            click.echo(explanation.text())
            status.footer()
        status.finish(strict)
        return
    if fmt == "json":
        table = ranked(ev)
        print_json(
            {
                "set": {
                    "id": s.id,
                    "title": s.title,
                    "cite": str(s.cite) if s.cite else None,
                    # the grades rest on sample numbers: shown beside the citation
                    "rests_on_sample": rests_on_sample(ev),
                    "cite_shown": _cite(ev),
                },
                "as_of": day.isoformat(),
                "results": json.loads(table.to_json(orient="records", force_ascii=False)),
                "plugins": status.as_json(),
            }
        )
    elif workbook is not None:
        write_xlsx(ev, workbook, hierarchy, sample=_sample(folder, s), source=folder, day=day)
        wrote(workbook, "评分表")
        status.footer()
    else:
        _print(ev, folder)
        status.footer()
    status.finish(strict)


def _print(ev: Evaluation, folder: Path) -> None:
    s = ev.set
    head = console_text(s.title, "bold") + console_text(f"  依据 {_cite(ev)}  数据 {folder}")
    stdout.print(paragraph(stdout, head))
    if _bundled(folder):
        stdout.print("[yellow]注意：示例数据，不代表实际情况。[/]")
    who = ev.scores["evaluator"].dropna().unique() if "evaluator" in ev.scores else []
    single = len(who) <= 1  # the usual case: one government evaluates them all
    if len(who) == 1:
        name = ev.scores.loc[ev.scores["evaluator"] == who[0], "evaluator_name"].iloc[0]
        basis = ev.scores.loc[ev.scores["evaluator"] == who[0], "evaluator_basis"].iloc[0]
        stdout.print(paragraph(stdout, f"评估主体：{name}（{who[0]}；{basis}）"))
    rows = []
    for row in ranked(ev).itertuples():
        notes = []
        if row.vetoed:
            notes.append("一票否决")
        if row.required_failed:
            notes.append("必达指标未达标")
        if not single:
            notes.append(f"评估主体 {getattr(row, 'evaluator', None) or '—'}")
        rows.append(
            [
                str(row.rank),
                row.target,
                _name(row) or "—",
                "—" if _year(row) is None else str(_year(row)),
                number(row.score),
                number(row.bonus),
                number(row.total),
                row.grade,
                "、".join(notes) or "—",
            ]
        )
    columns = (
        Col("排名", "number"),
        Col("对象", "id"),
        Col("名称", "text", min_text=6),
        Col("年度", "id", keep=1),
        Col("得分", "number", keep=2),
        Col("加分", "number", keep=3),
        Col("总分", "number"),
        Col("等级", "text", min_text=4),
        Col("说明", "text", min_text=8),
    )
    stdout.print(layout(stdout, columns, rows).table(rows))


def rests_on_sample(ev: Evaluation) -> bool:
    """Whether the grades rest on a number no document gives: a sample set, indicator,
    standard, sub-item or veto, or a threshold parameter whose value is sample data."""
    s = ev.set
    flags = [s.sample, *(v.sample for v in s.vetoes)]
    for ind in [*s.indicators(), *(s.bonus.items if s.bonus else ())]:
        flags += [ind.sample, bool(getattr(ind.scoring, "sample", False))]
        flags += [item.sample for item in getattr(ind.scoring, "items", ())]
    sources = [str(x) for texts in ev.standards.sources.values() for x in texts]
    return any(flags) or any(t.startswith("示例参数") for t in sources)


def _cite(ev: Evaluation) -> str:
    """The set's citation as shown above its grades: marked when they rest on sample data."""
    cite = str(ev.set.cite) if ev.set.cite else ""
    return sample_citation(cite, rests_on_sample(ev), rests_on=True) or "—"


def _bundled(folder: Path) -> bool:
    """Evaluation data dudao ships with its examples (sample data, all of it)."""
    return folder.resolve().is_relative_to(FOLDER.resolve())


def _sample(folder: Path, s: IndicatorSet) -> bool:
    """Sample data: a bundled example, or a set whose points no document gives."""
    return _bundled(folder) or s.sample


def _name(row: Any) -> str:
    name = getattr(row, "name", None)
    return name if isinstance(name, str) else ""  # a missing name is NaN in the table


def _year(row: Any) -> int | None:
    year = getattr(row, "year", None)
    return None if year is None or pd.isna(year) else int(year)


def write_xlsx(
    ev: Evaluation,
    path: Path,
    hierarchy: Hierarchy,
    *,
    sample: bool = False,
    source: Path | None = None,
    day: dt.date | None = None,
) -> None:
    """评分表: ranked totals with names, evaluators and their basis; 指标得分: points per
    indicator (see :func:`dudao.report.workbooks.evaluation_sheets`)."""
    from dudao.report.excel import write_workbook
    from dudao.report.workbooks import evaluation_sheets

    s = ev.set
    about: list[tuple[str, Any]] = [
        ("指标体系", f"{s.title}（{s.id}）"),
        ("依据", _cite(ev)),
    ]
    if source is not None:
        about.append(("数据", str(source)))
    if day is not None:
        about.append(("评估日期", day))
    write_workbook(
        path,
        evaluation_sheets(ev, hierarchy),
        title=f"{s.title}：评分表",
        about=about,
        sample=sample,
    )
