"""Yueyang's rule that no template states: 《岳阳市2023年教育督导工作要点》 5 "指导县市区政府
教育督导机构根据工作需要对所辖乡镇政府（街道办事处）履行教育职责进行督导评价".

``township-evaluation``: the county evaluated at least one of its townships in the year
(a warning, not an error: "根据工作需要" leaves the extent to the county), listing the
townships not evaluated. The other five rules of the work points are written from
templates in ``data/rules/evaluations.yaml`` (docs/templates.md).

It reads the ``supervisions`` table: an evaluation of a township is a record whose
target is the township's government and whose body is the county. It is switched on
by ``evaluation.township_evaluation``, which Yueyang sets for 2023 only. The year
judged is :func:`dudao.model.periods.judged_year` (the last year whose 31 December
has come), with parameters read on its 31 December.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dudao.law.book import Region
from dudao.model.findings import Severity, TargetKind
from dudao.model.jurisdiction import JurisdictionKind, Level
from dudao.model.periods import judged_year, year_end
from dudao.rules.base import Context, Rule, empty_checks, row_citations

SEED = "《岳阳市2023年教育督导工作要点》"


class TownshipEvaluation(Rule):
    """Where ``evaluation.township_evaluation`` is on, each county government evaluated
    (督导评价) at least one of its townships in the judged year: a comprehensive or special
    supervision whose target is the township's government and whose body is the county —
    the evaluator :meth:`Hierarchy.evaluator` names. "根据工作需要" leaves how many to the
    county, so a county that evaluated none gets a warning, and the evidence lists the
    townships not evaluated. Townships come from the hierarchy (a dataset's
    ``jurisdictions``): a county whose townships are unknown shows 0 of 0."""

    id = "township-evaluation"
    title = "县市区对所辖乡镇（街道）开展履行教育职责督导评价"
    title_en = "The county evaluates its townships' performance of education duties"
    cite = (f"{SEED} 5",)
    target_kind = TargetKind.JURISDICTION
    levels = (Level.COUNTY,)
    severity = Severity.WARNING
    parameters = ("evaluation.township_evaluation",)
    needs = ("supervisions",)
    SHOWN: ClassVar[int] = 10

    def check(self, ctx: Context, region: Region) -> pd.DataFrame:
        evidence = ("year", "townships", "evaluated", "not_evaluated", "sample_parameters")
        year = judged_year(ctx.as_of)
        counties = np.array(
            [
                u.code
                for u in ctx.units([Level.COUNTY], region)
                if u.kind is not JurisdictionKind.DEVELOPMENT_ZONE
            ],
            dtype=object,
        )
        param = ctx.param_column(self.parameters[0], counties, on=year_end(year))
        on = np.array([v is True for v in param.values], dtype=bool)
        counties, param = counties[on], param.subset(on)
        if not len(counties):
            return empty_checks(*evidence)
        h = ctx.hierarchy
        towns = [u for u in ctx.units([Level.TOWNSHIP], region) if u.parent in set(counties)]
        town = pd.Series([u.code for u in towns], dtype=object)
        parent = pd.Series([u.parent for u in towns], dtype=object)
        sup = ctx.dataset.supervisions
        last = min(pd.Timestamp(year_end(year)), pd.Timestamp(ctx.as_of))
        sup = sup.loc[
            ((sup["date"] >= pd.Timestamp(year, 1, 1)) & (sup["date"] <= last)).to_numpy()
        ]
        sup = sup.loc[
            (
                (sup["target_kind"] == "government")
                & sup["kind"].isin(["comprehensive", "special"])
            ).to_numpy()
        ]
        at = pd.Index(town).get_indexer(sup["target"].astype(object))
        by_county = (at >= 0) & (
            sup["body"].astype(object).to_numpy() == parent.to_numpy()[np.maximum(at, 0)]
            if len(town)
            else np.zeros(len(sup), dtype=bool)
        )
        done = np.zeros(len(town), dtype=bool)
        done[at[by_county]] = True
        total = parent.value_counts().reindex(counties, fill_value=0).to_numpy(dtype=int)
        evaluated = (
            pd.Series(done).groupby(parent.to_numpy()).sum().reindex(counties, fill_value=0)
            if len(town)
            else pd.Series(0, index=counties)
        ).to_numpy(dtype=int)
        missing = (
            pd.Series([f"{c} {h.get(c).name}" for c in town[~done]], dtype=object)
            .groupby(parent[~done].to_numpy())
            .agg(lambda s: list(s)[: self.SHOWN])
        )
        return pd.DataFrame(
            {
                "target": counties,
                "jurisdiction": counties,
                "ok": evaluated > 0,
                "citation": row_citations(self.cite, param),
                "year": year,
                "townships": total,
                "evaluated": evaluated,
                "not_evaluated": [missing.get(c, []) for c in counties],
                "sample_parameters": param.sample,
            }
        )

    def message(self, row: dict[str, Any]) -> tuple[str, str]:
        known = (
            f"（已知所辖乡镇（街道）{row['townships']} 个）"
            if row["townships"]
            else "（数据集中没有其所辖乡镇（街道））"
        )
        return (
            f"{row['year']} 年度未对所辖任何乡镇（街道）开展履行教育职责督导评价{known}",
            f"In {row['year']} the county evaluated none of its townships "
            f"({row['townships']} known)",
        )


RULES: tuple[Rule, ...] = (TownshipEvaluation(),)
