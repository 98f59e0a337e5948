"""Running an indicator set over a measurement table, vectorised over rows.

The measurement table has one row per target (``target``: a jurisdiction code or
a school id) and, optionally, per ``year``; an optional ``name`` is carried to
the output. Each indicator is computed for all rows at once; nothing is looped
per target. :meth:`Evaluation.explain` materialises one target's trace.

>>> import pandas as pd
>>> from dudao.evaluation.model import parse_indicator_set
>>> s = parse_indicator_set('''
... id: demo
... title: 示例
... sample: true
... dimensions:
...   - id: d
...     name: 普及
...     indicators:
...       - {id: rate, name: 毛入园率, measure: rate, points: 60,
...          scoring: {kind: threshold, op: ">=", value: 0.85}}
...       - {id: ratio, name: 师幼比, measure: children / teachers, points: 40,
...          scoring: {kind: linear, zero: 25, full: 15}}
... vetoes:
...   - {id: accident, name: 重大安全事故, measure: accidents, op: ">", value: 0}
... grades: [{label: 优秀, min: 90}, {label: 合格, min: 60}, {label: 不合格}]
... ''')
>>> table = pd.DataFrame({"target": ["A", "B", "C"], "rate": [0.9, 0.8, 0.95],
...                       "children": [300, 400, 300], "teachers": [15, 20, 20],
...                       "accidents": [0, 0, 1]})
>>> r = evaluate(s, table)
>>> r.scores[["target", "score", "grade", "rank"]]
  target  score grade  rank
0      A   80.0    合格     1
1      B   20.0   不合格     2
2      C  100.0   不合格     3
>>> print(r.explain("C").text())
C  得分 100 / 100，加分 0，总分 100，等级 不合格，排名 3
  一票否决：重大安全事故（值 1，> 0 即否决）
  [普及] rate 毛入园率：值 0.95，标准 ≥ 0.85，得分 60 / 60 ✓
  [普及] ratio 师幼比：值 15，标准 25 得 0 分，15 得满分，其间按比例，得分 40 / 40 ✓
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import attrs

from dudao.errors import DudaoError, Problem
from dudao.evaluation.model import (
    Bands,
    Count,
    Indicator,
    IndicatorSet,
    Linear,
    Threshold,
    check_columns,
)
from dudao.evaluation.standards import ParameterStandards, resolve_standards
from dudao.law.book import LawBook
from dudao.lazyimports import np, pd
from dudao.model.numbers import number

KEY_COLUMNS = ("target", "year", "name")


def score_indicator(
    ind: Indicator, data: Any, standards: ParameterStandards | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """(value, points, met, {sub-item: (value, met)}) of one indicator over all rows.

    A missing value scores 0 and is not met. ``standards`` gives the per-row value of
    thresholds written as a parameter.
    """
    std = standards or ParameterStandards()
    sc = ind.scoring
    items: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if isinstance(sc, Count):
        vals = [item.measure.evaluate(data) for item in sc.items]
        mets = [item.op.holds(v, std.of(item)) for v, item in zip(vals, sc.items, strict=True)]
        items = {item.id: (v, m) for item, v, m in zip(sc.items, vals, mets, strict=True)}
        count = np.sum(mets, axis=0).astype(np.float64)
        met = count >= sc.min
        if sc.rest_at_least is not None:
            # every item not met must still come close: ≥ share × standard
            # (for a ≤ standard: ≤ standard ÷ share)
            for v, m, item in zip(vals, mets, sc.items, strict=True):
                if item.op.higher_is_better:
                    near = item.op.holds(v, std.of(item) * sc.rest_at_least)
                else:
                    near = item.op.holds(v, std.of(item) / sc.rest_at_least)
                met &= m | near
        return count, np.where(met, ind.points, 0.0), met, items
    assert ind.measure is not None
    value = ind.measure.evaluate(data)
    missing = np.isnan(value)
    if isinstance(sc, Threshold):
        met = sc.op.holds(value, std.of(sc))
        points = np.where(met, ind.points, 0.0)
    elif isinstance(sc, Linear):
        frac = np.clip((value - sc.zero) / (sc.full - sc.zero), 0.0, 1.0)
        points = np.where(missing, 0.0, ind.points * frac)
        met = ~missing & (frac >= 1.0)
    else:
        assert isinstance(sc, Bands)
        points = np.zeros(len(value))
        for band in sc.bands:
            inside = ~missing
            if band.min is not None:
                inside &= value >= band.min
            if band.max is not None:
                inside &= value < band.max
            points = np.where(inside, band.points, points)
        met = ~missing & (points >= ind.points)
    return value, points, met, items


@attrs.frozen
class TraceLine:
    """One indicator, sub-item or veto of one target's explanation."""

    section: str
    id: str
    name: str
    value: float | None
    rule: str
    points: float | None
    max_points: float | None
    met: bool
    cite: str
    sample: bool

    def text(self) -> str:
        value = "缺少数据" if self.value is None else number(self.value)
        text = f"[{self.section}] {self.id} {self.name}：值 {value}，标准 {self.rule}"
        if self.points is not None:
            text += f"，得分 {number(self.points)} / {number(self.max_points or 0)}"
        text += " ✓" if self.met else " ✗"
        if self.cite:
            text += f"（依据：{self.cite}）"
        return text


@attrs.frozen
class Explanation:
    """Why one target got its grade."""

    target: str
    year: Any
    name: str | None
    score: float
    max_points: float
    bonus: float
    total: float
    grade: str
    rank: int
    vetoes: tuple[TraceLine, ...]
    required_failed: tuple[str, ...]
    lines: tuple[TraceLine, ...]

    def text(self) -> str:
        who = f"{self.name}（{self.target}）" if self.name else self.target
        year = f" {self.year}年" if self.year is not None else ""
        out = [
            f"{who}{year}  得分 {number(self.score)} / {number(self.max_points)}，"
            f"加分 {number(self.bonus)}，总分 {number(self.total)}，"
            f"等级 {self.grade}，排名 {self.rank}"
        ]
        for v in self.vetoes:
            value = "缺少数据" if v.value is None else number(v.value)
            out.append(f"  一票否决：{v.name}（值 {value}，{v.rule}）")
        if self.required_failed:
            out.append("  必达指标未达标：" + "、".join(self.required_failed))
        out += ["  " + line.text() for line in self.lines]
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Evaluation:
    """Scores of every target: ``scores`` (one row per target and year) plus the
    per-indicator ``values``, ``points`` and ``met`` frames (columns: indicator ids)."""

    set: IndicatorSet
    scores: pd.DataFrame
    values: pd.DataFrame
    points: pd.DataFrame
    met: pd.DataFrame
    items: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
    veto_values: pd.DataFrame
    vetoed_by: pd.DataFrame
    standards: ParameterStandards = attrs.field(factory=ParameterStandards)

    def row_of(self, target: str, year: Any = None) -> int:
        mask = self.scores["target"].astype(str) == str(target)
        if year is not None and "year" in self.scores:
            mask &= self.scores["year"] == year
        rows = np.flatnonzero(mask.to_numpy())
        if len(rows) == 0:
            raise DudaoError(
                Problem(f"测量表中没有对象 '{target}'", code="unknown-target", path=("target",))
            )
        return int(rows[-1])  # the latest year when several

    def explain(self, target: str, year: Any = None) -> Explanation:
        """The trace of one target: each indicator's value, standard, points, citation."""
        s, r = self.set, self.row_of(target, year)
        row = self.scores.iloc[r]
        lines: list[TraceLine] = []
        sections = [(d.name, d.indicators) for d in s.dimensions]
        if s.bonus:
            sections.append(("专项加分", s.bonus.items))
        for section, indicators in sections:
            for ind in indicators:
                sample = ind.sample or getattr(ind.scoring, "sample", False)
                # a sample value is not the set's document: do not lend it that citation
                fallback = str(s.cite) if s.cite and not sample else ""
                cite = str(ind.cite) if ind.cite else fallback
                lines.append(
                    TraceLine(
                        section,
                        ind.id,
                        ind.name,
                        _num(self.values.at[r, ind.id]),
                        (
                            self.standards.text(ind.scoring, r)
                            if isinstance(ind.scoring, Threshold)
                            else ind.rule_text()
                        ),
                        float(self.points.at[r, ind.id]),
                        ind.points,
                        bool(self.met.at[r, ind.id]),
                        cite,
                        sample,
                    )
                )
                if isinstance(ind.scoring, Count):
                    vals, mets = self.items[ind.id]
                    for item in ind.scoring.items:
                        lines.append(
                            TraceLine(
                                f"{section}/{ind.id}",
                                item.id,
                                item.name,
                                _num(vals.at[r, item.id]),
                                self.standards.text(item, r),
                                None,
                                None,
                                bool(mets.at[r, item.id]),
                                str(item.cite) if item.cite else "",
                                item.sample,
                            )
                        )
        vetoes = tuple(
            TraceLine(
                "一票否决",
                v.id,
                v.name,
                _num(self.veto_values.at[r, v.id]),
                f"{self.standards.text(v, r)} 即否决",
                None,
                None,
                False,
                str(v.cite) if v.cite else "",
                v.sample,
            )
            for v in s.vetoes
            if self.vetoed_by.at[r, v.id]
        )
        failed = tuple(
            ind.name for ind in s.indicators() if ind.required and not self.met.at[r, ind.id]
        )
        year_value = row["year"] if "year" in row.index else None
        name = row["name"] if "name" in row.index and isinstance(row["name"], str) else None
        return Explanation(
            str(row["target"]),
            None if year_value is None or pd.isna(year_value) else int(year_value),
            name,
            float(row["score"]),
            s.max_points,
            float(row["bonus"]),
            float(row["total"]),
            str(row["grade"]),
            int(row["rank"]),
            vetoes,
            failed,
            tuple(lines),
        )


def _num(x: Any) -> float | None:
    return None if pd.isna(x) else float(x)


def evaluate(
    s: IndicatorSet,
    table: pd.DataFrame,
    *,
    source: str = "测量表",
    law: LawBook | None = None,
    as_of: dt.date | None = None,
    scope: str = "000000",
) -> Evaluation:
    """Score every row of ``table`` with ``s``; rank within each year.

    Thresholds written as a parameter are resolved in ``law`` as of ``as_of`` for
    each target (targets that are not jurisdiction codes lie in ``scope``).
    """
    if "target" not in table.columns:
        raise DudaoError(Problem("测量表缺少 target 列（评估对象代码）", source=source))
    check_columns(s, table.columns, source)
    n = len(table)
    data = {c: table[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in s.columns()}
    targets = table["target"].astype(str).tolist() if s.parameters() else []
    standards = resolve_standards(s.parameters(), targets, law, as_of, scope)
    values, points, met, items = {}, {}, {}, {}
    all_indicators = s.indicators() + (list(s.bonus.items) if s.bonus else [])
    for ind in all_indicators:
        values[ind.id], points[ind.id], met[ind.id], sub = score_indicator(ind, data, standards)
        if sub:
            items[ind.id] = (
                pd.DataFrame({k: v for k, (v, _) in sub.items()}),
                pd.DataFrame({k: m for k, (_, m) in sub.items()}),
            )
    main_ids = [i.id for i in s.indicators()]
    score = np.zeros(n)
    for i in main_ids:
        score = score + points[i]
    bonus = np.zeros(n)
    if s.bonus:
        for ind in s.bonus.items:
            bonus = bonus + points[ind.id]
        bonus = np.minimum(bonus, s.bonus.cap)
    total = score + bonus

    veto_values = {v.id: v.measure.evaluate(data) for v in s.vetoes}
    # a missing veto value cannot clear the target: it counts as vetoed
    vetoed_by = {
        v.id: v.op.holds(veto_values[v.id], standards.of(v)) | np.isnan(veto_values[v.id])
        for v in s.vetoes
    }
    vetoed = np.zeros(n, dtype=bool)
    for hit in vetoed_by.values():
        vetoed |= hit
    required_failed = np.zeros(n, dtype=bool)
    for ind in s.indicators():
        if ind.required:
            required_failed |= ~met[ind.id]

    grade = _grades(s, total, vetoed | required_failed)
    keys = table[[c for c in KEY_COLUMNS if c in table.columns]].reset_index(drop=True)
    scores = keys.assign(
        score=score,
        bonus=bonus,
        total=total,
        vetoed=vetoed,
        required_failed=required_failed,
        grade=grade,
    )
    scores["rank"] = _rank(scores)
    frame = pd.DataFrame
    return Evaluation(
        s,
        scores,
        frame(values, index=range(n)),
        frame(points, index=range(n)),
        frame(met, index=range(n)),
        items,
        frame(veto_values, index=range(n)),
        frame(vetoed_by, index=range(n)).astype(bool),
        standards,
    )


def _grades(s: IndicatorSet, total: np.ndarray, failed: np.ndarray) -> Any:
    """Each target's grade label, as a text column (a few labels spread by position:
    a hundred thousand targets' labels are not converted to text one by one)."""
    labels = [g.label for g in s.grades]
    conditions = [total >= g.min - 1e-9 for g in s.grades[:-1] if g.min is not None]
    code = np.select(conditions, list(range(len(conditions))), default=len(labels) - 1)
    code = np.where(failed, len(labels) - 1, code)
    return pd.array(labels, dtype="str").take(code)


def _rank(scores: pd.DataFrame) -> np.ndarray:
    """1 = best; targets that failed a veto or a required indicator rank last."""
    failed = scores["vetoed"] | scores["required_failed"]
    key = scores["total"].where(~failed, scores["total"] - 1e12)
    if "year" in scores:
        by_year = key.groupby(scores["year"]).rank(ascending=False, method="min")
        return cast(np.ndarray, by_year.astype(int).to_numpy())
    return cast(np.ndarray, key.rank(ascending=False, method="min").astype(int).to_numpy())


def ranked(ev: Evaluation, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The score table sorted by year and rank."""
    by = [c for c in ("year", "rank") if c in ev.scores]
    out = ev.scores.sort_values(by, kind="stable").reset_index(drop=True)
    return out[list(columns)] if columns else out
