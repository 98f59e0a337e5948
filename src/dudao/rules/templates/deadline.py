"""``deadline``: each unit has a record (a filing, a completion) by a due date —
optionally only units that a first record obliged (feedback that must be rectified).

A county files its year's plan by 9 April (南府督委办〔2022〕7号 通知正文)::

    - id: county-plan-filed
      template: deadline
      title: 县（市、区）于4月9日前报送年度工作要点
      cite: [南府督委办〔2022〕7号]
      units: {level: county}
      records:
        table: filings
        where: {kind: plan}
        unit_column: jurisdiction
        date: filed_on
      due: "04-09"                 # or {parameter: reporting.plan_deadline}, "2022-12-31", year-end
      messages:
        missing: {zh: "截至 {due} 未报送"}
        late: {zh: "{done_on} 报送，逾期（期限 {due}）"}

Weinan's rectification of monitoring feedback (渭政教督办〔2023〕1号 五) adds a
``trigger``: only units with a feedback record (since 1 January of the year before)
are judged, and the completion must be dated on or after their latest feedback::

      trigger:
        table: programmes
        where: {programme: quality_monitoring, stage: feedback}
        since: previous-year         # or work-year
      trigger_as: feedback_on        # evidence name of the trigger's date
      done_as: rectified_on          # evidence name of the completion's date
      due: year-end
      early: warning                 # before the due date a missing record is a warning

Settings: ``units`` (jurisdictions) and ``records``
(:mod:`~dudao.rules.templates.selection`; records name the unit in
``unit_column``); ``due`` — ``year-end``, ``"MM-DD"`` in the work year, a date, or
``{parameter: …}`` whose value is one of these (unset: the unit is not judged);
``early`` — the severity before the due date (default: not judged before it).

A unit fails when no record is dated by the check date (``missing``) or the first is
dated after the due date (``late``). Evidence: ``due``, the completion date
(``done_on``), the trigger's date (``triggered_on``, with a trigger), ``problem``.
A message may also use ``{late}`` / ``{late_en}`` (已到期 / 尚未到期).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import attrs

from dudao.errors import Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model import periods
from dudao.model.findings import Severity, TargetKind
from dudao.rules.base import Context, ParamColumn, empty_checks
from dudao.rules.templates.common import Message, TemplateRule, TemplateSpec, citations
from dudao.rules.templates.selection import Records, Units


@attrs.frozen(kw_only=True)
class Trigger:
    """Records that oblige a unit: the latest dated since ``since`` counts."""

    table: str
    where: Mapping[str, Any] = attrs.field(factory=dict)
    date: str = "date"
    unit_column: str = "unit"
    since: Literal["work-year", "previous-year"] = "work-year"

    def records(self) -> Records:
        return Records(
            table=self.table, where=self.where, date=self.date, unit_column=self.unit_column
        )


@attrs.frozen(kw_only=True)
class DueDate:
    """``due: {parameter: id}``."""

    parameter: str


@attrs.frozen(kw_only=True)
class Deadline(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "deadline"
    summary: ClassVar[str] = "每个单位在期限前报送或完成（可限于有触发记录的单位）"
    target_kind: ClassVar[TargetKind] = TargetKind.JURISDICTION

    units: Units
    records: Records
    due: str | dt.date | DueDate = "year-end"
    trigger: Trigger | None = None
    early: Severity | None = None
    trigger_as: str = "triggered_on"
    done_as: str = "done_on"
    messages: Mapping[str, Message] = attrs.field(factory=dict)

    def evidence(self) -> tuple[str, ...]:
        trig = (self.trigger_as,) if self.trigger else ()
        return ("due", *trig, self.done_as, "problem")

    def derived(self) -> tuple[str, ...]:
        return ("late", "late_en")

    def derive(self, row: dict[str, Any]) -> dict[str, Any]:
        # before the due date a shortfall takes the `early` severity (when it differs)
        early = self.early is not None and self.early != self.severity
        late = not (early and self.early is not None and row.get("severity") == self.early.value)
        return {
            **row,
            "late": "已到期" if late else "尚未到期",
            "late_en": "due" if late else "not yet due",
        }

    def default_message(self) -> Message:
        return Message(
            f"截至 {{due}} 未完成：{self.title}", f"Not done by {{due}}: {self.title_en}"
        )

    def message_map(self) -> Mapping[str, Message]:
        return {"": self.message or self.default_message(), **self.messages}

    def parameters(self) -> tuple[str, ...]:
        return (self.due.parameter,) if isinstance(self.due, DueDate) else ()

    def needs(self) -> tuple[str, ...]:
        trig = (self.trigger.table,) if self.trigger else ()
        return tuple(dict.fromkeys((*trig, *self.records.needs())))

    def levels(self) -> tuple[Any, ...]:
        return (self.units.level,) if self.units.level else ()

    def problems(self) -> list[Problem]:
        out = self.units.problems() + self.records.problems()
        if self.trigger is not None:
            out += self.trigger.records().problems(("trigger",))
        if self.units.are_schools:
            out.append(
                Problem(
                    "deadline 模板按区划判断：units 写 level",
                    path=("units",),
                    code="bad-units",
                    hint="如 units: {level: county}",
                )
            )
        if isinstance(self.due, str):
            try:
                periods.deadline(self.due, 2000)
            except ValueError as exc:
                out.append(Problem(str(exc), path=("due",), code="bad-due"))
        for key in self.messages:
            if key not in ("missing", "late"):
                out.append(
                    Problem(
                        f"messages 的 '{key}' 不是本模板的问题类别",
                        path=("messages", key),
                        code="bad-message",
                        hint="可写 missing（未完成）、late（逾期完成）",
                    )
                )
        return out + super().problems()

    def _due(self, ctx: Context, codes: np.ndarray) -> tuple[np.ndarray, ParamColumn | None]:
        year = periods.work_year(ctx.as_of)
        if not isinstance(self.due, DueDate):
            day = periods.deadline(self.due, year)
            return np.full(len(codes), day, dtype=object), None
        col = ctx.param_column(self.due.parameter, codes)
        days = {}
        for v in {repr(v): v for v in col.values}.values():
            try:
                days[repr(v)] = periods.deadline(v, year)
            except ValueError as exc:
                from dudao.errors import DudaoError

                raise DudaoError(
                    Problem(
                        f"参数 {self.due.parameter} 的取值：{exc}",
                        code="bad-parameter",
                        hint='写作“月-日”或“年-月-日”，如 "04-09"',
                    )
                ) from None
        return np.array([days[repr(v)] for v in col.values], dtype=object), col

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = self.evidence()
        codes = self.units.jurisdictions(ctx, region)
        due, col = self._due(ctx, codes)
        keep = np.array(
            [
                d is not None and (self.early is not None or periods.is_due(ctx.as_of, d))
                for d in due
            ],
            dtype=bool,
        )
        year = periods.work_year(ctx.as_of)
        trig_on = None
        if self.trigger is not None:
            first = year - 1 if self.trigger.since == "previous-year" else year
            rows = self.trigger.records().rows(ctx, periods.year_start(first), ctx.as_of, region)
            if not len(rows):  # no unit obliged
                return empty_checks(*evidence)
            latest = (
                pd.Series(pd.to_datetime(rows[self.trigger.date]).to_numpy())
                .groupby(rows[self.trigger.unit_column].astype(object).to_numpy())
                .max()
            )
            trig_on = latest.reindex(codes).to_numpy()
            keep &= pd.notna(trig_on)
        if not keep.any():
            return empty_checks(*evidence)
        codes, due = codes[keep], due[keep]
        cites = (col.subset(keep),) if col is not None else ()
        start = None if self.trigger is not None else periods.year_start(year)
        rows = self.records.rows(ctx, start, ctx.as_of, region)
        frame = pd.DataFrame(
            {
                "unit": rows[self.records.unit_column].astype(object).to_numpy(),
                "date": pd.to_datetime(rows[self.records.date]).to_numpy(),
            }
        )
        if trig_on is not None:
            trig = pd.Series(trig_on[keep], index=codes)
            frame["after"] = trig.reindex(frame["unit"]).to_numpy()
            frame = frame.loc[(frame["date"] >= frame["after"]).to_numpy(dtype=bool)]
        done = frame.groupby("unit")["date"].min().reindex(codes).to_numpy()
        due_ts = pd.to_datetime(pd.Series(due)).to_numpy()
        missing = pd.isna(done)
        late = ~missing & (done > due_ts)
        problem = np.select([missing, late], ["missing", "late"], "")
        severity = np.full(len(codes), self.severity.value, dtype=object)
        if self.early is not None:
            early = np.array([not periods.is_due(ctx.as_of, d) for d in due], dtype=bool)
            severity[early] = self.early.value
        out: dict[str, Any] = {
            "target": codes,
            "jurisdiction": codes,
            "ok": problem == "",
            "severity": severity,
            "citation": citations(rule, len(due), *cites),
            "due": due,
        }
        if trig_on is not None:
            out[self.trigger_as] = [pd.Timestamp(d).date() for d in trig_on[keep]]
        out[self.done_as] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in done]
        out["problem"] = problem
        if col is not None:
            out["sample_parameters"] = col.subset(keep).sample
        return pd.DataFrame(out)
