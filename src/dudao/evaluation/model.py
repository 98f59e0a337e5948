"""Indicator sets (指标体系): dimensions → indicators → scoring, authored in YAML.

An indicator set is a scoped, dated, cited entry (kind ``indicator_set``): a tree
of dimensions (一级指标) holding indicators (二级指标). Each indicator measures a
column of the measurement table or a formula over columns (``a / b * 100``) and
scores it in one of four ways, chosen by ``kind``:

* ``threshold``: full points when ``value op standard`` holds (``>=``/``<=``/``>``/``<``);
* ``linear``: 0 points at ``zero``, full points at ``full``, straight line between;
* ``bands``: a table of ranges ``[min, max)`` → points;
* ``count``: how many sub-items meet their standard; full points when at least
  ``min`` do (optionally: every other one reaches ``rest_at_least`` of its standard).

``points`` is an indicator's maximum (its weight). Bonus items (专项加分) add up
to ``bonus.cap``; a veto item (一票否决) fails the target whatever its score; an
indicator marked ``required`` (必达指标) that is not met also gives the lowest
grade. Grades are listed best first, each with the minimum total it needs; the
last grade is the failing one.

A number no confirmed document gives is written with ``sample: true`` and shown
as 示例参数, never as an official standard.

>>> text = '''
... id: demo
... title: 示例指标体系
... sample: true
... dimensions:
...   - id: d1
...     name: 普及
...     points: 10
...     indicators:
...       - id: rate
...         name: 毛入园率
...         measure: enrolled / population
...         points: 10
...         scoring: {kind: threshold, op: ">=", value: 0.85}
... grades: [{label: 达标, min: 10}, {label: 不达标}]
... '''
>>> s = parse_indicator_set(text, "demo.yaml")
>>> s.indicators()[0].scoring.describe()
'≥ 0.85'
>>> s.columns()
('enrolled', 'population')
>>> parse_indicator_set(text.replace("population", "populaton"), "demo.yaml",
...                     columns={"enrolled", "population"})
Traceback (most recent call last):
...
dudao.errors.DudaoError: demo.yaml:12 dimensions[0].indicators[0].measure: ...没有列 'populaton'...
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs

from dudao.errors import DudaoError, PathStep, Problem
from dudao.evaluation.formula import Formula
from dudao.io import yamlio
from dudao.law.contributions import Contribution
from dudao.law.entries import Validity
from dudao.law.kinds import Kind
from dudao.lazyimports import np
from dudao.model.convert import converter, register_text_type
from dudao.model.documents import Citation
from dudao.model.labels import LabelledEnum
from dudao.model.numbers import number, percent

register_text_type(Formula)


class Comparison(LabelledEnum):
    """How a value is compared with its standard."""

    GE = (">=", "不低于")
    LE = ("<=", "不高于")
    GT = (">", "高于")
    LT = ("<", "低于")

    @property
    def symbol(self) -> str:
        return {">=": "≥", "<=": "≤", ">": ">", "<": "<"}[self.value]

    def holds(self, value: np.ndarray, standard: float | np.ndarray) -> np.ndarray:
        """Vectorised comparison; a missing value never holds."""
        with np.errstate(invalid="ignore"):
            if self is Comparison.GE:
                return value >= standard
            if self is Comparison.LE:
                return value <= standard
            if self is Comparison.GT:
                return value > standard
            return value < standard

    @property
    def higher_is_better(self) -> bool:
        return self in (Comparison.GE, Comparison.GT)


def _fmt(x: float) -> str:
    # as a person writes it: 7.7, not 7.700000000000003 or 1e+06
    return number(x)


# --------------------------------------------------------------------- scoring


def _standard(op: Comparison, value: float | None, param: str | None, sample: bool) -> str:
    shown = f"参数 {param}" if value is None else _fmt(value)
    return f"{op.symbol} {shown}" + ("（示例参数）" if sample else "")


@attrs.frozen
class Threshold:
    """Pass/fail: full points when ``value op standard``. The standard is a number
    (``value``) or a parameter id (``param``) resolved in the law book for each
    evaluated unit, so a region's value of that parameter applies inside it."""

    kind: ClassVar[str] = "threshold"
    op: Comparison
    value: float | None = None
    param: str | None = None
    sample: bool = False
    note: str | None = None

    def describe(self) -> str:
        return _standard(self.op, self.value, self.param, self.sample)


@attrs.frozen
class Linear:
    """0 points at ``zero``, full points at ``full``, linear between (clipped)."""

    kind: ClassVar[str] = "linear"
    zero: float
    full: float
    sample: bool = False
    note: str | None = None

    def describe(self) -> str:
        text = f"{_fmt(self.zero)} 得 0 分，{_fmt(self.full)} 得满分，其间按比例"
        return text + ("（示例参数）" if self.sample else "")


@attrs.frozen
class Band:
    """Values in ``[min, max)`` earn ``points``; an open end is unbounded."""

    points: float
    min: float | None = None
    max: float | None = None


@attrs.frozen
class Bands:
    """A table of ranges; a value in no range earns 0."""

    kind: ClassVar[str] = "bands"
    bands: tuple[Band, ...]
    sample: bool = False
    note: str | None = None

    def describe(self) -> str:
        parts = []
        for b in self.bands:
            lo = "" if b.min is None else f"{_fmt(b.min)}≤"
            hi = "" if b.max is None else f"<{_fmt(b.max)}"
            parts.append(f"{lo}值{hi}: {_fmt(b.points)}分")
        return "；".join(parts) + ("（示例参数）" if self.sample else "")


@attrs.frozen
class SubItem:
    """One item counted by a ``count`` indicator, or one veto condition."""

    id: str
    name: str
    measure: Formula
    op: Comparison
    value: float | None = None
    param: str | None = None  # the standard as a parameter id instead of ``value``
    sample: bool = False
    cite: Citation | None = None
    note: str | None = None
    unit: str | None = None

    def describe(self) -> str:
        return _standard(self.op, self.value, self.param, self.sample)


@attrs.frozen
class Count:
    """Full points when at least ``min`` sub-items meet their standard.

    ``rest_at_least`` (e.g. 0.85): each item not met must still reach that share
    of its standard (for ``<=`` items: stay within standard ÷ share).
    """

    kind: ClassVar[str] = "count"
    items: tuple[SubItem, ...]
    min: int
    rest_at_least: float | None = None
    rest_sample: bool = False
    sample: bool = False
    note: str | None = None

    def describe(self) -> str:
        text = f"{len(self.items)} 项中至少 {self.min} 项达标"
        if self.rest_at_least is not None and self.min < len(self.items):
            text += f"，其余项不低于标准的 {percent(self.rest_at_least)}"
            if self.rest_sample:
                text += "（示例参数）"
        return text


Scoring = Threshold | Linear | Bands | Count
SCORING_KINDS: dict[str, type] = {c.kind: c for c in (Threshold, Linear, Bands, Count)}


def _structure_scoring(value: Any, _: Any) -> Scoring:
    if not isinstance(value, dict):
        raise TypeError("scoring 应为映射，如 {kind: threshold, op: '>=', value: 0.85}")
    if "kind" not in value:
        raise DudaoError(
            Problem(
                "缺少 kind（计分方式）",
                code="missing-field",
                hint="可选：" + "、".join(SCORING_KINDS),
            )
        )
    kind = value["kind"]
    cls = SCORING_KINDS.get(kind)
    if cls is None:
        close = difflib.get_close_matches(str(kind), list(SCORING_KINDS), n=1)
        raise DudaoError(
            Problem(
                f"未知的计分方式 '{kind}'",
                path=("kind",),
                code="invalid-value",
                hint=f"是否是 '{close[0]}'？" if close else "可选：" + "、".join(SCORING_KINDS),
            )
        )
    rest = {k: v for k, v in value.items() if k != "kind"}
    return converter.structure(rest, cls)


converter.register_structure_hook(Scoring, _structure_scoring)


# ------------------------------------------------------------------- the tree


@attrs.frozen
class Indicator:
    """One scored indicator. ``measure`` is required except for ``count``."""

    id: str
    name: str
    points: float
    scoring: Scoring
    measure: Formula | None = None
    cite: Citation | None = None
    required: bool = False
    sample: bool = False
    unit: str | None = None
    note: str | None = None

    def rule_text(self) -> str:
        return self.scoring.describe()


@attrs.frozen
class Dimension:
    """A group of indicators (一级指标); ``points``, if given, must equal their sum."""

    id: str
    name: str
    indicators: tuple[Indicator, ...]
    points: float | None = None
    cite: Citation | None = None
    note: str | None = None

    @property
    def max_points(self) -> float:
        return sum(i.points for i in self.indicators)


@attrs.frozen
class Bonus:
    """专项加分: items scored like indicators; their sum is capped at ``cap``."""

    cap: float
    items: tuple[Indicator, ...]


@attrs.frozen
class Grade:
    """A grade and the least total it needs; the last grade needs nothing."""

    label: str
    min: float | None = None


@attrs.frozen
class IndicatorSet:
    """A whole indicator set as authored (see the module docstring for YAML)."""

    id: str
    title: str
    dimensions: tuple[Dimension, ...]
    grades: tuple[Grade, ...]
    cite: Citation | None = None
    scope: str = "000000"
    since: dt.date | None = None
    until: dt.date | None = None
    target: str = "county"
    total: float | None = None
    bonus: Bonus | None = None
    vetoes: tuple[SubItem, ...] = ()
    sample: bool = False
    description: str | None = None
    columns_zh: dict[str, str] = attrs.field(factory=dict)

    def indicators(self) -> list[Indicator]:
        return [i for d in self.dimensions for i in d.indicators]

    @property
    def max_points(self) -> float:
        return sum(d.max_points for d in self.dimensions)

    @property
    def bonus_cap(self) -> float:
        return self.bonus.cap if self.bonus else 0.0

    @property
    def validity(self) -> Validity:
        return Validity(self.since, self.until)

    def parameters(self) -> tuple[str, ...]:
        """Every parameter id a threshold names, in first-use order."""
        out: list[str] = []
        for _, item in _standards(self):
            if item.param is not None and item.param not in out:
                out.append(item.param)
        return tuple(out)

    def columns(self) -> tuple[str, ...]:
        """Every measurement column the set reads, in first-use order."""
        out: list[str] = []
        for _, formula in _formulas(self):
            out += [c for c in formula.columns if c not in out]
        return tuple(out)

    def contribution(self, source: str | None = None, line: int | None = None) -> Contribution:
        """The set as a contribution of kind ``indicator_set`` at its own scope (the
        default ``000000`` meaning the contributor's)."""
        return Contribution.of(Kind.INDICATOR_SET, self, self.title, source, line)


def _all_indicators(s: IndicatorSet) -> Iterator[tuple[tuple[PathStep, ...], Indicator]]:
    for d, dim in enumerate(s.dimensions):
        for i, ind in enumerate(dim.indicators):
            yield ("dimensions", d, "indicators", i), ind
    if s.bonus:
        for i, ind in enumerate(s.bonus.items):
            yield ("bonus", "items", i), ind


def _standards(
    s: IndicatorSet,
) -> Iterator[tuple[tuple[PathStep, ...], Threshold | SubItem]]:
    """Everything with a standard (``value`` or ``param``): thresholds, sub-items, vetoes."""
    for path, ind in _all_indicators(s):
        if isinstance(ind.scoring, Threshold):
            yield (*path, "scoring"), ind.scoring
        elif isinstance(ind.scoring, Count):
            for j, item in enumerate(ind.scoring.items):
                yield (*path, "scoring", "items", j), item
    for v, veto in enumerate(s.vetoes):
        yield ("vetoes", v), veto


def check_standard(item: Threshold | SubItem, path: tuple[PathStep, ...]) -> list[Problem]:
    """A standard is a number or a parameter id, exactly one of them."""
    if (item.value is None) == (item.param is None):
        both = item.value is not None
        message = "value 与 param 只能写一个" if both else "缺少标准：写 value（数值）或 param"
        return [
            Problem(
                message,
                path=(*path, "value" if both else "op"),
                code="invalid-indicator-set",
                hint="param 写参数 id（如 evaluation.preschool.gross_enrolment），按被评估单位所在"
                "地区取值",
            )
        ]
    return []


def _formulas(s: IndicatorSet) -> Iterator[tuple[tuple[PathStep, ...], Formula]]:
    for path, ind in _all_indicators(s):
        if ind.measure is not None:
            yield (*path, "measure"), ind.measure
        if isinstance(ind.scoring, Count):
            for j, item in enumerate(ind.scoring.items):
                yield (*path, "scoring", "items", j, "measure"), item.measure
    for v, veto in enumerate(s.vetoes):
        yield ("vetoes", v, "measure"), veto.measure


# ------------------------------------------------------------------ validation

_EPS = 1e-9


def validate_indicator_set(
    s: IndicatorSet, columns: Collection[str] | None = None
) -> list[Problem]:
    """Domain checks: unique ids, consistent points, sane scoring, known columns."""
    problems: list[Problem] = []

    def bad(message: str, path: tuple[PathStep, ...], hint: str | None = None) -> None:
        problems.append(Problem(message, path=path, hint=hint, code="invalid-indicator-set"))

    seen: dict[str, tuple[PathStep, ...]] = {}
    for path, ident in [
        *((("dimensions", d, "id"), dim.id) for d, dim in enumerate(s.dimensions)),
        *(((*p, "id"), ind.id) for p, ind in _all_indicators(s)),
        *((("vetoes", v, "id"), veto.id) for v, veto in enumerate(s.vetoes)),
    ]:
        if ident in seen:
            bad(f"编号 '{ident}' 重复", path, "每个维度、指标、加分项和否决项的 id 须唯一")
        seen[ident] = path

    for d, dim in enumerate(s.dimensions):
        if dim.points is not None and abs(dim.points - dim.max_points) > _EPS:
            bad(
                f"维度 {dim.id} 的分值 {_fmt(dim.points)} 与其指标分值之和 "
                f"{_fmt(dim.max_points)} 不一致",
                ("dimensions", d, "points"),
            )
    if s.total is not None and abs(s.total - s.max_points) > _EPS:
        bad(f"总分 {_fmt(s.total)} 与各维度分值之和 {_fmt(s.max_points)} 不一致", ("total",))

    for path, ind in _all_indicators(s):
        problems += _check_indicator(ind, path)
    for path, item in _standards(s):
        problems += check_standard(item, path)

    if s.bonus is not None and s.bonus.cap < 0:
        bad("加分上限不能为负数", ("bonus", "cap"))
    if not s.grades:
        bad("至少需要一个等级", ("grades",))
    for g, grade in enumerate(s.grades[:-1]):
        if grade.min is None:
            bad(f"等级 {grade.label} 缺少 min（除最后一个等级外都须给出）", ("grades", g))
    mins = [g.min for g in s.grades[:-1] if g.min is not None]
    if any(b >= a for a, b in itertools.pairwise(mins)):
        bad("等级须按从高到低排列，min 逐个减小", ("grades",))
    if mins and mins[0] > s.max_points + s.bonus_cap + _EPS:
        bad(
            f"最高等级需要 {_fmt(mins[0])} 分，超过了可能的最高分 "
            f"{_fmt(s.max_points + s.bonus_cap)}",
            ("grades", 0, "min"),
        )
    labels = Counter(g.label for g in s.grades)
    for g, grade in enumerate(s.grades):
        if labels[grade.label] > 1:
            bad(f"等级 '{grade.label}' 重复", ("grades", g, "label"))

    if columns is not None:
        known = set(columns)
        for path, formula in _formulas(s):
            for col in formula.columns:
                if col not in known:
                    close = difflib.get_close_matches(col, sorted(known), n=1)
                    problems.append(
                        Problem(
                            f"测量表中没有列 '{col}'",
                            path=path,
                            code="unknown-column",
                            hint=f"是否是 '{close[0]}'？" if close else "检查列名或测量表",
                        )
                    )
    return problems


def _check_indicator(ind: Indicator, path: tuple[PathStep, ...]) -> list[Problem]:
    out: list[Problem] = []

    def bad(message: str, *where: PathStep) -> None:
        out.append(Problem(message, path=(*path, *where), code="invalid-indicator-set"))

    if not (ind.points >= 0 and math.isfinite(ind.points)):
        bad(f"指标 {ind.id} 的分值须为非负数", "points")
    sc = ind.scoring
    if isinstance(sc, Count):
        if ind.measure is not None:
            bad("count 指标的测量对象在各子项的 measure 中给出，指标本身不写 measure", "measure")
        if not sc.items:
            bad("count 指标至少需要一个子项", "scoring", "items")
        if not 1 <= sc.min <= len(sc.items):
            bad(f"min 须在 1 到子项数 {len(sc.items)} 之间", "scoring", "min")
        if sc.rest_at_least is not None and not 0 < sc.rest_at_least <= 1:
            bad("rest_at_least 须在 0 到 1 之间（如 0.85）", "scoring", "rest_at_least")
        ids = Counter(i.id for i in sc.items)
        for j, item in enumerate(sc.items):
            if ids[item.id] > 1:
                bad(f"子项编号 '{item.id}' 重复", "scoring", "items", j, "id")
    else:
        if ind.measure is None:
            bad(f"指标 {ind.id} 缺少 measure（测量表的列或公式）", "measure")
        if isinstance(sc, Linear) and sc.zero == sc.full:
            bad("linear 的 zero 与 full 不能相同", "scoring")
        if isinstance(sc, Bands):
            for b, band in enumerate(sc.bands):
                if band.points > ind.points + _EPS or band.points < 0:
                    bad(
                        f"区间分值 {_fmt(band.points)} 须在 0 到指标分值 {_fmt(ind.points)} 之间",
                        "scoring",
                        "bands",
                        b,
                        "points",
                    )
                if band.min is not None and band.max is not None and band.min >= band.max:
                    bad("区间的 min 须小于 max", "scoring", "bands", b)
            ranges = sorted(
                (-math.inf if b.min is None else b.min, math.inf if b.max is None else b.max)
                for b in sc.bands
            )
            if any(hi > lo2 for (_, hi), (lo2, _) in itertools.pairwise(ranges)):
                bad("计分区间相互重叠", "scoring", "bands")
    return out


# ---------------------------------------------------------------------- loading


def load_indicator_set(path: str | Path, *, columns: Collection[str] | None = None) -> Any:
    """Read and check an indicator-set YAML file; problems carry file:line.

    A file with ``extends`` is an :class:`~dudao.evaluation.extend.IndicatorSetExtension`
    (changes to another set), merged when resolved; any other is an :class:`IndicatorSet`.
    """
    return _from_document(yamlio.read(path), columns)


def parse_indicator_set(
    text: str, source: str = "<text>", *, columns: Collection[str] | None = None
) -> Any:
    """Like :func:`load_indicator_set`, from text."""
    return _from_document(yamlio.parse(text, source), columns)


def _from_document(doc: yamlio.YamlDocument, columns: Collection[str] | None) -> Any:
    if isinstance(doc.data, dict) and "extends" in doc.data:
        from dudao.evaluation.extend import IndicatorSetExtension

        ext = yamlio.structure(doc, IndicatorSetExtension)
        problems = ext.problems()
        obj: Any = ext
    else:
        obj = yamlio.structure(doc, IndicatorSet)
        problems = validate_indicator_set(obj, columns)
    located = [doc.locate(p) for p in problems]
    if located:
        raise DudaoError(located)
    return obj


def check_columns(s: IndicatorSet, available: Iterable[str], source: str) -> None:
    """Raise if the measurement table lacks a column the set reads."""
    have = set(available)
    missing = [c for c in s.columns() if c not in have]
    if missing:
        raise DudaoError(
            [
                Problem(
                    f"测量表缺少指标体系 {s.id} 需要的列 '{c}'"
                    + (f"（{s.columns_zh[c]}）" if c in s.columns_zh else ""),
                    source=source,
                    path=(c,),
                    code="missing-column",
                )
                for c in missing
            ]
        )
