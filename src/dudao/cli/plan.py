"""``dudao plan``: the year's work points (工作要点) and how far they are met."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.text import Text

from dudao.api import measure_plans
from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.options import dataset_folder
from dudao.cli.output import (
    format_option,
    parse_date,
    print_json,
    stdout,
    working,
    wrote,
    xlsx_out_option,
    xlsx_path,
)
from dudao.cli.table import Col, layout, paragraph, summarise_units
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.plans.model import PlanTask, WorkPlan
from dudao.plans.status import PlanReport, TaskStatus, task_wording
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.report.text import plain_text

STATUS_STYLE = {"met": "green", "not_met": "red", "pending": "yellow", "not_measurable": "dim"}


@click.group("plan")
def plan() -> None:
    """工作要点：逐项任务、牵头单位、期限和可度量的目标。"""


@plan.command("show")
@click.option("--plugin", help="只列出这个插件的工作要点")
@format_option("table", "json")
def show(plugin: str | None, fmt: str) -> None:
    """列出各插件的工作要点：序号、任务、牵头单位、期限、目标。"""
    plugins = load_plugins()
    if plugin:
        plugins.get(plugin)
    book = plugins.law_book()
    entries = [
        e for e in book.entries(Kind.WORK_PLAN) if plugin is None or e.origin.plugin == plugin
    ]
    if fmt == "json":
        print_json([_plan_json(e.value, e.origin.plugin, e.scope, book) for e in entries])
        return
    if not entries:
        stdout.print(paragraph(stdout, _no_plans(plugins, plugin)))
        return
    columns = (
        Col("项", "id"),
        Col("任务", "id", keep=2, fold_into="内容"),
        Col("内容", "text", min_text=12),
        Col("牵头", "text", keep=1, fold_into="内容"),
        Col("期限", "id", keep=3, fold_into="内容"),
        Col("目标", "text", min_text=12),
    )
    level = _level_of(book.hierarchy)
    for e in entries:
        p: WorkPlan = e.value
        rows = [
            [
                t.item,
                t.id,
                t.text,
                t.lead or "—",
                str(t.deadline_in(p)),
                summarise_units(_target_text(p, t, e.scope, book), level)
                if t.target
                else Text(f"无法度量：{plain_text(t.note or '—')}", style="dim"),
            ]
            for t in p.tasks()
        ]
        title = Text(f"{p.title}（{p.cite}，插件 {e.origin.plugin}，范围 {_named(book, e.scope)}）")
        stdout.print(layout(stdout, columns, rows).table(rows, title=title))
        _print_forwarding(p, book.hierarchy)


def _no_plans(plugins: PluginSet, plugin: str | None) -> str:
    """Why ``plan show`` lists nothing: no plugin in force (or not ``plugin``) has a plan."""
    if plugin is None:
        return (
            "没有工作要点：已生效的插件都没有提供年度工作要点"
            "（国家层面没有；各地的工作要点由地区插件提供，dudao plugins 列出已安装的插件）。"
        )
    if not plugins.get(plugin).ok:
        return f"插件 {plugin} 未生效（原因见 dudao plugins），没有它的工作要点。"
    return f"插件 {plugin} 没有工作要点。"


def _target_text(p: WorkPlan, t: PlanTask, scope: str, book: LawBook) -> str:
    """A task's target in words, units and programmes by name: the programmes those in
    force in the plan's scope when the task falls due."""
    if t.target is None:
        return ""
    wording = task_wording(book.hierarchy, book, scope, t.deadline_in(p))
    return str(t.target.describe(wording))


def _named(book: LawBook, code: str) -> str:
    h = book.hierarchy
    return f"{h.get(code).name}（{code}）" if code in h else code


def _level_of(hierarchy: Hierarchy) -> Any:
    def level(code: str) -> str | None:
        return hierarchy.get(code).level.label if code in hierarchy else None

    return level


def _print_forwarding(p: WorkPlan, hierarchy: Hierarchy) -> None:
    """The plan as passed down the hierarchy: who forwarded it, under which 文号, to whom."""
    for f in p.forwarded:
        by = f"{f.by} {hierarchy.get(f.by).name}" if f.by in hierarchy else f.by
        day = f.date or "日期不详"
        stdout.print(paragraph(stdout, f"转发：{by} {f.number or ''}（{day}）→ {f.to or '—'}"))


def _plan_json(p: WorkPlan, plugin: str, scope: str, book: LawBook | None = None) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "cite": str(p.cite),
        "year": p.year,
        "plugin": plugin,
        "scope": scope,
        "forwarded": [
            {"by": f.by, "number": str(f.number) if f.number else None, "date": f.date, "to": f.to}
            for f in p.forwarded
        ],
        "tasks": [
            {
                "item": t.item,
                "id": t.id,
                "text": t.text,
                "responsible": list(t.responsible),
                "deadline": t.deadline_in(p).isoformat(),
                "target": (
                    (_target_text(p, t, scope, book) if book else t.target.describe())
                    if t.target
                    else None
                ),
                "note": t.note,
                "cite": str(t.cite) if t.cite else None,
            }
            for t in p.tasks()
        ],
    }


@plan.command("status")
@click.argument("dataset", required=False)
@click.option("--plugin", help="只看这个插件的工作要点（默认：所有适用的）")
@click.option("--plan", "plan_id", help="工作要点编号，如 nanning-2022（默认：检查日期所在年度的）")
@click.option("--as-of", help="检查日期 YYYY-MM-DD（默认取 dataset.yaml 的 as_of）")
@format_option("table", "json", "xlsx")
@xlsx_out_option("工作要点进展.xlsx")
@strict_option
def status(
    dataset: str | None,
    plugin: str | None,
    plan_id: str | None,
    as_of: str | None,
    fmt: str,
    strict: bool,
    out: Path | None = None,
) -> None:
    """在 DATASET 上逐项报告工作要点的目标：达成、未达成或无法度量，并给出证据。

    不给 DATASET 时使用自带的示例数据集。
    """
    workbook = xlsx_path(fmt, out)
    plugins = load_plugins()
    with working("度量工作要点"):
        report = measure_plans(
            dataset_folder(dataset), plugins, plugin=plugin, plan=plan_id, as_of=parse_date(as_of)
        )
    law_status = LawStatus.of(plugins, report.dataset.info.scope, report.as_of)
    if fmt == "json":
        print_json(
            {
                "dataset": report.dataset.info.name,
                "sample": report.dataset.info.sample,
                "as_of": report.as_of.isoformat(),
                "summary": report.counts(),
                "plans": [
                    {
                        k: v
                        for k, v in _plan_json(p, "", scope).items()
                        if k not in ("tasks", "plugin")
                    }
                    for p, scope in report.plans
                ],
                "tasks": [r.row() for r in report.results],
                "plugins": law_status.as_json(),
            }
        )
    elif workbook is not None:
        _write_xlsx(report, workbook)
        wrote(workbook)
        law_status.footer()
    else:
        _print(report)
        law_status.footer()
    law_status.finish(strict)


def _write_xlsx(report: PlanReport, path: Path) -> None:
    from dudao.report.excel import write_workbook
    from dudao.report.workbooks import plan_sheets

    info = report.dataset.info
    c = report.counts()
    about = [
        ("数据集", info.name),
        ("检查日期", report.as_of),
        ("工作要点", "；".join(f"{p.title}（{p.cite}）" for p, _ in report.plans) or "—"),
        (
            "任务",
            f"共 {len(report.results)} 项："
            + "，".join(f"{s.label} {c[s.value]}" for s in TaskStatus),
        ),
    ]
    write_workbook(
        path,
        plan_sheets(report),
        title=f"{info.name}：工作要点进展",
        about=about,
        sample=info.sample,
    )


STATUS_COLUMNS = (
    Col("项", "id"),
    Col("任务", "text", min_text=12),
    Col("牵头", "text", keep=1, fold_into="任务"),
    Col("期限", "id", keep=2, fold_into="任务"),
    Col("状态", "id"),
    Col("说明", "text", min_text=16),
)


def _print(report: PlanReport) -> None:
    info = report.dataset.info
    stdout.print(
        paragraph(stdout, Text(info.name, style="bold") + Text(f"  检查日期 {report.as_of}"))
    )
    if info.sample:
        stdout.print("[yellow]注意：本数据集为示例数据，不代表实际情况。[/]")
    level = _level_of(report.hierarchy)
    for p, scope in report.plans:
        rows = [
            [
                r.task.item,
                r.task.text,
                r.task.lead or "—",
                str(r.deadline),
                Text(r.status.label, style=STATUS_STYLE[r.status.value]),
                summarise_units(plain_text(r.reason), level),
            ]
            for r in report.results
            if r.plan == p.id
        ]
        scope_name = (
            f"{report.hierarchy.get(scope).name}（{scope}）" if scope in report.hierarchy else scope
        )
        title = Text(f"{p.title}（{p.cite}；范围 {scope_name}）")
        stdout.print(layout(stdout, STATUS_COLUMNS, rows).table(rows, title=title))
        _print_forwarding(p, report.hierarchy)
    c = report.counts()
    parts = "，".join(f"{s.label} {c[s.value]}" for s in TaskStatus)
    stdout.print(f"共 {len(report.results)} 项任务：{parts}")
    if any(summarise_units(r.reason) != r.reason for r in report.results):
        note = "长的单位名单只显示前几个和总数；完整名单见 --format json 或 --format xlsx。"
        stdout.print(paragraph(stdout, Text(note, style="dim")))
