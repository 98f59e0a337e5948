"""Schools (学校) and kindergartens.

A national dataset holds ~520,000 schools, so bulk data lives in a columnar
table (see :mod:`dudao.io.tables`); :class:`School` is the row view for small
datasets, YAML and explanations.

>>> s = School("450103-0001", "南宁市第一示范小学", Stage.PRIMARY, Ownership.PUBLIC,
...            students=1850, county="450103")
>>> s.stage.label, s.ownership.label, s.stage.is_compulsory
('小学', '公办', True)
"""

from __future__ import annotations

import attrs

from dudao.model.labels import LabelledEnum


class Stage(LabelledEnum):
    """Stage (学段) of a school."""

    KINDERGARTEN = ("kindergarten", "幼儿园")
    PRIMARY = ("primary", "小学")
    JUNIOR = ("junior", "初中")
    NINE_YEAR = ("nine_year", "九年一贯制学校")
    TWELVE_YEAR = ("twelve_year", "十二年一贯制学校")
    COMPLETE_SECONDARY = ("complete_secondary", "完全中学")
    SENIOR = ("senior", "普通高中")
    SECONDARY_VOCATIONAL = ("secondary_vocational", "中等职业学校")
    HIGHER_VOCATIONAL = ("higher_vocational", "高等职业院校")
    SPECIAL = ("special", "特殊教育学校")

    @property
    def is_compulsory(self) -> bool:
        """Teaches some compulsory-education grades (义务教育)."""
        return self in _COMPULSORY

    @property
    def needs_zone(self) -> bool:
        """Must lie in a responsibility zone: 厅发〔2020〕26号 二（四） names 中小学、幼儿园."""
        return self in _ZONED


_COMPULSORY = frozenset(
    {Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR, Stage.TWELVE_YEAR, Stage.COMPLETE_SECONDARY}
)
_ZONED = _COMPULSORY | {Stage.KINDERGARTEN, Stage.SENIOR, Stage.SECONDARY_VOCATIONAL}


class Ownership(LabelledEnum):
    PUBLIC = ("public", "公办")
    PRIVATE = ("private", "民办")


def _stage(value: str | Stage) -> Stage:
    return Stage.parse(value)


def _ownership(value: str | Ownership) -> Ownership:
    return Ownership.parse(value)


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} 不能为负数：{value}")


@attrs.frozen
class School:
    """One school or kindergarten, in the county-level unit that runs it."""

    id: str
    name: str
    stage: Stage = attrs.field(converter=_stage)
    ownership: Ownership = attrs.field(converter=_ownership)
    students: int = attrs.field(validator=_non_negative)
    county: str
    township: str | None = None
    zone: str | None = None
