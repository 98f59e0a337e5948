"""``ratio``: per unit, one count over another stays within a bound.

Schools per inspector (《中小学校责任督学挂牌督导办法》: one zone inspector for about
five schools, 厅发〔2020〕26号 三（一） "按照1:5的比例配备"), per county::

    - id: schools-per-inspector
      template: ratio
      title: 每名督学负责的学校数不超过规定
      cite: [厅发〔2020〕26号 三（一）]
      units: {level: county}
      numerator: {table: schools, unit_column: county}
      denominator: {table: inspectors, unit_column: appointing}
      at_most: {parameter: inspector.schools_per_inspector}
      message:
        zh: "学校 {numerator} 所、督学 {denominator} 名，每名督学 {ratio} 所，超过 {limit} 所"

Settings: ``units`` (jurisdictions), ``numerator`` and ``denominator`` (records
naming the unit in ``unit_column``; a table without the ``date`` column counts every
row, one with it the rows dated up to the check date), ``at_most`` and/or
``at_least`` (a number or ``{parameter: …}``; unset: the unit is not judged). A unit
whose denominator is 0 fails an ``at_most`` when its numerator is not 0.

Evidence: ``numerator``, ``denominator``, ``ratio``, ``limit``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from dudao.errors import Problem
from dudao.law.book import Region
from dudao.lazyimports import np, pd
from dudao.model.findings import TargetKind
from dudao.rules.base import Context, empty_checks, row_citations
from dudao.rules.templates.common import Amount, Message, TemplateRule, TemplateSpec
from dudao.rules.templates.selection import Records, Units


@attrs.frozen(kw_only=True)
class Ratio(TemplateSpec):
    """See the module docstring."""

    name: ClassVar[str] = "ratio"
    summary: ClassVar[str] = "每个单位两个数量之比不超过（或不低于）规定"
    target_kind: ClassVar[TargetKind] = TargetKind.JURISDICTION

    units: Units
    numerator: Records
    denominator: Records
    at_most: Amount | None = None
    at_least: Amount | None = None

    def evidence(self) -> tuple[str, ...]:
        return ("numerator", "denominator", "ratio", "limit")

    def default_message(self) -> Message:
        return Message(
            "{numerator} / {denominator} = {ratio}，不符合规定的 {limit}",
            "{numerator} / {denominator} = {ratio}, limit {limit}",
        )

    def parameters(self) -> tuple[str, ...]:
        return tuple(a.parameter for a in (self.at_most, self.at_least) if a and a.parameter)

    def needs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.numerator.needs(), *self.denominator.needs())))

    def levels(self) -> tuple[Any, ...]:
        return (self.units.level,) if self.units.level else ()

    def problems(self) -> list[Problem]:
        out = self.units.problems() + self.numerator.problems(("numerator",))
        out += self.denominator.problems(("denominator",))
        if self.at_most is None and self.at_least is None:
            out.append(
                Problem(
                    "须给出 at_most 或 at_least", path=(), code="bad-ratio", hint="如 at_most: 5"
                )
            )
        return out + super().problems()

    def check(self, rule: TemplateRule, ctx: Context, region: Region) -> pd.DataFrame:
        codes = self.units.jurisdictions(ctx, region)
        bound = self.at_most or self.at_least
        assert bound is not None
        limit = bound.column(ctx, codes)
        keep = limit.is_set
        if not keep.any():
            return empty_checks(*self.evidence())
        codes, limit = codes[keep], limit.subset(keep)
        top = self.numerator.per_unit(ctx, codes, self.numerator.rows(ctx, None, ctx.as_of, region))
        bottom = self.denominator.per_unit(
            ctx, codes, self.denominator.rows(ctx, None, ctx.as_of, region)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                bottom > 0, top / np.maximum(bottom, 1), np.where(top > 0, np.inf, 0.0)
            )
        bounds = limit.numbers()
        ok = ratio <= bounds if self.at_most is not None else ratio >= bounds
        return pd.DataFrame(
            {
                "target": codes,
                "jurisdiction": codes,
                "ok": ok,
                "citation": row_citations(rule.cite, limit),
                "numerator": top,
                "denominator": bottom,
                "ratio": pd.Series(
                    [round(float(r), 2) if np.isfinite(r) else None for r in ratio], dtype=object
                ),
                "limit": bounds,
                "sample_parameters": limit.sample,
            }
        )
