"""``coverage``: every unit (school) lies in a responsibility zone that exists and has
an inspector serving on the due date.

Nanning's city-administered higher-education institutions (南府督委办〔2022〕7号 五
"建立市管高校督学责任区")::

    - id: university-zones
      template: coverage
      title: 市管高校纳入督学责任区
      cite: [南府督委办〔2022〕7号 五]
      since: 2022-01-01
      units: {schools: [higher_vocational]}
      due: {parameter: zone.university_zones_due}     # unset: not judged; before it: not yet
      messages:
        no-zone: {zh: "截至 {due} 该高校未纳入督学责任区"}
        no-inspector: {zh: "截至 {due} 该高校所在责任区 {zone} 没有在任督学"}

Settings: ``units`` (schools of stages); ``due`` — as for ``deadline``
(default: the check date itself). Serving means the inspector's term covers the due
date. Evidence: ``due``, ``zone``, ``zone_inspectors``, ``problem`` (``no-zone``,
``no-inspector``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from dudao.errors import DudaoError, Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model import periods
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, empty_checks
from dudao.rules.templates.common import Message, TemplateRule, TemplateSpec, citations
from dudao.rules.templates.deadline import DueDate
from dudao.rules.templates.selection import Units


@attrs.frozen(kw_only=True)
class Coverage(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "coverage"
    summary: ClassVar[str] = "每所学校在有在任督学的责任区内"
    target_kind: ClassVar[TargetKind] = TargetKind.SCHOOL

    units: Units
    due: str | dt.date | DueDate | None = None
    messages: Mapping[str, Message] = attrs.field(factory=dict)

    def evidence(self) -> tuple[str, ...]:
        return ("due", "zone", "zone_inspectors", "problem")

    def default_message(self) -> Message:
        return Message(
            "截至 {due} 未纳入有在任督学的责任区", "Not covered by a zone inspector on {due}"
        )

    def message_map(self) -> Mapping[str, Message]:
        return {"": self.message or self.default_message(), **self.messages}

    def parameters(self) -> tuple[str, ...]:
        return (self.due.parameter,) if isinstance(self.due, DueDate) else ()

    def needs(self) -> tuple[str, ...]:
        return ("schools", "zones", "inspectors")

    def problems(self) -> list[Problem]:
        out = self.units.problems()
        if not self.units.are_schools:
            out.append(
                Problem(
                    "coverage 模板按学校判断：units 写 schools（学段）",
                    path=("units",),
                    code="bad-units",
                    hint="如 units: {schools: [higher_vocational]}",
                )
            )
        for key in self.messages:
            if key not in ("no-zone", "no-inspector"):
                out.append(
                    Problem(
                        f"messages 的 '{key}' 不是本模板的问题类别",
                        path=("messages", key),
                        code="bad-message",
                        hint="可写 no-zone（未纳入责任区）、no-inspector（责任区没有在任督学）",
                    )
                )
        return out + super().problems()

    def _due(self, ctx: Context, codes: np.ndarray) -> tuple[np.ndarray, Any]:
        year = periods.work_year(ctx.as_of)
        if self.due is None:
            return np.full(len(codes), ctx.as_of, dtype=object), None
        if not isinstance(self.due, DueDate):
            return np.full(len(codes), periods.deadline(self.due, year), dtype=object), None
        col = ctx.param_column(self.due.parameter, codes)
        try:
            days = [periods.deadline(v, year) for v in col.values]
        except ValueError as exc:
            raise DudaoError(
                Problem(f"参数 {self.due.parameter} 的取值：{exc}", code="bad-parameter")
            ) from None
        return np.array(days, dtype=object), col

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = self.evidence()
        schools = self.units.school_rows(ctx, region)
        if not len(schools):
            return empty_checks(*evidence)
        due, col = self._due(ctx, schools["county"].astype(object).to_numpy())
        keep = np.array([d is not None and d <= ctx.as_of for d in due], dtype=bool)
        if not keep.any():
            return empty_checks(*evidence)
        schools, due = schools.loc[keep], due[keep]
        cites = (col.subset(keep),) if col is not None else ()
        zone = schools["zone"].astype(object).to_numpy()
        known = pd.Index(ctx.dataset.zones["zone_id"].astype(object))
        in_zone = pd.notna(zone) & (known.get_indexer(zone) >= 0)
        # serving inspectors per zone on each distinct due date (a few dates, however
        # many schools and inspectors: no schools × inspectors matrix)
        ins = ctx.dataset.inspectors
        ins_zone = ins["zone"].astype(object)
        counts = np.zeros(len(schools), dtype=int)
        for day in {d for d in due}:
            stamp = pd.Timestamp(day)
            serving = (ins["term_start"] <= stamp) & (
                ins["term_end"].isna() | (ins["term_end"] >= stamp)
            )
            per_zone = ins_zone[serving.to_numpy(dtype=bool)].value_counts()
            rows = np.array([d == day for d in due], dtype=bool)
            counts[rows] = per_zone.reindex(zone[rows], fill_value=0).to_numpy(dtype=int)
        inspectors = np.where(in_zone, counts, 0)
        problem = np.select([~in_zone, inspectors == 0], ["no-zone", "no-inspector"], "")
        out = {
            "target": schools["school_id"].astype(object).to_numpy(),
            "target_name": schools["name"].astype(object).to_numpy(),
            "jurisdiction": schools["county"].astype(object).to_numpy(),
            "ok": problem == "",
            "citation": citations(rule, len(due), *cites),
            "due": due,
            "zone": np.where(in_zone, zone, None),
            "zone_inspectors": inspectors,
            "problem": problem,
        }
        if cites:
            out["sample_parameters"] = cites[0].sample
        return pd.DataFrame(out)
