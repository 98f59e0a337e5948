"""``dudao programmes``: the programmes in force, and where each unit stands in them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from dudao.api import load
from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.output import (
    format_option,
    parse_date,
    print_json,
    stdout,
    wrote,
    xlsx_out_option,
    xlsx_path,
)
from dudao.cli.table import Col, layout, paragraph
from dudao.errors import DudaoError, Problem
from dudao.evaluation.programmes import Programme, check_dataset_programmes, programme_status
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.lazyimports import pd
from dudao.plugins.manager import load_plugins

LIMIT = 200  # unit records listed one by one; a national dataset has thousands


@click.command("programmes")
@click.argument("dataset", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--programme", "programme_id", help="只看某一项目，如 quality_balanced")
@click.option("--as-of", help="日期 YYYY-MM-DD（默认数据集的 as_of，否则今天）")
@format_option("table", "json", "xlsx")
@xlsx_out_option("评估认定项目.xlsx")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=LIMIT,
    show_default=True,
    help="table 最多逐条列出的单位记录数（0：全部）；其余按项目和状态汇总",
)
@strict_option
def programmes(
    dataset: Path | None,
    programme_id: str | None,
    as_of: str | None,
    fmt: str,
    strict: bool,
    out: Path | None = None,
    limit: int = 0,
) -> None:
    """评估认定项目（优质均衡、普及普惠……）及各单位所处阶段。

    不给 DATASET 时列出已登记的项目及其阶段和依据；给出数据集文件夹时，读取其中的
    programmes 表（unit, programme, stage, passed, date, note），显示每个单位在每个项目中的
    当前阶段与状态。
    """
    workbook = xlsx_path(fmt, out)
    plugins = load_plugins()
    day = parse_date(as_of)
    if dataset is None:
        law = plugins.law_book()
        _catalogue(law, programme_id, day or dt.date.today(), fmt, workbook)
        everywhere = LawStatus.of(plugins, on=day)
        everywhere.footer()
        everywhere.finish(strict)
        return
    from dudao.cli.options import dataset_folder

    dataset = dataset_folder(str(dataset))  # an example's name (nanning) works too
    loaded = load(dataset, plugins)
    ds, hierarchy, law = loaded.dataset, loaded.hierarchy, loaded.law
    day = day or ds.info.as_of or dt.date.today()
    law_status = LawStatus.of(plugins, ds.info.scope, day)
    if ds.programmes is None:
        raise DudaoError(
            Problem(
                "数据集中没有 programmes 表",
                source=str(dataset),
                code="missing-table",
                hint="放入 programmes.csv：unit, programme, stage, passed, date, note",
            )
        )
    if programme_id is not None and programme_id not in law.ids(Kind.PROGRAMME):
        raise _unknown(programme_id, law)
    check_dataset_programmes(ds, law, day)
    status = programme_status(ds.programmes, law, day, programme_id, scope=ds.info.scope)
    names = [hierarchy.get(c).name if c in hierarchy else None for c in status["unit"]]
    status.insert(1, "unit_name", pd.Series(names, index=status.index, dtype=object))
    if fmt == "json":
        print_json(
            {
                "as_of": day.isoformat(),
                "dataset": str(dataset),
                "units": status.to_dict(orient="records"),
                "plugins": law_status.as_json(),
            }
        )
        law_status.finish(strict)
        return
    if workbook is not None:
        from dudao.report.excel import write_workbook
        from dudao.report.workbooks import programme_status_sheets

        write_workbook(
            workbook,
            programme_status_sheets(status, hierarchy),
            title=f"{ds.info.name}：评估认定项目进展",
            about=[("数据集", ds.info.name), ("截至", day)],
            sample=ds.info.sample,
        )
        wrote(workbook)
        law_status.footer()
        law_status.finish(strict)
        return
    columns = (
        Col("单位", "id"),
        Col("名称", "text", min_text=6),
        Col("项目", "text", min_text=10),
        Col("当前阶段", "text", min_text=6),
        Col("日期", "id", keep=1, fold_into="当前阶段"),
        Col("状态", "text", min_text=6),
        Col("下一阶段", "text", keep=2, min_text=6),
    )
    rows = []
    for row in status.itertuples():
        result = "" if row.passed is None else ("（通过）" if row.passed else "（未通过）")
        rows.append(
            [
                row.unit,
                row.unit_name or "—",
                row.title,
                f"{row.stage_name}{result}",
                str(row.date),
                row.status,
                row.next_stage or "—",
            ]
        )
    shown = rows[: limit or len(rows)]
    title = f"评估认定项目进展（截至 {day}，共 {len(rows):,} 条）"
    stdout.print(layout(stdout, columns, shown).table(shown, title=title))
    if len(shown) < len(rows):
        counts = status.groupby(["title", "status"]).size()
        summary = [[t, st, f"{n:,}"] for (t, st), n in counts.items()]
        by = (Col("项目", "text", min_text=12), Col("状态", "text"), Col("单位数", "number"))
        stdout.print(layout(stdout, by, summary).table(summary, title="按项目和状态汇总"))
        stdout.print(
            Text(
                f"另有 {len(rows) - len(shown):,} 条未逐条列出：--limit 0 列出全部，"
                "--format json 供程序处理，--format xlsx --out 文件名 写成 Excel 表格。",
                style="dim",
            )
        )
    if ds.info.sample:
        stdout.print("[yellow]注意：示例数据，不代表实际情况。[/]")
    law_status.footer()
    law_status.finish(strict)


def _unknown(programme_id: str, law: LawBook) -> DudaoError:
    return DudaoError(
        Problem(
            f"没有 id 为 '{programme_id}' 的项目",
            code="unknown-programme",
            hint="可选：" + "、".join(law.ids(Kind.PROGRAMME)),
        )
    )


def _catalogue(
    law: LawBook, programme_id: str | None, day: dt.date, fmt: str, workbook: Path | None = None
) -> None:
    if programme_id is not None and programme_id not in law.ids(Kind.PROGRAMME):
        raise _unknown(programme_id, law)
    rows: list[dict[str, Any]] = []
    for entry in law.entries(Kind.PROGRAMME):
        p: Programme = entry.value
        if programme_id not in (None, p.id):
            continue
        rows.append(
            {
                "id": p.id,
                "title": p.title,
                "scope": entry.scope,
                "validity": (
                    "长期有效"
                    if entry.validity.since is None and entry.validity.until is None
                    else entry.validity.describe()
                ),
                "in_force": entry.validity.in_force(day),
                "cite": entry.citation_text(),
                "indicator_set": p.indicator_set,
                "stages": [{"id": s.id, "name": s.name} for s in p.stages],
                "plugin": entry.origin.plugin,
                "sample": p.sample,
            }
        )
    if fmt == "json":
        print_json({"as_of": day.isoformat(), "programmes": rows})
        return
    if workbook is not None:
        from dudao.report.excel import write_workbook
        from dudao.report.workbooks import programme_catalogue_sheets

        write_workbook(
            workbook,
            programme_catalogue_sheets(rows, law.hierarchy),
            title=f"评估认定项目（{day}）",
            about=[("日期", day), ("项目数", len(rows))],
            # a programme marked sample has stages or dates no document gives
            sample=any(r["sample"] for r in rows),
        )
        wrote(workbook)
        return
    # one block per programme: the stages are too long for table columns
    stdout.print(f"[bold]评估认定项目[/]（{day}）")
    for r in rows:
        sample = "（示例）" if r["sample"] else ""
        state = "" if r["in_force"] else " [dim]（该日不在有效期内）[/]"
        scope = law.hierarchy.get(r["scope"]).name if r["scope"] in law.hierarchy else ""
        stdout.print(
            paragraph(
                stdout,
                Text(r["id"], style="bold")
                + Text(f"  {r['title']}{sample}  范围 {scope}（{r['scope']}）  {r['validity']}")
                + Text.from_markup(state),
            )
        )
        stages = " → ".join(s["name"] for s in r["stages"])
        stdout.print(paragraph(stdout, f"  阶段：{stages}"))
        extra = f"  指标体系：{r['indicator_set']}" if r["indicator_set"] else ""
        stdout.print(paragraph(stdout, f"  依据：{r['cite'] or '—'}{extra}（插件 {r['plugin']}）"))
