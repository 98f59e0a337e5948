"""Work plans (工作要点): a year's numbered items, their tasks and measurable targets.

A region's annual work points become a :class:`WorkPlan`: each numbered item keeps
its tasks in the text's own words, with the responsible units (the first listed
leads), a deadline and — where the text gives one — a target a dataset can be
measured against:

* :class:`RuleTarget` — a rule holds in the plan's scope (e.g. 南府督委办〔2022〕7号
  一 "至少召开一次工作例会" is the ``committee-meetings`` rule);
* :class:`RecordsTarget` — enough units at a level have a matching record in a
  dataset table (e.g. 三 "督促和指导1个以上的县（市、区）启动优质均衡督导评估": at
  least one county with a ``quality_balanced`` programme record).

A task without a target is reported as not measurable, with its ``note`` saying why.

>>> plan = converter.structure({
...     "id": "nanning-2022", "title": "2022年南宁市教育督导工作要点",
...     "cite": "南府督委办〔2022〕7号", "year": 2022,
...     "items": [{"number": "三", "title": "积极推进县域义务教育优质均衡发展督导评估",
...                "tasks": [{"id": "start-quality-balanced",
...                           "text": "督促和指导1个以上的县（市、区）启动优质均衡督导评估",
...                           "target": {"table": "programmes",
...                                      "where": {"programme": "quality_balanced"},
...                                      "level": "county", "at_least": 1}}]}]}, WorkPlan)
>>> task = plan.tasks()[0]
>>> task.key, task.deadline_in(plan)
('三/start-quality-balanced', datetime.date(2022, 12, 31))
>>> task.target.describe()
'县级单位中至少 1 个有评估认定项目进展记录（项目：quality_balanced）'

Measured on a dataset, the target reads with the names of units and the titles of
programmes (:class:`Wording`): “县级单位中至少 1 个有“县域义务教育优质均衡发展督导评估”
项目的记录”.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Literal

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.entries import Validity
from dudao.model.convert import converter
from dudao.model.documents import Citation, DocumentNumber
from dudao.model.jurisdiction import Level

#: A ``where`` value: one value, any of a list, or a date range ``{from:, to:}``.
Condition = Any


def _citation(value: Any) -> Citation | None:
    return None if value is None else Citation.parse(value)


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(converter.structure(v, str) for v in items)


SCHOOL = "school"  # records targets may count schools as well as jurisdictions


def _level(value: Any) -> Level | Literal["school"]:
    if value in (SCHOOL, "学校"):
        return SCHOOL
    return Level.parse(value)


@attrs.frozen
class RuleTarget:
    """Met when ``rule`` gives no error finding in the plan's scope."""

    rule: str

    def describe(self) -> str:
        return f"规则 {self.rule} 无“错误”级问题"


@attrs.frozen
class RecordsTarget:
    """Met when enough units at ``level`` in the plan's scope have a record in
    ``table`` matching ``where``: ``at_least`` N of them, ``every`` one, or each
    of the listed ``units``."""

    table: str
    level: Level | Literal["school"] = attrs.field(converter=_level)
    where: dict[str, Condition] = attrs.Factory(dict)
    at_least: int | None = None
    every: bool = False
    units: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    unit_column: str | None = None

    def problems(self) -> list[Problem]:
        given = [self.at_least is not None, self.every, bool(self.units)]
        if sum(given) != 1:
            return [
                Problem(
                    "目标须给出且只给出 at_least、every、units 之一",
                    code="invalid-target",
                    hint="如 at_least: 1（至少 1 个）、every: true（全部）或 units: ['450107']",
                )
            ]
        if self.at_least is not None and self.at_least < 1:
            return [Problem("at_least 应为正整数", path=("at_least",), code="invalid-value")]
        return []

    def describe(self) -> str:
        level = "学校" if self.level == SCHOOL else self.level.label  # type: ignore[union-attr]
        if self.every:
            how = "全部学校" if self.level == SCHOOL else f"全部{level}单位"
        elif self.units:
            how = "、".join(self.units) + " 均"
        else:
            unit = "学校" if self.level == SCHOOL else f"{level}单位"
            how = f"{unit}中至少 {self.at_least} 个"
        cond = "，".join(f"{k}={_describe_condition(v)}" for k, v in self.where.items())
        return f"{how}在 {self.table} 表中有记录" + (f"（{cond}）" if cond else "")


def _describe_condition(value: Condition) -> str:
    if isinstance(value, dict):
        lo, hi = value.get("from"), value.get("to")
        return f"{lo or '…'}至{hi or '…'}"
    if isinstance(value, list | tuple):
        return "/".join(str(v) for v in value)
    return str(value)


Target = RuleTarget | RecordsTarget


def _structure_target(value: Any, _: Any) -> Target:
    if not isinstance(value, dict):
        raise TypeError("target 应为映射，如 {rule: committee-meetings} 或 {table: …, level: …}")
    if "rule" in value:
        return converter.structure(value, RuleTarget)
    if "table" in value:
        target = converter.structure(value, RecordsTarget)
        wrong = target.problems()
        if wrong:
            raise DudaoError(wrong)
        return target
    raise DudaoError(
        Problem(
            "target 须给出 rule（某规则成立）或 table（数据表中的记录）",
            code="missing-field",
            hint="见 docs/plugins.md“工作要点”一节",
        )
    )


converter.register_structure_hook(Target, _structure_target)
# tasks hold an optional target; cattrs would otherwise pick a class by its fields
converter.register_structure_hook(
    Target | None, lambda value, t: None if value is None else _structure_target(value, t)
)


@attrs.frozen
class PlanTask:
    """One task of a numbered item, in the text's words. ``responsible`` lists the
    units in charge, the first leading (牵头)."""

    id: str
    text: str
    cite: Citation | None = attrs.field(default=None, converter=_citation)
    responsible: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    deadline: dt.date | None = None
    target: Target | None = None
    note: str | None = None
    #: the item number it belongs to, filled in by :class:`WorkPlan`
    item: str = ""

    @property
    def key(self) -> str:
        """``<item number>/<task id>``: unique within a plan."""
        return f"{self.item}/{self.id}"

    @property
    def lead(self) -> str | None:
        return self.responsible[0] if self.responsible else None

    def deadline_in(self, plan: WorkPlan) -> dt.date:
        return self.deadline or dt.date(plan.year, 12, 31)


@attrs.frozen
class PlanItem:
    """A numbered item (一、二、…) of the work points."""

    number: str
    title: str
    tasks: tuple[PlanTask, ...] = ()
    note: str | None = None


@attrs.frozen
class Forwarding:
    """A unit passing the plan on down the hierarchy with its own 文号 (转发)."""

    by: str
    number: DocumentNumber | None = attrs.field(
        default=None, converter=attrs.converters.optional(DocumentNumber.parse)
    )
    date: dt.date | None = None  # None when the source lost it: never invented
    to: str | None = None


@attrs.frozen
class WorkPlan:
    """A year's work points of one body, scoped to its jurisdiction."""

    id: str
    title: str
    cite: Citation = attrs.field(converter=Citation.parse)
    year: int
    items: tuple[PlanItem, ...] = ()
    scope: str | None = None
    issued: dt.date | None = None
    forwarded: tuple[Forwarding, ...] = ()
    note: str | None = None

    def __attrs_post_init__(self) -> None:
        # tasks learn their item number, so a task can be named on its own
        items = tuple(
            attrs.evolve(item, tasks=tuple(attrs.evolve(t, item=item.number) for t in item.tasks))
            for item in self.items
        )
        object.__setattr__(self, "items", items)

    @property
    def validity(self) -> Validity:
        return Validity(dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))

    def tasks(self) -> list[PlanTask]:
        return [t for item in self.items for t in item.tasks]

    def task(self, key: str) -> PlanTask:
        """A task by ``<item>/<id>`` or by its id alone."""
        for t in self.tasks():
            if key in (t.key, t.id):
                return t
        close = difflib.get_close_matches(key, [t.key for t in self.tasks()], n=1)
        raise DudaoError(
            Problem(
                f"工作要点 {self.id} 中没有任务 '{key}'",
                code="unknown-task",
                hint=f"是否是 '{close[0]}'？" if close else "dudao plan show 列出全部任务",
            )
        )

    def problems(self) -> list[Problem]:
        """Duplicate task ids, deadlines outside the plan's year."""
        out: list[Problem] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.items):
            for j, t in enumerate(item.tasks):
                path = ("items", i, "tasks", j)
                if t.id in seen:
                    out.append(
                        Problem(
                            f"任务编号 '{t.id}' 重复（已用于第{seen[t.id]}项）",
                            path=(*path, "id"),
                            code="duplicate-id",
                            hint="同一工作要点内任务编号须唯一",
                        )
                    )
                seen.setdefault(t.id, item.number)
                if t.deadline and t.deadline.year != self.year:
                    out.append(
                        Problem(
                            f"任务 {t.id} 的期限 {t.deadline} 不在 {self.year} 年内",
                            path=(*path, "deadline"),
                            code="invalid-value",
                        )
                    )
        return out
