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
from collections.abc import Callable
from typing import Any, Final, Literal

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.entries import Validity
from dudao.model.convert import converter
from dudao.model.documents import Citation, DocumentNumber
from dudao.model.jurisdiction import Level
from dudao.model.tables import TABLES, TableSpec

#: A ``where`` value: one value, any of a list, or a date range ``{from:, to:}``.
Condition = Any


def _citation(value: Any) -> Citation | None:
    return None if value is None else Citation.parse(value)


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(converter.structure(v, str) for v in items)


SCHOOL: Final = "school"  # records targets may count schools as well as jurisdictions


def _level(value: Any) -> Level | Literal["school"]:
    if value in (SCHOOL, "学校"):
        return SCHOOL
    return Level.parse(value)


@attrs.frozen
class RuleTarget:
    """Met when ``rule`` gives no error finding in the plan's scope."""

    rule: str

    def describe(self, wording: Wording | None = None) -> str:
        return f"规则 {self.rule} 无“错误”级问题"


def _nothing(_: str) -> Any:
    return None


#: What the common ``topic`` values of supervisions mean (docs/datasets.md lists them).
TOPICS = {
    "double_reduction": "“双减”",
    "five_managements": "“五项管理”",
    "dropout": "控辍保学",
    "teacher_pay": "义务教育教师工资待遇保障",
    "large_schools": "义务教育大校额化解",
    "large_classes": "消除大班额",
    "inspector_zones": "督学责任区建设",
    "preschool": "学前教育",
    "kindergarten_conduct": "幼儿园办园行为",
    "private_schools": "民办学校办学行为",
    "fees": "教育收费",
    "safety": "校园安全",
    "research_staff": "教研员配备",
}
#: Columns holding a unit's code: shown by name where the tree knows it.
_CODE_COLUMNS = {"county", "appointing", "body", "target", "jurisdiction", "unit"}


@attrs.frozen
class Wording:
    """How codes and ids in a target read to an official: ``unit`` names a code (None:
    unknown), ``programme`` gives the programme of an id (an object with ``title`` and
    ``stage(text).name``; None: unknown). Without them, codes and ids are shown as
    written."""

    unit: Callable[[str], str | None] = _nothing
    programme: Callable[[str], Any] = _nothing

    def named(self, code: str) -> str:
        name = self.unit(code)
        return f"{name}（{code}）" if name else code


@attrs.frozen
class RecordsTarget:
    """Met when enough units at ``level`` in the plan's scope have a record in
    ``table`` matching ``where``: ``at_least`` N of them, ``every`` one, or each
    of the listed ``units``.

    A record counts for the unit it names and for every unit above it (a school's
    record for its county, a county's for its city), unless ``own_records`` is set:
    then only a unit's own records count — for what a document asks of that body
    itself (the city's own work rules, not a county's)."""

    table: str
    level: Level | Literal["school"] = attrs.field(converter=_level)
    where: dict[str, Condition] = attrs.Factory(dict)
    at_least: int | None = None
    every: bool = False
    units: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    unit_column: str | None = None
    own_records: bool = False

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
        if self.own_records and self.level == SCHOOL:
            return [
                Problem(
                    "按学校计数时每条记录本来就只属于该校，不必写 own_records",
                    path=("own_records",),
                    code="invalid-value",
                )
            ]
        return []

    def describe(self, wording: Wording | None = None) -> str:
        """The target in words: which units, what record, on what conditions — the
        names of units and programmes where ``wording`` knows them, never the names of
        tables or columns."""
        words = wording or Wording()
        level = "学校" if self.level == SCHOOL else self.level.label
        if self.every:
            how = "全部学校" if self.level == SCHOOL else f"全部{level}单位"
        elif self.units:
            how = "、".join(words.named(u) for u in self.units) + (
                "均" if len(self.units) > 1 else ""
            )
        else:
            unit = "学校" if self.level == SCHOOL else f"{level}单位"
            how = f"{unit}中至少 {self.at_least} 个"
        spec = TABLES.get(self.table)
        label = spec.label_zh if spec is not None else self.table
        what = label if label.endswith("记录") else f"{label}记录"
        ids = self.where.get("programme", ())
        ids = [ids] if isinstance(ids, str) else list(ids) if isinstance(ids, list | tuple) else []
        known = [p for p in map(words.programme, map(str, ids)) if p is not None]
        conditions = []
        for column, value in self.where.items():
            if column == "programme" and len(known) == 1 == len(ids):
                what = f"“{known[0].title}”项目记录"
                continue
            conditions.append(
                f"{_label(spec, column)}：{_words(spec, column, value, words, known)}"
            )
        if self.unit_column is not None:
            conditions.append(f"按{_label(spec, self.unit_column)}计")
        if self.own_records:
            conditions.append("只计本级的记录")
        return f"{how}有{what}" + (f"（{'；'.join(conditions)}）" if conditions else "")


def _stage_name(programme: Any, stage: str) -> str | None:
    try:
        return str(programme.stage(stage).name)
    except DudaoError:
        return None


def _label(spec: TableSpec | None, column: str) -> str:
    """A column's Chinese name, without "区划代码" where the value is shown by name."""
    if spec is None or column not in spec.names:
        return column
    label = spec[column].label
    if column in _CODE_COLUMNS:
        label = label.removesuffix("区划代码").removesuffix("代码") or label
    return label


def _words(
    spec: TableSpec | None, column: str, value: Condition, words: Wording, programmes: list[Any]
) -> str:
    """A condition's value as an official reads it (``programmes``: those the target
    names, for the names of their stages)."""
    if isinstance(value, dict):
        lo, hi = value.get("from"), value.get("to")
        return f"{lo or '…'}至{hi or '…'}"
    if isinstance(value, list | tuple):
        return "/".join(_words(spec, column, v, words, programmes) for v in value)
    col = spec[column] if spec is not None and column in spec.names else None
    if col is not None and col.enum is not None:
        try:
            return col.enum.parse(value).label
        except (ValueError, KeyError, DudaoError):
            return str(value)
    if col is not None and col.type == "bool":
        return "是" if value is True or str(value).lower() in ("true", "是") else "否"
    if column == "programme":
        found = words.programme(str(value))
        return f"“{found.title}”" if found is not None else str(value)
    if column == "stage":
        names = [_stage_name(p, str(value)) for p in programmes]
        return next((n for n in names if n is not None), str(value))
    if column == "topic":
        return TOPICS.get(str(value), str(value))
    if column in _CODE_COLUMNS:
        return words.named(str(value))
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


def _optional_document_number(value: str | DocumentNumber | None) -> DocumentNumber | None:
    return None if value is None else DocumentNumber.parse(value)


@attrs.frozen
class Forwarding:
    """A unit passing the plan on down the hierarchy with its own 文号 (转发)."""

    by: str
    number: DocumentNumber | None = attrs.field(default=None, converter=_optional_document_number)
    date: dt.date | None = None  # None when the source lost it: never invented
    to: str | None = None


def _required_citation(value: str | Citation) -> Citation:
    return Citation.parse(value)


@attrs.frozen
class WorkPlan:
    """A year's work points of one body, scoped to its jurisdiction."""

    id: str
    title: str
    cite: Citation = attrs.field(converter=_required_citation)
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
