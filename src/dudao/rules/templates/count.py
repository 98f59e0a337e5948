"""``count-per-period``: each unit has at least a target number of records in a period.

Weinan's annual 千园达标 task (渭政教督办〔2023〕1号 二: each county has as many
kindergartens accepted in the year as its task)::

    - id: qianyuan-annual-task
      template: count-per-period
      title: 完成“千园达标”年度达标任务
      cite: [渭政教督办〔2023〕1号 二]
      since: 2023-02-15
      until: 2023-12-31
      units: {level: county}
      records:
        table: programmes
        where: {programme: qianyuan, passed: true}
        unit_column: unit              # the record names a school …
        schools: [kindergarten]        # … a kindergarten, counted once in its county
      period: work-year                # this year, up to the check date
      early: warning                   # before 31 December a shortfall is a warning
      at_least: {parameter: creation.qianyuan_annual_target}   # unset: county not judged
      message:
        zh: "{year}年通过验收的幼儿园{achieved}所，年度任务{required}所（{late}，期限{due}）"

Settings: ``units`` and ``records`` (:mod:`~dudao.rules.templates.selection`);
``period`` — ``work-year`` (the as-of year up to the as-of date, due 31 December) or
``judged-year`` (the last year ended by the as-of date, :func:`dudao.model.periods.judged_year`);
``at_least`` — a number or ``{parameter: …}``; ``switch`` — a parameter that must be
set (and not ``false``) for a unit to be judged; ``early`` — the severity of a
shortfall before the period is due; ``count_as`` — the evidence name of the count.

Evidence: ``year``, ``required``, the count (``achieved``), ``shortfall``, ``due``,
``setting`` (the switch's value), ``schools`` (with ``units.with_schools``),
``unplaced_records`` (records naming schools the schools table does not hold); with
``records.sub_units`` (the records name units of that level under the judged one, such
as townships, each counted once) also ``sub_units`` (how many the dataset knows),
``not_covered`` (the first ten without a record) and ``problem`` (``no-sub-units``
where it knows none; ``messages: {no-sub-units: …}`` words that case).
A message may also use ``{late}`` (已到期 / 尚未到期) and ``{late_en}``.
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
from dudao.rules.base import Context, empty_checks, row_citations
from dudao.rules.templates.common import ONE, Amount, Message, TemplateRule, TemplateSpec
from dudao.rules.templates.selection import Records, Units

Period = Literal["work-year", "judged-year"]


def period_of(period: Period, as_of: dt.date) -> tuple[int, dt.date]:
    """(year, the day its parameters are read and it is due) of a period."""
    year = periods.work_year(as_of) if period == "work-year" else periods.judged_year(as_of)
    return year, periods.year_end(year)


def switched_on(values: np.ndarray) -> np.ndarray:
    """Units a switch parameter turns on: set and not ``false``."""
    return np.array([v is not None and v is not False for v in values], dtype=bool)


@attrs.frozen(kw_only=True)
class CountPerPeriod(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "count-per-period"
    summary: ClassVar[str] = "每个单位在一个期间内的记录数不少于目标数"

    units: Units
    records: Records
    at_least: Amount = ONE
    period: Period = "work-year"
    switch: str | None = None
    early: Severity | None = None
    count_as: str = "achieved"
    messages: Mapping[str, Message] = attrs.field(factory=dict)

    #: sub-units not covered that the evidence lists
    SHOWN: ClassVar[int] = 10

    @property
    def target_kind(self) -> TargetKind:  # type: ignore[override]
        return TargetKind.SCHOOL if self.units.are_schools else TargetKind.JURISDICTION

    def evidence(self) -> tuple[str, ...]:
        more = ("schools",) if self.units.with_schools else ()
        if self.records.schools and not self.units.are_schools:
            more = (*more, "unplaced_records")
        if self.records.sub_units is not None:
            more = (*more, "sub_units", "not_covered", "problem")
        return ("year", "required", self.count_as, "shortfall", "due", "setting", *more)

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
            f"{{year}} 年度{self.title}：{{{self.count_as}}}，目标 {{required}}",
            f"{{year}}: {{{self.count_as}}} of {{required}} ({self.title_en or self.title})",
        )

    def message_map(self) -> Mapping[str, Message]:
        return {"": self.message or self.default_message(), **self.messages}

    def parameters(self) -> tuple[str, ...]:
        return (
            *self.at_least.parameters,
            *((self.switch,) if self.switch else ()),
            *self.units.parameters(),
        )

    def needs(self) -> tuple[str, ...]:
        more = ("schools",) if (self.units.are_schools or self.units.with_schools) else ()
        return tuple(dict.fromkeys((*self.records.needs(), *more)))

    def levels(self) -> tuple[Any, ...]:
        return (self.units.level,) if self.units.level else ()

    def problems(self) -> list[Problem]:
        out = self.units.problems() + self.records.problems()
        for key in self.messages:
            if key != "no-sub-units" or self.records.sub_units is None:
                out.append(
                    Problem(
                        f"messages 的 '{key}' 不是本模板的问题类别",
                        path=("messages", key),
                        code="bad-message",
                        hint="records 写了 sub_units 时可写 no-sub-units（数据集中没有下级单位）",
                    )
                )
        return out + super().problems()

    def judged_on(self, as_of: dt.date) -> dt.date:
        return as_of if self.period == "work-year" else period_of(self.period, as_of)[1]

    def _sub_units(
        self, ctx: Context, region: Region, codes: np.ndarray, rows: pd.DataFrame
    ) -> dict[str, Any]:
        """Per unit: its known sub-units, those no record covers (first :attr:`SHOWN`,
        as "code name"), and ``no-sub-units`` where the dataset knows none."""
        assert self.records.sub_units is not None
        wanted = set(codes)
        subs = [u for u in ctx.units([self.records.sub_units], region) if u.parent in wanted]
        covered = self.records.covered_sub_units(ctx, codes, rows)
        known = pd.Series([u.parent for u in subs], dtype=object).value_counts()
        missing: dict[str, list[str]] = {}
        for u in subs:
            if u.code not in covered and u.parent is not None:
                shown = missing.setdefault(u.parent, [])
                if len(shown) < self.SHOWN:
                    shown.append(f"{u.code} {u.name}")
        total = known.reindex(codes, fill_value=0).to_numpy(dtype=int)
        return {
            "sub_units": total,
            "not_covered": [missing.get(c, []) for c in codes],
            "problem": np.where(total == 0, "no-sub-units", ""),
        }

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = self.evidence()
        year, due = period_of(self.period, ctx.as_of)
        on = self.judged_on(ctx.as_of)
        if self.units.are_schools:
            schools = self.units.school_rows(ctx, region)
            codes = schools["county"].astype(object).to_numpy()
        else:
            # the schools each unit must have are looked for last, in the units still
            # judged (a switch unset in the region judges none: no school is read)
            codes = self.units.jurisdictions(ctx, region, with_schools=False)
            schools = None
        keep = np.ones(len(codes), dtype=bool)
        setting = np.full(len(codes), None, dtype=object)
        cites: list[Any] = []
        if self.switch:
            col = ctx.param_column(self.switch, codes, on=on)
            keep &= switched_on(col.values)
            setting = col.values
            cites.append(col)
        target = self.at_least.column(ctx, codes, on=on)
        keep &= target.is_set
        cites.append(target)
        if schools is None and keep.any():
            keep &= self.units.have_schools(ctx, region, codes)
        if not keep.any():
            return empty_checks(*evidence)
        cites = [c.subset(keep) for c in cites]
        required = target.subset(keep).numbers()
        sample = np.zeros(int(keep.sum()), dtype=bool)
        for c in cites:
            sample |= c.sample
        # records naming the judged units (not schools): those of units in the region
        rows = self.records.rows(
            ctx, periods.year_start(year), due, region if schools is None else None
        )
        if schools is not None:
            schools = schools.loc[keep]
            achieved, _ = self.records.per_school(ctx, schools, rows)
            targets = schools["school_id"].astype(object).to_numpy()
            names: dict[str, Any] = {"target_name": schools["name"].astype(object).to_numpy()}
            where = schools["county"].astype(object).to_numpy()
        else:
            targets = where = codes[keep]
            achieved = self.records.per_unit(ctx, targets, rows)
            names = {}
        more: dict[str, Any] = {}
        if self.records.schools and schools is None:
            more["unplaced_records"] = self.records.unplaced(ctx, rows)
        if self.records.sub_units is not None:
            more.update(self._sub_units(ctx, region, targets, rows))
        if self.units.with_schools:
            per_county = self.units.schools_per_county(ctx, region)
            more["schools"] = per_county.reindex(targets, fill_value=0).to_numpy(int)
        ok = achieved >= required
        severity = np.full(len(targets), self.severity.value, dtype=object)
        if self.early is not None and not periods.is_due(ctx.as_of, due):
            severity[:] = self.early.value
        return pd.DataFrame(
            {
                "target": targets,
                **names,
                "jurisdiction": where,
                "ok": ok,
                "severity": severity,
                "citation": row_citations(rule.cite, *cites),
                "year": year,
                "required": required.astype(int),
                self.count_as: achieved.astype(int),
                "shortfall": np.maximum(required - achieved, 0).astype(int),
                "due": due,
                "setting": [v if v is not True else None for v in setting[keep]],
                **more,
                "sample_parameters": sample,
            }
        )
