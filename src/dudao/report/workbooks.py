"""What each command's Excel workbook holds: sheets of findings, plan tasks, programme
stages, cases and scores, with names beside every code (written by
:func:`dudao.report.excel.write_workbook`).

Each builder returns the sheets; the caller writes them with the 说明 lines it knows
(dataset, date, plugins) and whether the data are sample data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dudao.model.jurisdiction import Level
from dudao.report.excel import Column, Sheet, unit_name

if TYPE_CHECKING:
    import pandas as pd

    from dudao.evaluation.score import Evaluation
    from dudao.model.hierarchy import Hierarchy
    from dudao.plans.status import PlanReport
    from dudao.rules.engine import CheckResult
    from dudao.workflow.machine import CaseState

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def _where(hierarchy: Hierarchy) -> Callable[[str], tuple[str, str, str, str]]:
    """``code → (name, level label, province name, city name)``, cached per code."""
    cache: dict[str, tuple[str, str, str, str]] = {}

    def where(code: str) -> tuple[str, str, str, str]:
        found = cache.get(code)
        if found is None:
            if code in hierarchy:
                unit = hierarchy.get(code)
                province = hierarchy.ancestor_at(code, Level.PROVINCE)
                city = hierarchy.ancestor_at(code, Level.PREFECTURE)
                found = (
                    unit.name,
                    unit.level.label,
                    province.name if province else "",
                    city.name if city else "",
                )
            else:
                found = ("", "", "", "")
            cache[code] = found
        return found

    return where


# -------------------------------------------------------------------- check
FINDING_COLUMNS = (
    Column("区划代码", "code"),
    Column("区划名称"),
    Column("所属省份"),
    Column("所属地市"),
    Column("级别"),
    Column("规则", "code"),
    Column("规则名称", "long"),
    Column("对象类型"),
    Column("对象代码", "code"),
    Column("对象名称"),
    Column("问题", "long"),
    Column("依据", "long"),
)
TARGET_KIND = {
    "jurisdiction": "区划",
    "committee": "督导委员会",
    "school": "学校",
    "inspector": "督学",
    "zone": "责任区",
}
#: sheet per level of the jurisdiction a finding belongs to, from the top down
LEVEL_SHEETS = [(level, f"{level.label}问题") for level in Level]


def check_sheets(result: CheckResult) -> list[Sheet]:
    """按规则 (each rule run: checked, failed, skipped and why), 按区划 (findings counted per
    unit with its name and parents) and one sheet of findings per level of government
    (省级问题, 地市级问题, 县级问题 …) in tree order; findings of codes the tree does not
    know come last in 其他区划问题."""
    import numpy as np

    findings = result.findings
    hierarchy = result.hierarchy
    where = _where(hierarchy)
    titles = {r.rule: r.title for r in result.runs}
    counts = Counter(zip(findings["rule"], findings["severity"], strict=True))
    rules_rows = []
    for r in result.runs:
        rules_rows.append(
            [
                r.rule,
                r.title,
                r.plugin,
                r.scope,
                where(r.scope)[0],
                None if r.skipped else r.checked,
                None if r.skipped else r.failed,
                *(counts.get((r.rule, s), 0) for s in SEVERITY_LABEL),
                r.skipped or "",
            ]
        )
    sheets = [
        Sheet(
            "按规则",
            [
                Column("规则", "code"),
                Column("规则名称", "long"),
                Column("插件", "code"),
                Column("适用范围代码", "code"),
                Column("适用范围"),
                Column("检查对象数", "int"),
                Column("不通过数", "int"),
                Column("错误", "int"),
                Column("警告", "int"),
                Column("提示", "int"),
                Column("未运行原因", "long"),
            ],
            rules_rows,
            title="各规则的检查情况",
        )
    ]
    pos = hierarchy.positions(findings["jurisdiction"])
    order = np.argsort(np.where(pos >= 0, pos, np.iinfo(np.int64).max), kind="stable")
    ordered = findings.take(order)
    per_unit: dict[str, Counter[str]] = {}
    for code, severity in zip(ordered["jurisdiction"], ordered["severity"], strict=True):
        per_unit.setdefault(code, Counter())[severity] += 1
    unit_rows = []
    for code, c in per_unit.items():
        name, level, province, city = where(code)
        unit_rows.append(
            [code, name, level, province, city, *(c.get(s, 0) for s in SEVERITY_LABEL)]
        )
        unit_rows[-1].append(sum(c.values()))
    sheets.append(
        Sheet(
            "按区划",
            [
                Column("区划代码", "code"),
                Column("区划名称"),
                Column("层级"),
                Column("所属省份"),
                Column("所属地市"),
                Column("错误", "int"),
                Column("警告", "int"),
                Column("提示", "int"),
                Column("合计", "int"),
            ],
            unit_rows,
            title="各区划发现的问题数",
        )
    )
    by_level: dict[Level | None, list[list[Any]]] = {}
    columns = ["jurisdiction", "severity", "rule", "target_kind", "target", "target_name"]
    columns += ["message", "citation"]
    for code, severity, rule, kind, target, target_name, message, citation in zip(
        *(ordered[c] for c in columns), strict=True
    ):
        name, _, province, city = where(code)
        unit_level = hierarchy.get(code).level if code in hierarchy else None
        by_level.setdefault(unit_level, []).append(
            [
                code,
                name,
                province,
                city,
                SEVERITY_LABEL.get(severity, severity),
                rule,
                titles.get(rule, ""),
                TARGET_KIND.get(kind, kind),
                target,
                target_name if isinstance(target_name, str) else "",
                message,
                citation,
            ]
        )
    for sheet_level, label in [*LEVEL_SHEETS, (None, "其他区划问题")]:
        if sheet_level in by_level:
            rows = by_level[sheet_level]
            sheets.append(Sheet(label, FINDING_COLUMNS, rows, title=f"{label}（{len(rows):,} 项）"))
    return sheets


# --------------------------------------------------------------------- plans
def plan_sheets(report: PlanReport) -> list[Sheet]:
    """任务 (every task of every plan: status, reason, evidence) and 未达成单位 (the units
    a task still misses, one per row, as the evidence names them)."""
    titles = {p.id: (p.title, str(p.cite), scope) for p, scope in report.plans}
    name = unit_name(report.hierarchy)
    rows, missing = [], []
    for r in report.results:
        title, cite, scope = titles.get(r.plan, (r.plan, "", ""))
        evidence = r.evidence or {}
        rows.append(
            [
                r.plan,
                title,
                cite,
                scope,
                name(scope) or "",
                r.task.item,
                r.task.id,
                r.task.text,
                "、".join(r.task.responsible),
                r.deadline,
                r.status.label,
                r.target_text or (r.task.target.describe() if r.task.target else ""),
                r.reason,
                evidence.get("required"),
                evidence.get("actual"),
                str(r.task.cite) if r.task.cite else "",
            ]
        )
        for unit in evidence.get("missing", ()) or ():
            if str(unit).startswith("…"):  # "…等 111 个": the evidence lists the first few
                continue
            code, _, unit_label = str(unit).partition(" ")
            missing.append([r.plan, r.task.id, r.task.text, code, unit_label or name(code) or ""])
    sheets = [
        Sheet(
            "任务",
            [
                Column("工作要点", "code"),
                Column("工作要点名称", "long"),
                Column("文号"),
                Column("范围代码", "code"),
                Column("范围"),
                Column("项"),
                Column("任务", "code"),
                Column("任务内容", "long"),
                Column("牵头及责任单位", "long"),
                Column("期限", "date"),
                Column("状态"),
                Column("目标", "long"),
                Column("说明", "long"),
                Column("要求数", "int"),
                Column("实有数", "int"),
                Column("任务依据"),
            ],
            rows,
            title="工作要点任务进展",
            frozen=0,
        )
    ]
    if missing:
        sheets.append(
            Sheet(
                "未达成单位",
                [
                    Column("工作要点", "code"),
                    Column("任务", "code"),
                    Column("任务内容", "long"),
                    Column("单位代码", "code"),
                    Column("单位名称"),
                ],
                missing,
                title="尚缺记录的单位（每项任务至多前 20 个；共缺几个见“任务”表）",
                frozen=0,
            )
        )
    return sheets


# ---------------------------------------------------------------- programmes
def programme_catalogue_sheets(rows: Sequence[dict[str, Any]], hierarchy: Hierarchy) -> list[Sheet]:
    """项目 (each programme: scope, validity, document) and 阶段 (its stages in order)."""
    name = unit_name(hierarchy)
    programmes, stages = [], []
    for r in rows:
        programmes.append(
            [
                r["id"],
                r["title"],
                r["scope"],
                name(r["scope"]) or "",
                r["validity"],
                r["in_force"],
                r["cite"],
                r["indicator_set"] or "",
                r["plugin"],
                r["sample"],
            ]
        )
        for i, s in enumerate(r["stages"], start=1):
            stages.append([r["id"], r["title"], i, s["id"], s["name"]])
    return [
        Sheet(
            "项目",
            [
                Column("项目", "code"),
                Column("项目名称", "long"),
                Column("范围代码", "code"),
                Column("范围"),
                Column("有效期"),
                Column("当日有效"),
                Column("依据", "long"),
                Column("指标体系", "code"),
                Column("插件", "code"),
                Column("示例"),
            ],
            programmes,
            title="评估认定项目",
        ),
        Sheet(
            "阶段",
            [
                Column("项目", "code"),
                Column("项目名称", "long"),
                Column("顺序", "int"),
                Column("阶段", "code"),
                Column("阶段名称"),
            ],
            stages,
            title="各项目的阶段",
        ),
    ]


def programme_status_sheets(status: pd.DataFrame, hierarchy: Hierarchy) -> list[Sheet]:
    """Where each unit stands in each programme: one sheet per level of government
    (县级, 地市级 …) when the units span several, with the province and city names."""
    where = _where(hierarchy)
    by_level: dict[str, list[list[Any]]] = {}
    for row in status.itertuples():
        name, level, province, city = where(str(row.unit))
        result = None if row.passed is None else ("通过" if row.passed else "未通过")
        by_level.setdefault(level or "其他", []).append(
            [
                row.unit,
                name or getattr(row, "unit_name", "") or "",
                province,
                city,
                row.programme,
                row.title,
                row.stage,
                row.stage_name,
                result,
                row.date,
                row.status,
                row.next_stage or "",
            ]
        )
    columns = [
        Column("单位代码", "code"),
        Column("单位名称"),
        Column("所属省份"),
        Column("所属地市"),
        Column("项目", "code"),
        Column("项目名称", "long"),
        Column("当前阶段", "code"),
        Column("阶段名称"),
        Column("结果"),
        Column("日期", "date"),
        Column("状态"),
        Column("下一阶段"),
    ]
    order = [level.label for level in Level] + ["其他"]
    levels = [lv for lv in order if lv in by_level]
    if len(levels) <= 1:
        rows = by_level[levels[0]] if levels else []
        return [Sheet("项目进展", columns, rows, title="评估认定项目进展")]
    return [
        Sheet(f"{lv}单位" if lv != "其他" else "其他单位", columns, by_level[lv],
              title=f"{lv}单位的评估认定项目进展")
        for lv in levels
    ]  # fmt: skip


# --------------------------------------------------------------------- cases
def case_sheets(rows: Iterable[CaseState], hierarchy: Hierarchy) -> list[Sheet]:
    """案件: each case with the supervised unit's name, its state and deadline."""
    name = unit_name(hierarchy)
    out = []
    for s in rows:
        out.append(
            [
                s.case_id,
                s.target,
                name(s.target) or "",
                s.status,
                s.last.label if s.last else "",
                s.last_date,
                s.count,
                s.deadline,
                "已结案" if s.closed else "未结案",
            ]
        )
    return [
        Sheet(
            "案件",
            [
                Column("案件", "code"),
                Column("被督导单位代码", "code"),
                Column("被督导单位"),
                Column("状态"),
                Column("最近步骤"),
                Column("最近日期", "date"),
                Column("事件数", "int"),
                Column("整改期限", "date"),
                Column("是否结案"),
            ],
            out,
            title=f"督导问责案件（{len(out)} 件）",
            frozen=1,
        )
    ]


# ---------------------------------------------------------------- evaluation
def evaluation_sheets(ev: Evaluation, hierarchy: Hierarchy) -> list[Sheet]:
    """评分表 (ranked totals with names, evaluator and basis) and 指标得分 (points per
    indicator, with the indicator's id and full marks in the header)."""
    import pandas as pd

    from dudao.evaluation.score import ranked
    from dudao.model.numbers import number

    s = ev.set
    where = _where(hierarchy)
    table = ranked(ev)

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    def year(value: Any) -> int | None:
        return None if value is None or pd.isna(value) else int(value)

    rows = []
    for row in table.itertuples():
        code = str(row.target)
        name = text(getattr(row, "name", None)) or where(code)[0]
        rows.append(
            [
                code,
                name,
                where(code)[2],
                where(code)[3],
                year(getattr(row, "year", None)),
                int(row.rank),
                float(row.score),
                float(row.bonus),
                float(row.total),
                bool(row.vetoed),
                bool(row.required_failed),
                row.grade,
                text(getattr(row, "evaluator", None)),
                text(getattr(row, "evaluator_name", None)),
                text(getattr(row, "evaluator_basis", None)),
            ]
        )
    scores = Sheet(
        "评分表",
        [
            Column("对象代码", "code"),
            Column("对象名称"),
            Column("所属省份"),
            Column("所属地市"),
            Column("年度", "int"),
            Column("排名", "int"),
            Column("得分", "number"),
            Column("加分", "number"),
            Column("总分", "number"),
            Column("一票否决"),
            Column("必达未达标"),
            Column("等级"),
            Column("评估主体代码", "code"),
            Column("评估主体"),
            Column("评估主体依据", "long"),
        ],
        rows,
        title=s.title,
        notes=[f"依据：{s.cite or '—'}"],
    )
    inds = s.indicators() + (list(s.bonus.items) if s.bonus else [])
    names = ev.scores.get("name")
    years = ev.scores.get("year")
    detail_rows = []
    for r, tgt in enumerate(ev.scores["target"]):
        code = str(tgt)
        name = text(names.iloc[r]) if names is not None else ""
        detail_rows.append(
            [
                code,
                name or where(code)[0],
                year(years.iloc[r]) if years is not None else None,
                *(float(ev.points.at[r, i.id]) for i in inds),
            ]
        )
    detail = Sheet(
        "指标得分",
        [
            Column("对象代码", "code"),
            Column("对象名称"),
            Column("年度", "int"),
            *(Column(f"{i.name}（{i.id}，满分 {number(i.points)}）", "number") for i in inds),
        ],
        detail_rows,
        title=f"{s.title}：各指标得分",
    )
    return [scores, detail]
