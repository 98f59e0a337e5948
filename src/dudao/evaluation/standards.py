"""Thresholds that name a parameter: one value per evaluated unit, from the law book.

A standard written ``param: evaluation.preschool.gross_enrolment`` instead of
``value: 0.85`` is resolved for each target as of the evaluation date, so a
region's value of the parameter applies to the units inside it, and the
explanation shows the value used and the clause that sets it.

>>> import datetime as dt
>>> from dudao.io.divisions import divisions_hierarchy
>>> from dudao.law.book import LawBook
>>> from dudao.law.contributions import Contribution, Contributor, Kind, build
>>> from dudao.model.documents import Citation
>>> from dudao.evaluation.model import Comparison, Threshold
>>> h = divisions_hierarchy()
>>> national, _ = build(Contributor("national", "000000"), [Contribution(
...     Kind.PARAMETER, "rate", 0.85, cite=(Citation.parse("教督〔2017〕6号"),))], h)
>>> nanning, _ = build(Contributor("nanning", "450100"), [
...     Contribution(Kind.PARAMETER, "rate", 0.9, sample=True)], h)
>>> law = LawBook(h, [*national, *nanning])
>>> st = resolve_standards(["rate"], ["450103", "450203", "S-1"], law, dt.date(2024, 1, 1))
>>> st.of(Threshold(Comparison.GE, param="rate")).tolist()
[0.9, 0.85, 0.85]
>>> st.text(Threshold(Comparison.GE, param="rate"), 0)
'≥ 0.9（参数 rate，示例参数，插件 nanning）'
>>> st.text(Threshold(Comparison.GE, param="rate"), 1)
'≥ 0.85（参数 rate，依据 教督〔2017〕6号）'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.model import SubItem, Threshold
from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.lazyimports import np
from dudao.model.numbers import number


@attrs.frozen
class ParameterStandards:
    """Per row of the measurement table: each parameter's value and where it comes from."""

    values: dict[str, np.ndarray] = attrs.field(factory=dict)
    sources: dict[str, np.ndarray] = attrs.field(factory=dict)

    def of(self, item: Threshold | SubItem) -> float | np.ndarray:
        """The standard of ``item``: its number, or the parameter's value per row."""
        if item.param is None:
            assert item.value is not None
            return item.value
        return self.values[item.param]

    def text(self, item: Threshold | SubItem, row: int) -> str:
        """``≥ 0.9（参数 id，依据 …）`` for one row; the item's own text without a param."""
        if item.param is None:
            return item.describe()
        value = number(float(self.values[item.param][row]))
        return f"{item.op.symbol} {value}（参数 {item.param}，{self.sources[item.param][row]}）"


def resolve_standards(
    params: Sequence[str],
    targets: Sequence[str],
    law: LawBook | None,
    as_of: dt.date | None,
    scope: str = "000000",
) -> ParameterStandards:
    """Resolve each parameter for each target (a code not in the hierarchy, such as a
    school id, is taken to lie in ``scope``). A target for which the law sets no
    value is an error naming the parameter and the targets."""
    if not params:
        return ParameterStandards()
    if law is None or as_of is None:
        raise DudaoError(
            Problem(
                f"指标体系的阈值引用了参数 {'、'.join(params)}，需要法规库和评估日期才能取值",
                code="needs-law",
                hint="evaluate(..., law=plugins.law_book(), as_of=日期)；命令行会自动提供",
            )
        )
    known = law.hierarchy
    codes = [t if t in known else scope for t in targets]
    values, sources = {}, {}
    problems = []
    for pid in params:
        versions, which = law.resolve_many(Kind.PARAMETER, pid, codes, as_of)
        nums = np.array([_number(e.value) for e in versions] + [np.nan], dtype=np.float64)[
            which
        ]  # which == -1 picks the trailing NaN
        missing = np.flatnonzero(np.isnan(nums))
        if len(missing):
            shown = "、".join(str(targets[i]) for i in missing[:10])
            problems.append(
                Problem(
                    f"参数 {pid} 在 {as_of} 对 {shown} 没有取值（共 {len(missing)} 个对象）",
                    path=(pid,),
                    code="parameter-missing",
                    hint="在插件的 parameters.yaml 中为该参数写出数值并注明依据",
                )
            )
            continue
        text = [
            (
                f"示例参数，插件 {e.origin.plugin}"
                if e.sample or not e.cite
                else f"依据 {e.citation_text()}"
            )
            for e in versions
        ]
        values[pid] = nums
        sources[pid] = np.array([*text, ""], dtype=object)[which]
    if problems:
        raise DudaoError(problems)
    return ParameterStandards(values, sources)


def _number(value: object) -> float:
    if value is None:
        return np.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DudaoError(
            Problem(f"参数值 {value!r} 不是数值，不能作为指标阈值", code="invalid-value")
        ) from None
