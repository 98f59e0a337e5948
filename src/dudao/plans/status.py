"""Measure a work plan against a dataset: each task met, not met, not yet due or not
measurable.

A rule target runs that rule on the day it judges the period up to the task's
deadline (:func:`judging_day`: the deadline, or for a rule judging whole years the
next 1 January) and looks at its error findings inside the plan's scope, so the task
agrees with ``dudao check`` by construction; before that day it is "not yet due",
because the period is not over, and a rule that judged nothing in scope (a number
the text leaves unset) leaves the task "not measurable". A records target
counts, per unit at the target's level, the matching records of a dataset table
dated within the plan's year up to that day (a target not reached before its
deadline is "not yet due", not "not met"). Either is "not measurable" when the
dataset lacks what it needs, and the reason says which table.

>>> import datetime as dt
>>> from dudao.plans.model import RecordsTarget
>>> from dudao.testing import dataset, school
>>> ds = dataset("450100", schools=[school("S1", "450102"), school("S2", "450103")])
>>> t = RecordsTarget("schools", "county", where={"stage": "primary"}, every=True)
>>> from dudao.plugins.manager import load_plugins
>>> h = load_plugins(autoload=False).hierarchy()
>>> status, reason, evidence = measure_records(t, ds, h, "450100", dt.date(2022, 1, 1),
...                                              dt.date(2022, 12, 31))
>>> status.label, evidence["actual"], evidence["required"]
('未达成', 2, 12)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, cast

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.law.parameters import RESTS_ON_SAMPLE_NOTE, sample_citation
from dudao.lazyimports import np, pd
from dudao.model.bodies import MemberUnit
from dudao.model.dataset import Dataset
from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import Level
from dudao.model.labels import LabelledEnum
from dudao.model.tables import TABLES
from dudao.plans.model import SCHOOL, PlanTask, RecordsTarget, RuleTarget, Wording, WorkPlan
from dudao.rules.base import Context
from dudao.rules.engine import CheckResult, run_rules

#: The column naming the unit a record belongs to, per table.
UNIT_COLUMNS = {
    "schools": "county",
    "inspectors": "appointing",
    "zones": "county",
    "supervisions": "target",
    "filings": "jurisdiction",
    "meetings": "jurisdiction",
    "budgets": "jurisdiction",
    "programmes": "unit",
}
#: The column dating a record, for tables of events; rows outside the plan's year
#: up to the deadline do not count towards it.
DATE_COLUMNS = {
    "visits": "date",
    "supervisions": "date",
    "filings": "filed_on",
    "meetings": "date",
    "programmes": "date",
}
#: The column naming the school a record is about, for targets counting schools.
SCHOOL_COLUMNS = {
    "schools": "school_id",
    "visits": "school_id",
    "supervisions": "target",
    "programmes": "unit",
}
SHOWN = 20  # units listed in evidence; the rest are counted


class TaskStatus(LabelledEnum):
    MET = ("met", "达成")
    NOT_MET = ("not_met", "未达成")
    PENDING = ("pending", "未到期")  # not met yet, but the deadline has not passed
    NOT_MEASURABLE = ("not_measurable", "无法度量")


@attrs.frozen
class TaskResult:
    """One task's status with the reason (Chinese) and the numbers behind it."""

    plan: str
    task: PlanTask
    status: TaskStatus
    reason: str
    deadline: dt.date
    evidence: dict[str, Any] = attrs.Factory(dict)
    #: the target in words, with the names of units and programmes (see Wording)
    target_text: str | None = None

    def row(self) -> dict[str, Any]:
        t = self.task
        return {
            "plan": self.plan,
            "item": t.item,
            "task": t.id,
            "text": t.text,
            "lead": t.lead,
            "responsible": list(t.responsible),
            "deadline": self.deadline.isoformat(),
            "target": self.target_text or (t.target.describe() if t.target else None),
            "status": self.status.value,
            "status_label": self.status.label,
            "reason": self.reason,
            "citation": (
                sample_citation(
                    str(t.cite), bool(self.evidence.get("sample_parameters")), rests_on=True
                )
                if t.cite
                else None
            ),
            "evidence": self.evidence,
        }


def plan_status(
    plan: WorkPlan,
    scope: str,
    dataset: Dataset,
    hierarchy: Hierarchy,
    law: LawBook,
    as_of: dt.date,
    member_units: Callable[[str], dict[str, MemberUnit]] | None = None,
) -> list[TaskResult]:
    """Every task of ``plan`` (applying in ``scope``) measured on ``dataset`` as of
    ``as_of``. Rule targets run once per distinct judging day (:func:`judging_day`)."""
    results: list[TaskResult] = []
    runs: dict[dt.date, CheckResult] = {}  # one run per judging day
    by_day: dict[dt.date, set[str]] = {}
    for t in plan.tasks():
        # a rule is judged once the period it judges is over: before, it can still be met
        if isinstance(t.target, RuleTarget):
            day = judging_day(law, t.target.rule, t.deadline_in(plan))
            if as_of >= day:
                by_day.setdefault(day, set()).add(t.target.rule)
    skipped: dict[tuple[dt.date, str], str] = {}
    for day, rules in by_day.items():
        ctx = Context(dataset, hierarchy, law, day, member_units or (lambda _code: {}))
        result = run_rules(ctx, only=rules)
        runs[day] = result
        ran = {r.rule for r in result.runs if r.skipped is None}
        for r in result.runs:
            if r.skipped is not None and r.rule not in ran:
                skipped[(day, r.rule)] = r.skipped
        for rule in rules - {r.rule for r in result.runs}:
            skipped[(day, rule)] = f"规则 {rule} 在 {day} 未生效或不适用于本数据集"
    for t in plan.tasks():
        deadline = t.deadline_in(plan)
        day = min(as_of, deadline)
        if t.target is None:
            results.append(
                TaskResult(
                    plan.id,
                    t,
                    TaskStatus.NOT_MEASURABLE,
                    t.note or "原文未给出可度量的目标",
                    deadline,
                )
            )
            continue
        wording = task_wording(hierarchy, law, scope, day)
        evidence: dict[str, Any]
        if isinstance(t.target, RuleTarget):
            rule = t.target.rule
            judged = judging_day(law, rule, deadline)
            if as_of < deadline:
                status, reason, evidence = (
                    TaskStatus.PENDING,
                    f"期限 {deadline} 未到，届时按规则 {rule} 判断",
                    {},
                )
            elif as_of < judged:
                status, reason, evidence = (
                    TaskStatus.PENDING,
                    f"规则 {rule} 判断整个 {deadline.year} 年度，{judged} 起才能判断",
                    {},
                )
            elif (judged, rule) in skipped:
                status, reason, evidence = (
                    TaskStatus.NOT_MEASURABLE,
                    skipped[(judged, rule)],
                    {},
                )
            else:
                status, reason, evidence = _rule_status(
                    runs[judged], rule, hierarchy, law, scope, deadline
                )
        else:
            start = dt.date(plan.year, 1, 1)
            status, reason, evidence = measure_records(
                t.target, dataset, hierarchy, scope, start, day, wording=wording
            )
        if status is TaskStatus.NOT_MET and as_of < deadline:
            status, reason = TaskStatus.PENDING, f"{reason}（期限 {deadline} 未到）"
        results.append(
            TaskResult(plan.id, t, status, reason, deadline, evidence, t.target.describe(wording))
        )
    return results


def judging_day(law: LawBook, rule: str, period_end: dt.date) -> dt.date:
    """The as-of date on which ``rule`` judges the period that ends on ``period_end``:
    that day itself, unless the rule judges whole periods once they are over (a rule
    with a ``judging_day`` method, such as a year's committee meetings, judged from
    1 January of the next year). So a task that targets a rule gets the answer
    ``dudao check`` gives for the same period."""
    for entry in law.versions(Kind.RULE, rule):
        hook = getattr(entry.value, "judging_day", None)
        if hook is not None:
            return hook(period_end)  # type: ignore[no-any-return]
    return period_end


def task_wording(hierarchy: Hierarchy, law: LawBook, scope: str, day: dt.date) -> Wording:
    """What a task's target is described with (its ``describe``): the names of
    units (from the tree) and programmes (in force in ``scope`` on ``day``)."""

    def unit(code: str) -> str | None:
        return hierarchy.get(code).name if code in hierarchy else None

    def programme(pid: str) -> Any:
        entry = law.resolve(Kind.PROGRAMME, pid, scope, day, blocked="none")
        return None if entry is None else entry.value

    return Wording(unit, programme)


def _rule_status(
    result: CheckResult,
    rule: str,
    hierarchy: Hierarchy,
    law: LawBook,
    scope: str,
    period_end: dt.date,
) -> tuple[TaskStatus, str, dict[str, Any]]:
    checked = sum(
        int(hierarchy.contains_many(scope, frame["jurisdiction"].astype(str)).sum())
        for key, frame in result.checks.items()
        if key.partition("@")[0] == rule
    )
    if not checked:
        # nothing judged is no evidence the task was done (a number the text leaves unset)
        return TaskStatus.NOT_MEASURABLE, _nothing_judged(rule, law, scope, period_end), {}
    status, reason, evidence = _rule_findings(result, rule, hierarchy, scope, checked)
    if _rests_on_sample(result, rule, hierarchy, scope):
        # a number no document gives decided it (Weinan's sample task counts): say so
        reason += f"（{RESTS_ON_SAMPLE_NOTE}）"
        evidence["sample_parameters"] = True
    return status, reason, evidence


def _rests_on_sample(result: CheckResult, rule: str, hierarchy: Hierarchy, scope: str) -> bool:
    """Whether a row ``rule`` judged inside ``scope`` applied a sample value."""
    for key, frame in result.checks.items():
        if key.partition("@")[0] != rule or "sample_parameters" not in frame:
            continue
        inside = hierarchy.contains_many(scope, frame["jurisdiction"].astype(str))
        if frame.loc[inside, "sample_parameters"].fillna(False).astype(bool).any():
            return True
    return False


def _rule_findings(
    result: CheckResult, rule: str, hierarchy: Hierarchy, scope: str, checked: int
) -> tuple[TaskStatus, str, dict[str, Any]]:
    """Met when ``rule`` found no error inside ``scope``, else not met, with the targets."""
    findings = result.findings
    f = findings.loc[
        (findings["rule"] == rule)
        & (findings["severity"] == Severity.ERROR.value)
        & hierarchy.contains_many(scope, findings["jurisdiction"].astype(str))
    ]
    if f.empty:
        return (
            TaskStatus.MET,
            f"规则 {rule} 在范围内判断了 {checked} 个对象，无“错误”级问题",
            {"errors": 0, "checked": checked},
        )
    targets = f["target"].astype(str).drop_duplicates().tolist()
    return (
        TaskStatus.NOT_MET,
        f"规则 {rule} 有 {len(f)} 个“错误”级问题",
        {
            "errors": len(f),
            "checked": checked,
            "targets": targets[:SHOWN],
            "more": max(0, len(targets) - SHOWN),
        },
    )


def _nothing_judged(rule: str, law: LawBook, scope: str, period_end: dt.date) -> str:
    """Why a rule judged nothing in ``scope``: the values it needs that are unset there."""
    unset = []
    for entry in law.versions(Kind.RULE, rule):
        for param in getattr(entry.value, "parameters", ()):
            found = law.resolve(Kind.PARAMETER, param, scope, period_end, blocked="none")
            if found is None or found.value is None:
                name = f"“{found.title}”" if found is not None and found.title else param
                unset.append(name)
        if unset:
            break
    why = f"：{'、'.join(dict.fromkeys(unset))}未设定数值" if unset else ""
    return f"规则 {rule} 在范围内没有可判断的对象{why}，无法说明任务是否完成"


def measure_records(
    target: RecordsTarget,
    dataset: Dataset,
    hierarchy: Hierarchy,
    scope: str,
    start: dt.date,
    end: dt.date,
    *,
    wording: Wording | None = None,
) -> tuple[TaskStatus, str, dict[str, Any]]:
    """Count the units at ``target.level`` inside ``scope`` with a matching record
    dated between ``start`` and ``end`` (for tables of events). A record counts for
    the unit it names and the units above it, or with ``own_records`` for that unit
    alone."""
    table = dataset.table(target.table) if hasattr(dataset, target.table) else None
    if table is None:
        return TaskStatus.NOT_MEASURABLE, f"数据集缺少 {target.table} 表", {}
    by_school = target.level == SCHOOL
    defaults = SCHOOL_COLUMNS if by_school else UNIT_COLUMNS
    unit_col = target.unit_column or defaults.get(target.table)
    wrong = [c for c in (unit_col, *target.where) if c is None or c not in table.columns]
    if wrong:
        shown = "、".join(str(c) for c in wrong)
        return (
            TaskStatus.NOT_MEASURABLE,
            f"{target.table} 表没有列 {shown}（现有列：{'、'.join(map(str, table.columns))}）",
            {},
        )
    assert unit_col is not None
    # an optional column the dataset's file lacks was read as blanks: no record would
    # match, and a task would read 未达成 for data nobody recorded
    unrecorded = [c for c in target.where if not dataset.provides(f"{target.table}.{c}")]
    if unrecorded:
        shown = "、".join(str(c) for c in unrecorded)
        return TaskStatus.NOT_MEASURABLE, f"数据集的 {target.table} 表没有记录 {shown} 列", {}
    keep = np.ones(len(table), dtype=bool)
    for column, condition in target.where.items():
        try:
            condition = _normalise(target.table, column, condition)
        except ValueError as exc:
            return TaskStatus.NOT_MEASURABLE, f"where.{column}：{exc}", {}
        keep &= _matches(table[column], condition)
    date_col = DATE_COLUMNS.get(target.table)
    if date_col and date_col not in target.where and date_col in table.columns:
        keep &= _matches(table[date_col], {"from": start, "to": end})
    codes = pd.unique(table.loc[keep, unit_col].dropna().astype(str))
    names: dict[str, str] = {}
    if by_school:
        schools = dataset.schools
        inside = schools.loc[hierarchy.contains_many(scope, schools["county"].astype(str))]
        in_scope = inside["school_id"].astype(str).tolist()
        names = dict(zip(in_scope, inside["name"].astype(str), strict=True))
        matched = set(codes) & set(in_scope)
    else:
        level = target.level
        assert isinstance(level, Level)  # not by_school: a level of government
        in_scope = [u.code for u in hierarchy.at_level(level, within=scope)]
        if target.own_records:
            matched = set(codes) & set(in_scope)
        else:
            matched = _units_at(codes, level, in_scope, hierarchy, dataset)
    if target.every:
        required, listed = len(in_scope), in_scope
    elif target.units:
        required, listed = len(target.units), list(target.units)
    else:
        required, listed = target.at_least or 1, []
    missing = [c for c in listed if c not in matched]
    actual = len(matched & set(listed)) if listed else len(matched)
    met = not missing if listed else actual >= required
    evidence: dict[str, Any] = {
        "required": required,
        "actual": actual,
        "units": _named(sorted(matched), hierarchy, names),
        "missing": _named(missing, hierarchy, names),
    }
    what = target.describe(wording)
    if met:
        return TaskStatus.MET, f"{what}：{actual} 个", evidence
    gap = f"缺 {len(missing)} 个" if listed else f"仅 {actual} 个"
    return TaskStatus.NOT_MET, f"{what}：要求 {required} 个，{gap}", evidence


def _normalise(table: str, column: str, condition: Any) -> Any:
    """Enum values as stored (``年度工作计划`` → ``plan``); a value the column cannot
    hold is an error rather than a silent zero."""
    spec = TABLES.get(table)
    enum = spec[column].enum if spec is not None and column in spec.names else None
    if enum is None or isinstance(condition, dict):
        return condition
    if isinstance(condition, list | tuple):
        return [enum.parse(v).value for v in condition]
    return enum.parse(condition).value


def _matches(column: pd.Series, condition: Any) -> np.ndarray:
    """Rows whose value equals ``condition``, is one of a list, or lies in a
    ``{from, to}`` date range (either end optional)."""
    if isinstance(condition, dict):
        values = pd.to_datetime(column, errors="coerce")
        keep = values.notna().to_numpy().copy()
        if condition.get("from") is not None:
            keep &= (values >= pd.Timestamp(condition["from"])).to_numpy()
        if condition.get("to") is not None:
            keep &= (values <= pd.Timestamp(condition["to"])).to_numpy()
        return cast(np.ndarray, keep)
    wanted = condition if isinstance(condition, list | tuple) else [condition]
    if pd.api.types.is_bool_dtype(column):
        return cast(np.ndarray, column.isin([bool(w) for w in wanted]).to_numpy())
    if pd.api.types.is_numeric_dtype(column):
        return cast(
            np.ndarray, column.isin(pd.to_numeric(pd.Series(wanted), errors="coerce")).to_numpy()
        )
    return cast(np.ndarray, column.astype(str).isin([str(w) for w in wanted]).to_numpy())


def _units_at(
    codes: Any, level: Level, units: list[str], hierarchy: Hierarchy, dataset: Dataset
) -> set[str]:
    """Which of ``units`` (one level, so their subtrees are disjoint) the record codes
    lie in, found by tree position for the whole column; school ids count for their
    county or township."""
    codes = pd.Series(codes, dtype=object)
    schools = dataset.schools
    if schools is not None and len(schools):
        column = "township" if level is Level.TOWNSHIP else "county"
        of_school = pd.Series(schools[column].astype(str).to_numpy(), index=schools["school_id"])
        codes = codes.map(of_school).fillna(codes)
    if not units:
        return set()
    spans = np.array([hierarchy.span(u) for u in units])
    order = np.argsort(spans[:, 0])
    lo, hi = spans[order, 0], spans[order, 1]
    pos = hierarchy.positions(codes.astype(str))
    i = np.searchsorted(lo, pos, side="right") - 1
    inside = (pos >= 0) & (i >= 0) & (pos < hi[np.maximum(i, 0)])
    return {units[k] for k in order[i[inside]]}


def _named(codes: list[str], hierarchy: Hierarchy, names: Mapping[str, str]) -> list[str]:
    """Codes with their names (units from the tree, schools from ``names``)."""
    shown = [
        f"{c} {names[c]}" if c in names else f"{c} {hierarchy.get(c).name}" if c in hierarchy else c
        for c in codes[:SHOWN]
    ]
    if len(codes) > SHOWN:
        shown.append(f"…等 {len(codes)} 个")
    return shown


@attrs.frozen
class PlanReport:
    """The plans measured on one dataset, as of one day."""

    dataset: Dataset
    hierarchy: Hierarchy
    as_of: dt.date
    plans: list[tuple[WorkPlan, str]]  # each plan with the scope it was measured in
    results: list[TaskResult]

    def frame(self) -> pd.DataFrame:
        """One row per task (evidence as a dict column)."""
        return pd.DataFrame([r.row() for r in self.results])

    def counts(self) -> dict[str, int]:
        return {s.value: sum(r.status is s for r in self.results) for s in TaskStatus}


def measure_loaded(
    ds: Dataset,
    hierarchy: Hierarchy,
    law: LawBook,
    plugins: Any,
    *,
    plugin: str | None = None,
    plan: str | None = None,
    as_of: dt.date | None = None,
) -> PlanReport:
    """:func:`dudao.api.measure_plans` on a dataset already loaded, with its law book."""
    day = as_of or ds.info.as_of or dt.date.today()
    entries = law.entries(Kind.WORK_PLAN)
    if plugin is not None:
        plugins.get(plugin)  # unknown plugin: a clear error
        entries = [e for e in entries if e.origin.plugin == plugin]
    if plan is not None:
        entries = [e for e in entries if e.id == plan]
    else:
        entries = [e for e in entries if e.value.year == day.year]
    scope = ds.info.scope
    chosen: list[tuple[WorkPlan, str]] = []
    for e in entries:
        if hierarchy.contains(e.scope, scope):
            chosen.append((e.value, scope))
        elif hierarchy.contains(scope, e.scope):
            chosen.append((e.value, e.scope))
    if not chosen:
        which = f"插件 {plugin} 的" if plugin else ""
        raise DudaoError(
            Problem(
                f"没有适用于 {scope} 的{which}工作要点（{plan or str(day.year) + ' 年'}）",
                code="no-plan",
                hint="dudao plan show 列出各插件的工作要点；用 --as-of 选年度或 --plan 指定",
            )
        )
    results = [
        r
        for p, s in chosen
        for r in plan_status(p, s, ds, hierarchy, law, day, plugins.member_units)
    ]
    return PlanReport(ds, hierarchy, day, chosen, results)
