"""``dudao plan``: the year's work points (工作要点) and how far they are met."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from dudao.api import measure_plans
from dudao.cli.check import _dataset
from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.output import format_option, parse_date, print_json, stdout
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.plans.model import WorkPlan
from dudao.plans.status import PlanReport, TaskStatus
from dudao.plugins.manager import load_plugins

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
        print_json([_plan_json(e.value, e.origin.plugin, e.scope) for e in entries])
        return
    for e in entries:
        p: WorkPlan = e.value
        table = Table(
            title=f"{p.title}（{p.cite}，插件 {e.origin.plugin}，范围 {e.scope}）",
            title_justify="left",
        )
        for header in ("项", "任务", "内容", "牵头", "期限", "目标"):
            table.add_column(header, overflow="fold")
        for t in p.tasks():
            table.add_row(
                t.item,
                t.id,
                t.text,
                t.lead or "—",
                str(t.deadline_in(p)),
                t.target.describe() if t.target else f"[dim]无法度量：{t.note or '—'}[/]",
            )
        stdout.print(table)
        _print_forwarding(p, book.hierarchy)


def _print_forwarding(p: WorkPlan, hierarchy: Hierarchy) -> None:
    """The plan as passed down the hierarchy: who forwarded it, under which 文号, to whom."""
    for f in p.forwarded:
        by = f"{f.by} {hierarchy.get(f.by).name}" if f.by in hierarchy else f.by
        day = f.date or "日期不详"
        stdout.print(f"转发：{by} {f.number or ''}（{day}）→ {f.to or '—'}")


def _plan_json(p: WorkPlan, plugin: str, scope: str) -> dict[str, Any]:
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
                "target": t.target.describe() if t.target else None,
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
@format_option("table", "json")
@strict_option
def status(
    dataset: str | None,
    plugin: str | None,
    plan_id: str | None,
    as_of: str | None,
    fmt: str,
    strict: bool,
) -> None:
    """在 DATASET 上逐项报告工作要点的目标：达成、未达成或无法度量，并给出证据。

    不给 DATASET 时使用自带的南宁示例数据集。
    """
    plugins = load_plugins()
    report = measure_plans(
        _dataset(dataset), plugins, plugin=plugin, plan=plan_id, as_of=parse_date(as_of)
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
    else:
        _print(report)
        law_status.footer()
    law_status.finish(strict)


def _print(report: PlanReport) -> None:
    info = report.dataset.info
    stdout.print(f"[bold]{info.name}[/]  检查日期 {report.as_of}")
    if info.sample:
        stdout.print("[yellow]注意：本数据集为示例数据，不代表实际情况。[/]")
    for p, scope in report.plans:
        table = Table(title=f"{p.title}（{p.cite}；范围 {scope}）", title_justify="left")
        for header in ("项", "任务", "牵头", "期限", "状态", "说明"):
            table.add_column(header, overflow="fold")
        for r in report.results:
            if r.plan != p.id:
                continue
            style = STATUS_STYLE[r.status.value]
            table.add_row(
                r.task.item,
                r.task.text,
                r.task.lead or "—",
                str(r.deadline),
                f"[{style}]{r.status.label}[/]",
                r.reason,
            )
        stdout.print(table)
        _print_forwarding(p, report.hierarchy)
    c = report.counts()
    parts = "，".join(f"{s.label} {c[s.value]}" for s in TaskStatus)
    stdout.print(f"共 {len(report.results)} 项任务：{parts}")
