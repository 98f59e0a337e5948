"""The kinds of entry the law book holds.

Every scoped, dated, cited entry is of one kind; resolution is always by kind and id,
so a parameter and a rule may share an id without meeting. ``Kind`` is a ``StrEnum``:
its members are the strings stored in entries and shown in JSON.

>>> Kind.PARAMETER == "parameter", Kind("work_plan").label
(True, '工作要点')
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    PARAMETER = "parameter"
    RULE = "rule"
    INDICATOR_SET = "indicator_set"
    PROGRAMME = "programme"
    WORK_PLAN = "work_plan"
    ACCOUNTABILITY_SITUATION = "accountability_situation"

    @property
    def label(self) -> str:
        """The kind in Chinese, as users see it."""
        return _LABELS[self]


_LABELS = {
    Kind.PARAMETER: "参数",
    Kind.RULE: "规则",
    Kind.INDICATOR_SET: "指标体系",
    Kind.PROGRAMME: "评估认定项目",
    Kind.WORK_PLAN: "工作要点",
    Kind.ACCOUNTABILITY_SITUATION: "问责情景",
}
