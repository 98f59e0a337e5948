"""Programme stages a unit moves through: by default 县级自评 → 市级复核 → 省级评估 →
国家认定, or the stages of its :class:`~dudao.evaluation.programmes.Programme`.

Each stage's result is recorded with its date; a stage may only follow the one
before it has passed. A failed stage may be redone (after rectification) or the
unit may start again from the first stage.

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

A programme with stages of its own (陕西 316工程-style school evaluation, say):

>>> from dudao.evaluation.programmes import Programme, Stage
>>> p = Programme("demo", "示例", stages=(Stage("self", "学校自评"), Stage("city", "市级评估")),
...               sample=True)
>>> run = ProgrammeRun.of(p, "S1").record("学校自评", passed=True, on=dt.date(2024, 1, 1))
>>> run.next_stage.name
'市级评估'
"""

from __future__ import annotations

import datetime as dt

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.programmes import DEFAULT_STAGES, Programme, Stage
from dudao.model.labels import LabelledEnum


class ProgrammeStage(LabelledEnum):
    """The default stages (see :data:`~dudao.evaluation.programmes.DEFAULT_STAGES`)."""

    SELF_ASSESSMENT = ("self_assessment", "县级自评")
    CITY_REVIEW = ("city_review", "市级复核")
    PROVINCIAL_ASSESSMENT = ("provincial_assessment", "省级评估")
    NATIONAL_RECOGNITION = ("national_recognition", "国家认定")


ORDER = tuple(ProgrammeStage)


@attrs.frozen
class StageResult:
    stage: Stage
    passed: bool
    on: dt.date
    by: str | None = None  # the body that decided (a jurisdiction code)
    score: float | None = None
    grade: str | None = None
    note: str | None = None


@attrs.frozen
class ProgrammeRun:
    """One unit's way through a programme; :meth:`record` returns a new run."""

    programme: str
    county: str
    results: tuple[StageResult, ...] = ()
    stages: tuple[Stage, ...] = DEFAULT_STAGES

    @classmethod
    def of(cls, programme: Programme, unit: str) -> ProgrammeRun:
        """A run through ``programme``'s own stages."""
        return cls(programme.id, unit, stages=programme.stages)

    @property
    def next_stage(self) -> Stage | None:
        """The stage the unit may take next (None once through the last)."""
        if not self.results:
            return self.stages[0]
        last = self.results[-1]
        if not last.passed:
            return last.stage
        i = self.stages.index(last.stage)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None

    @property
    def status(self) -> str:
        if not self.results:
            return "未申报"
        last = self.results[-1]
        if last.passed and last.stage == self.stages[-1]:
            return "已认定" if last.stage.name.endswith("认定") else f"{last.stage.name}已通过"
        return "进行中" if last.passed else f"{last.stage.label}未通过"

    def _stage(self, stage: Stage | str) -> Stage:
        text = stage.id if isinstance(stage, Stage) else str(stage)
        for s in self.stages:
            if text in (s.id, s.name):
                return s
        raise DudaoError(
            Problem(
                f"项目 {self.programme} 没有阶段 '{text}'",
                code="unknown-stage",
                hint="可选：" + " → ".join(s.name for s in self.stages),
            )
        )

    def record(
        self,
        stage: Stage | str,
        *,
        passed: bool,
        on: dt.date,
        by: str | None = None,
        score: float | None = None,
        grade: str | None = None,
        note: str | None = None,
    ) -> ProgrammeRun:
        """Record a stage's result; out-of-order stages and backdated results are refused."""
        stage = self._stage(stage)
        expected = self.next_stage
        restart = stage == self.stages[0] and self.results and not self.results[-1].passed
        if stage != expected and not restart:
            why = f"下一步应为“{expected.label}”" if expected else f"已通过{self.stages[-1].name}"
            raise DudaoError(
                Problem(
                    f"{self.county} 不能进入“{stage.label}”：{why}",
                    code="stage-out-of-order",
                    hint="按 " + " → ".join(s.name for s in self.stages) + " 的顺序记录",
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
