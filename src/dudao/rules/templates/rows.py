"""``row-condition``: every row of a table in a period meets conditions; one finding
per unit (the column ``group_by`` names) with any row that does not.

Every supervision forms a report that is made public (厅发〔2020〕26号 二（七））::

    - id: supervision-report-published
      template: row-condition
      title: 督导工作形成督导报告并以适当方式向社会公开
      cite: [厅发〔2020〕26号 二（七）]
      records:
        table: supervisions
        where: {kind: [comprehensive, special, random]}   # 经常性督导 has no report
      group_by: body
      period: judged-year
      conditions:
        - {id: without_report, column: report_date}       # filled in, not after the check date
        - {id: unpublished, column: published_on}
      examples: supervision_id
      count_as: supervisions
      message:
        zh: >-
          {year} 年组织的 {supervisions} 次督导中，{without_report} 次没有督导报告，
          {unpublished} 次的报告未向社会公开（如 {examples}）

A condition names a ``column`` that must be filled in and, when it holds a date, not
later than the check date (a date after it has not happened yet); with ``at_least``
(a number or ``{parameter: …}``) the column's number must reach it instead.
Settings: ``records`` (:mod:`~dudao.rules.templates.selection`), ``group_by``
(the column naming the unit a row is reported under), ``period`` (``work-year`` or
``judged-year``), ``conditions``, ``examples`` (a column whose first five values of
failing rows are listed), ``count_as`` (the evidence name of the number of rows).

Evidence: ``year``, the number of rows (``rows``), one count per condition (its
``id``: rows failing it), ``examples``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import attrs

from dudao.errors import Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model import periods
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, empty_checks
from dudao.rules.templates.common import Amount, Message, TemplateRule, TemplateSpec
from dudao.rules.templates.count import period_of
from dudao.rules.templates.selection import Records, column_problems

EXAMPLES = 5


@attrs.frozen(kw_only=True)
class Condition:
    """A column each row must fill in (by the check date), or reach ``at_least``."""

    id: str
    column: str
    at_least: Amount | None = None


@attrs.frozen(kw_only=True)
class RowCondition(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "row-condition"
    summary: ClassVar[str] = "表中期间内的每一行满足条件；按单位汇总不满足的行"
    target_kind: ClassVar[TargetKind] = TargetKind.JURISDICTION

    records: Records
    group_by: str
    conditions: tuple[Condition, ...]
    period: Literal["work-year", "judged-year"] = "judged-year"
    examples: str | None = None
    count_as: str = "rows"

    def evidence(self) -> tuple[str, ...]:
        more = ("examples",) if self.examples else ()
        return ("year", self.count_as, *(c.id for c in self.conditions), *more)

    def parameters(self) -> tuple[str, ...]:
        return tuple(
            c.at_least.parameter for c in self.conditions if c.at_least and c.at_least.parameter
        )

    def needs(self) -> tuple[str, ...]:
        t = self.records.table
        return (t, *(f"{t}.{c.column}" for c in self.conditions))

    def problems(self) -> list[Problem]:
        out = self.records.problems(uses_unit=False)
        if not self.conditions:
            out.append(Problem("须列出 conditions", path=("conditions",), code="bad-conditions"))
        if not out:  # the table is known: its columns can be checked
            t = self.records.table
            out += column_problems(t, self.group_by, ("group_by",))
            for i, c in enumerate(self.conditions):
                out += column_problems(t, c.column, ("conditions", i, "column"))
            if self.examples:
                out += column_problems(t, self.examples, ("examples",))
        return out + super().problems()

    def judged_on(self, as_of: Any) -> Any:
        return as_of if self.period == "work-year" else period_of(self.period, as_of)[1]

    def default_message(self) -> Message:
        counts = "，".join(f"{c.id} {{{c.id}}}" for c in self.conditions)
        return Message(f"{{year}} 年 {{{self.count_as}}} 条记录中不符合：{counts}")

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        year, due = period_of(self.period, ctx.as_of)
        # the rows of units in the region only, before any test: group_by names the unit
        by_unit = attrs.evolve(self.records, unit_column=self.group_by, schools=(), sub_units=None)
        rows = by_unit.rows(ctx, periods.year_start(year), due, region)
        if not len(rows):
            return empty_checks(*self.evidence())
        day = pd.Timestamp(ctx.as_of)
        failing: dict[str, np.ndarray] = {}
        for c in self.conditions:
            col = rows[c.column]
            if c.at_least is not None:
                limit = c.at_least.column(ctx, rows[self.group_by], on=self.judged_on(ctx.as_of))
                failing[c.id] = ~(
                    pd.to_numeric(col, errors="coerce").to_numpy(float) >= limit.numbers()
                )
            elif pd.api.types.is_datetime64_any_dtype(col):
                failing[c.id] = (col.isna() | (col > day)).to_numpy(dtype=bool)
            else:
                failing[c.id] = col.isna().to_numpy(dtype=bool)
        unit = rows[self.group_by].astype(object).to_numpy()
        frame = pd.DataFrame({"unit": unit, **failing})
        if self.examples:
            frame["example"] = rows[self.examples].astype(object).to_numpy()
            frame = frame.sort_values(["unit", "example"], kind="stable")
        per_unit = frame.groupby("unit").agg(
            **{self.count_as: ("unit", "size")}, **{k: (k, "sum") for k in failing}
        )
        codes = per_unit.index.to_numpy(dtype=object)
        bad = np.zeros(len(codes), dtype=int)
        out: dict[str, Any] = {"target": codes, "jurisdiction": codes}
        counts = {k: per_unit[k].to_numpy(dtype=int) for k in failing}
        for v in counts.values():
            bad += v
        out["ok"] = bad == 0
        out["year"] = year
        out[self.count_as] = per_unit[self.count_as].to_numpy(dtype=int)
        out.update(counts)
        if self.examples:
            any_bad = np.zeros(len(frame), dtype=bool)
            for k in failing:
                any_bad |= frame[k].to_numpy(dtype=bool)
            lacking = frame.loc[any_bad]
            ex = lacking.groupby("unit", sort=False)["example"].agg(lambda x: list(x[:EXAMPLES]))
            out["examples"] = [ex.get(c, []) for c in codes]
        return pd.DataFrame(out)
