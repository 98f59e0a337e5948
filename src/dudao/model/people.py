"""Inspectors (督学) and responsibility zones (督学责任区).

>>> from datetime import date
>>> i = Inspector("GX-0001", "李明", InspectorKind.PART_TIME, appointing="450103",
...               term_start=date(2021, 9, 1), consecutive_terms=2,
...               assessments=(Assessment(2022, AssessmentResult.EXCELLENT),))
>>> i.kind.label, i.latest_assessment().result.label
('兼职', '优秀')
"""

from __future__ import annotations

from datetime import date

import attrs

from dudao.model.labels import LabelledEnum


class InspectorKind(LabelledEnum):
    """专职 inspectors are appointed by the government, 兼职 hired by the supervision body
    (《教育督导条例》 第六条)."""

    FULL_TIME = ("full_time", "专职")
    PART_TIME = ("part_time", "兼职")


class AssessmentResult(LabelledEnum):
    """Outcome of an inspector's periodic assessment (考核).

    厅发〔2020〕26号 三（一） names 优秀 (rewarded) and 不合格 (appointment cancelled or
    contract ended); 合格 is the ordinary pass. No source fixes a finer scale.
    """

    EXCELLENT = ("excellent", "优秀")
    QUALIFIED = ("qualified", "合格")
    UNQUALIFIED = ("unqualified", "不合格")


def _result(value: str | AssessmentResult) -> AssessmentResult:
    return AssessmentResult.parse(value)


def _inspector_kind(value: str | InspectorKind) -> InspectorKind:
    return InspectorKind.parse(value)


@attrs.frozen
class Assessment:
    year: int
    result: AssessmentResult = attrs.field(converter=_result)


@attrs.frozen
class Inspector:
    """One inspector.

    ``appointing`` is the code of the government whose body appointed or hired
    them; ``trained_on`` the date pre-service training (岗前培训) was completed;
    ``training_hours`` the centralised training hours of the latest year.
    """

    id: str
    name: str
    kind: InspectorKind = attrs.field(converter=_inspector_kind)
    appointing: str
    term_start: date
    term_end: date | None = None
    consecutive_terms: int = 1
    trained_on: date | None = None
    training_hours: float | None = None
    zone: str | None = None
    assessments: tuple[Assessment, ...] = ()

    def latest_assessment(self) -> Assessment | None:
        return max(self.assessments, key=lambda a: a.year, default=None)


@attrs.frozen
class ResponsibilityZone:
    """A 督学责任区: the schools a county supervision body assigns to zone inspectors
    (《教育督导条例》 第十三条)."""

    id: str
    name: str
    county: str
    schools: tuple[str, ...] = ()
    inspectors: tuple[str, ...] = ()
