"""``cycle``: every unit has a record within a cycle of N years (每N年一轮) ending with
the judged year.

Yueyang's annual assessment of high-school-stage schools (《岳阳市2023年教育督导工作要点》
6（二）（三）), a cycle whose length a parameter gives (1: every year)::

    - id: high-school-stage-evaluation
      template: cycle
      title: 高中阶段学校每年接受县级考核或市级督导评估
      cite: [《岳阳市2023年教育督导工作要点》 6（二）, 《岳阳市2023年教育督导工作要点》 6（三）]
      units: {schools: [senior, secondary_vocational, complete_secondary, twelve_year]}
      records:
        table: supervisions
        where: {target_kind: school, kind: comprehensive}
        unit_column: target
        organised_by: unit-or-above      # the school's county or a body above it
      years: {parameter: school.high_school_assessment_cycle_years}
      message:
        zh: "{span}没有县级考核或市级督导评估记录"

Settings: ``units`` (schools; ``larger_than`` keeps only schools above a size
limit) and ``records`` (:mod:`~dudao.rules.templates.selection`); ``years`` — the
cycle's length, a number or ``{parameter: …}`` whose value is a number of years, or
``true`` (one year); unset or ``false``: the unit is not judged.

The judged year is :func:`dudao.model.periods.judged_year`; parameters are read on
its 31 December. Evidence: ``year``, ``from_year``, ``evaluations``,
``last_evaluation`` (and ``students``, ``size_limit``, ``size_basis`` with
``larger_than``). A message may also use ``{span}`` (``2023 年度`` or
``2019—2023 年``) and ``{span_en}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs

from dudao.errors import Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model import periods
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, empty_checks, row_citations
from dudao.rules.templates.common import ONE, Amount, Message, TemplateRule, TemplateSpec
from dudao.rules.templates.selection import Records, Units


def cycle_length(value: Any) -> int:
    """A cycle parameter's number of years: ``true`` is one, unset or ``false`` none.

    >>> cycle_length(True), cycle_length(5), cycle_length(None), cycle_length(False)
    (1, 5, 0, 0)
    """
    if value is True:
        return 1
    if value is None or value is False:
        return 0
    return max(int(value), 0)


@attrs.frozen(kw_only=True)
class Cycle(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "cycle"
    summary: ClassVar[str] = "每个单位在每 N 年一轮的周期内至少有一条记录"
    target_kind: ClassVar[TargetKind] = TargetKind.SCHOOL

    units: Units
    records: Records
    years: Amount = ONE

    def evidence(self) -> tuple[str, ...]:
        size = ("students", "size_limit", "size_basis") if self.units.larger_than else ()
        return ("year", "from_year", "evaluations", "last_evaluation", *size)

    def derived(self) -> tuple[str, ...]:
        return ("span", "span_en")

    def derive(self, row: dict[str, Any]) -> dict[str, Any]:
        year, first = row["year"], row["from_year"]
        if first < year:
            return {**row, "span": f"{first}—{year} 年", "span_en": f"{first}–{year}"}
        return {**row, "span": f"{year} 年度", "span_en": str(year)}

    def default_message(self) -> Message:
        return Message("{span}没有记录", "No record in {span_en}")

    def parameters(self) -> tuple[str, ...]:
        return (*self.years.parameters, *self.units.parameters())

    def needs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(("schools", *self.records.needs())))

    def problems(self) -> list[Problem]:
        out = self.units.problems() + self.records.problems()
        if not self.units.are_schools:
            out.append(
                Problem(
                    "cycle 模板按学校判断：units 写 schools（学段）",
                    path=("units",),
                    code="bad-units",
                    hint="如 units: {schools: [primary, junior]}",
                )
            )
        return out + super().problems()

    def judged_on(self, as_of: dt.date) -> dt.date:
        return periods.year_end(periods.judged_year(as_of))

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = self.evidence()
        year = periods.judged_year(ctx.as_of)
        on = periods.year_end(year)
        # a cycle set in none of the region's counties judges no school: none is read
        counties = self.years.column(ctx, self.units.counties(ctx, region), on=on).values
        if not any(v is not None and v is not False for v in counties):
            return empty_checks(*evidence)
        schools = self.units.school_rows(ctx, region)
        length = self.years.column(ctx, schools["county"], on=on)
        years = np.array([cycle_length(v) for v in length.values], dtype=int)
        on_ = years > 0
        schools, length, years = schools.loc[on_], length.subset(on_), years[on_]
        big, extra = self.units.sized(ctx, schools, on)
        if not big.any():
            return empty_checks(*evidence)
        schools, length, years = schools.loc[big], length.subset(big), years[big]
        extra = {k: v[big] for k, v in extra.items()}
        more_cites = extra.pop("cites", None)
        cites = (length,) if more_cites is None else (length, more_cites)
        counts = np.zeros(len(schools), dtype=int)
        last = np.full(len(schools), None, dtype=object)
        for n in np.unique(years):  # one cycle length, or a few
            rows = years == n
            first, _ = periods.cycle_years(year, int(n))
            found = self.records.rows(ctx, periods.year_start(first), on)
            counts[rows], last[rows] = self.records.per_school(ctx, schools.loc[rows], found)
        return pd.DataFrame(
            {
                "target": schools["school_id"].astype(object).to_numpy(),
                "target_name": schools["name"].astype(object).to_numpy(),
                "jurisdiction": schools["county"].astype(object).to_numpy(),
                "ok": counts > 0,
                "citation": row_citations(rule.cite, *cites),
                "year": year,
                "from_year": year - years + 1,
                "evaluations": counts,
                "last_evaluation": last,
                **extra,
                "sample_parameters": length.sample,
            }
        )
