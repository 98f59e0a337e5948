"""Records of supervision work: supervisions carried out, plans and results filed
upward, committee meetings, budgets. Enumerations for the columns that hold them.

At national scale these are columnar tables (:mod:`dudao.io.tables`).
"""

from __future__ import annotations

from dudao.model.labels import LabelledEnum


class SupervisionKind(LabelledEnum):
    """《教育督导条例》 第十三条 distinguishes 专项督导 and 综合督导; 厅发〔2020〕26号
    二（六） adds 日常督导 and 随机督导."""

    COMPREHENSIVE = ("comprehensive", "综合督导")
    SPECIAL = ("special", "专项督导")
    ROUTINE = ("routine", "经常性督导")
    RANDOM = ("random", "随机督导")


class SupervisionTarget(LabelledEnum):
    """督政 supervises governments, 督学 supervises schools."""

    GOVERNMENT = ("government", "政府")
    SCHOOL = ("school", "学校")


class FilingKind(LabelledEnum):
    """What a lower supervision body reports upward (厅发〔2020〕26号 二（二）)."""

    PLAN = ("plan", "年度工作计划")
    MAJOR_MATTER = ("major_matter", "重大事项")
    RESULT = ("result", "督导结果")


class MeetingKind(LabelledEnum):
    REGULAR = ("regular", "例会")
    SPECIAL = ("special", "专题会议")
