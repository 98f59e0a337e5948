"""Programme stages a county moves through: 县级自评 → 市级复核 → 省级评估 → 国家认定.

Each stage's result is recorded with its date; a stage may only follow the one
before it has passed. A failed stage may be redone (after rectification) or the
county may start again from self-assessment.

>>> import datetime as dt
>>> run = ProgrammeRun("quality_balanced", "450103")
>>> run = run.record("self_assessment", passed=True, on=dt.date(2024, 1, 10))
>>> run.next_stage.label
'市级复核'
>>> run.record("provincial_assessment", passed=True, on=dt.date(2024, 3, 1))
Traceback (most recent call last):
...
dudao.errors.DudaoError: 450103 不能进入“省级评估”：下一步应为“市级复核”（...）
>>> run = run.record("city_review", passed=True, on=dt.date(2024, 2, 1))
>>> run.status
'进行中'
"""

from __future__ import annotations

import datetime as dt

import attrs

from dudao.errors import DudaoError, Problem
from dudao.model.labels import LabelledEnum


class ProgrammeStage(LabelledEnum):
    SELF_ASSESSMENT = ("self_assessment", "县级自评")
    CITY_REVIEW = ("city_review", "市级复核")
    PROVINCIAL_ASSESSMENT = ("provincial_assessment", "省级评估")
    NATIONAL_RECOGNITION = ("national_recognition", "国家认定")


ORDER = tuple(ProgrammeStage)


@attrs.frozen
class StageResult:
    stage: ProgrammeStage
    passed: bool
    on: dt.date
    by: str | None = None  # the body that decided (a jurisdiction code)
    score: float | None = None
    grade: str | None = None
    note: str | None = None


@attrs.frozen
class ProgrammeRun:
    """One county's way through a programme; :meth:`record` returns a new run."""

    programme: str
    county: str
    results: tuple[StageResult, ...] = ()

    @property
    def next_stage(self) -> ProgrammeStage | None:
        """The stage the county may take next (None once recognised)."""
        if not self.results:
            return ORDER[0]
        last = self.results[-1]
        if not last.passed:
            return last.stage
        i = ORDER.index(last.stage)
        return ORDER[i + 1] if i + 1 < len(ORDER) else None

    @property
    def status(self) -> str:
        if not self.results:
            return "未申报"
        last = self.results[-1]
        if last.passed and last.stage is ORDER[-1]:
            return "已认定"
        return "进行中" if last.passed else f"{last.stage.label}未通过"

    def record(
        self,
        stage: ProgrammeStage | str,
        *,
        passed: bool,
        on: dt.date,
        by: str | None = None,
        score: float | None = None,
        grade: str | None = None,
        note: str | None = None,
    ) -> ProgrammeRun:
        """Record a stage's result; out-of-order stages and backdated results are refused."""
        stage = ProgrammeStage.parse(stage)
        expected = self.next_stage
        restart = stage is ORDER[0] and self.results and not self.results[-1].passed
        if stage is not expected and not restart:
            why = f"下一步应为“{expected.label}”" if expected else "已通过国家认定"
            raise DudaoError(
                Problem(
                    f"{self.county} 不能进入“{stage.label}”：{why}",
                    code="stage-out-of-order",
                    hint="按 县级自评 → 市级复核 → 省级评估 → 国家认定 的顺序记录",
                )
            )
        if self.results and on < self.results[-1].on:
            raise DudaoError(
                Problem(
                    f"{stage.label} 的日期 {on} 早于上一步（{self.results[-1].on}）",
                    code="stage-backdated",
                )
            )
        result = StageResult(stage, passed, on, by, score, grade, note)
        return attrs.evolve(self, results=(*self.results, result))
