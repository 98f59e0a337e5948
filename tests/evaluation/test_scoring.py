"""Hand-computed examples and properties of indicator scoring."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.evaluation.model import load_indicator_set, parse_indicator_set
from dudao.evaluation.score import evaluate

SET = """
id: t
title: 测试
sample: true
dimensions:
  - id: d
    name: 维度
    points: 100
    indicators:
      - {id: th, name: 阈值, measure: a, points: 30, scoring: {kind: threshold, op: ">=", value: 0.85}}
      - {id: li, name: 线性, measure: b / c, points: 30, scoring: {kind: linear, zero: 0.5, full: 1.0}}
      - id: ba
        name: 分段
        measure: b
        points: 20
        scoring:
          kind: bands
          bands: [{max: 10, points: 0}, {min: 10, max: 20, points: 10}, {min: 20, points: 20}]
      - id: co
        name: 计数
        points: 20
        scoring:
          kind: count
          min: 2
          rest_at_least: 0.85
          items:
            - {id: x, name: X, measure: a, op: ">=", value: 1}
            - {id: y, name: Y, measure: b, op: ">=", value: 10}
            - {id: z, name: Z, measure: c, op: "<=", value: 20}
bonus:
  cap: 5
  items:
    - {id: bo, name: 加分, measure: e, points: 8, scoring: {kind: threshold, op: ">", value: 0}}
vetoes:
  - {id: v, name: 否决, measure: veto, op: ">", value: 0}
grades: [{label: 优秀, min: 90}, {label: 合格, min: 60}, {label: 不合格}]
"""


def _set():
    return parse_indicator_set(SET, "t.yaml")


def test_threshold_hand_computed():
    r = evaluate(
        _set(),
        pd.DataFrame({"target": ["A", "B"], "a": [0.85, 0.84], "b": 0, "c": 1, "e": 0, "veto": 0}),
    )
    # 0.85 ≥ 0.85 → 30 points; 0.84 → 0
    assert r.points["th"].tolist() == [30.0, 0.0]


def test_linear_hand_computed():
    t = pd.DataFrame(
        {"target": list("ABCD"), "a": 0, "b": [3, 4, 9, 1], "c": [4, 5, 9, 4], "e": 0, "veto": 0}
    )
    r = evaluate(_set(), t)
    # b/c = 0.75 → (0.75 − 0.5)/(1 − 0.5) = 0.5 → 15; 0.8 → 0.6 → 18; 1 → 30; 0.25 → clipped 0
    assert np.allclose(r.points["li"], [15, 18, 30, 0])


def test_bands_hand_computed():
    t = pd.DataFrame(
        {"target": list("ABCD"), "a": 0, "b": [5, 10, 19.9, 20], "c": 1, "e": 0, "veto": 0}
    )
    assert evaluate(_set(), t).points["ba"].tolist() == [0, 10, 10, 20]


def test_count_hand_computed():
    # A: x 1≥1 ✓, y 9≥10 ✗ but 9 ≥ 0.85·10 = 8.5 ✓ near, z 20≤20 ✓ → 2 met, rest near → 20
    # B: y 8 < 8.5 → rest not near → 0
    # C: z 23 ≤ 20/0.85 = 23.53 near, y 10 ✓, x 0 ✗ but 0 < 0.85 → 0
    t = pd.DataFrame(
        {
            "target": list("ABC"),
            "a": [1, 1, 0],
            "b": [9, 8, 10],
            "c": [20, 20, 23],
            "e": 0,
            "veto": 0,
        }
    )
    r = evaluate(_set(), t)
    assert r.values["co"].tolist() == [2, 2, 1]
    assert r.points["co"].tolist() == [20, 0, 0]


def test_total_bonus_grade_rank_and_veto():
    t = pd.DataFrame(
        {
            "target": list("ABC"),
            "a": [1, 1, 1],
            "b": [20, 20, 20],
            "c": [20, 20, 40],
            "e": [1, 0, 1],
            "veto": [0, 1, 0],
        }
    )
    r = evaluate(_set(), t)
    # A: 30 + 30 + 20 + 20 = 100, bonus min(8, 5) = 5 → 105, 优秀
    # B: the same without bonus but vetoed → 不合格 and ranked last
    # C: b/c = 0.5 → linear 0; z 40 > 23.5 → count 0 → 30 + 0 + 20 + 0 = 50 + 5 → 55 → 不合格
    assert r.scores["total"].tolist() == [105, 100, 55]
    assert r.scores["grade"].tolist() == ["优秀", "不合格", "不合格"]
    assert r.scores["rank"].tolist() == [1, 3, 2]
    text = r.explain("B").text()
    assert "一票否决：否决" in text and "得分 30 / 30" in text


def test_missing_value_scores_zero_and_veto_missing_fails():
    t = pd.DataFrame({"target": ["A"], "a": [np.nan], "b": 20, "c": 20, "e": 0, "veto": [np.nan]})
    r = evaluate(_set(), t)
    assert r.points.at[0, "th"] == 0 and r.scores.at[0, "vetoed"]


def test_missing_column_reported():
    with pytest.raises(DudaoError, match="缺少指标体系 t 需要的列 'veto'"):
        evaluate(_set(), pd.DataFrame({"target": ["A"], "a": 1, "b": 1, "c": 1, "e": 1}))


# ----------------------------------------------------------------- properties

finite = st.floats(-1e6, 1e6, allow_nan=False)
maybe = st.one_of(finite, st.just(math.nan))


def _table(rows):
    return pd.DataFrame(rows, columns=["a", "b", "c", "e", "veto"]).assign(
        target=[f"T{i}" for i in range(len(rows))]
    )


rows = st.lists(st.tuples(maybe, maybe, maybe, maybe, maybe), min_size=1, max_size=20)


@given(rows)
def test_scores_within_bounds(data):
    s = _set()
    r = evaluate(s, _table(data))
    assert (r.scores["score"] >= 0).all() and (r.scores["score"] <= s.max_points).all()
    assert (r.scores["total"] <= s.max_points + s.bonus_cap + 1e-9).all()


@given(rows)
def test_veto_always_fails(data):
    t = _table(data).assign(veto=1.0)
    r = evaluate(_set(), t)
    assert (r.scores["grade"] == "不合格").all()
    assert (r.scores["rank"] > 0).all()


@given(finite, finite, st.floats(0, 1e6), st.floats(0.5, 1e3))
def test_better_value_never_lowers_score(a, b, da, c):
    # higher a (threshold ≥, count item ≥) and higher b (linear over b/c with c > 0,
    # bands, count item ≥) are better
    s = _set()
    t = _table([(a, b, c, 0, 0), (a + da, b + da, c, 0, 0)])
    r = evaluate(s, t)
    assert r.scores.at[1, "score"] >= r.scores.at[0, "score"] - 1e-9


def test_bad_yaml_reports_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    text = SET.replace("kind: linear", "kind: linar").replace("id: ba", "id: th")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DudaoError) as exc:
        load_indicator_set(path)
    messages = [str(p) for p in exc.value.problems]
    assert any(
        "bad.yaml:11" in m and "未知的计分方式 'linar'" in m and "linear" in m for m in messages
    ), messages


def test_inconsistent_points_duplicate_ids_and_unknown_columns(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    text = SET.replace("points: 100", "points: 90").replace("id: ba", "id: th")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DudaoError) as exc:
        load_indicator_set(path, columns={"a", "b", "c", "e"})
    messages = [str(p) for p in exc.value.problems]
    assert any("bad.yaml:8 dimensions[0].points" in m and "90" in m for m in messages), messages
    assert any("bad.yaml:12" in m and "编号 'th' 重复" in m for m in messages), messages
    assert any("vetoes[0].measure" in m and "没有列 'veto'" in m for m in messages), messages


def test_bad_formula_reports_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(SET.replace("measure: b / c", "measure: b / * c"), encoding="utf-8")
    with pytest.raises(DudaoError, match=r"bad.yaml:11 dimensions\[0\].indicators\[1\].measure"):
        load_indicator_set(path)


def test_standards_read_as_a_person_writes_them():
    """Numbers in a scoring rule as written in a document: no exponent (1e+06), no float
    noise, a share as a percentage with its decimals (85.5%, not a rounded 86%)."""
    from dudao.evaluation.formula import Formula
    from dudao.evaluation.model import Comparison, Count, Linear, SubItem, Threshold

    assert Threshold(Comparison.GE, 1_000_000).describe() == "≥ 1000000"
    linear = Linear(zero=0.1 + 0.2, full=0.00001).describe()
    assert linear.startswith("0.3 得 0 分，0.00001 得满分")
    items = tuple(SubItem(i, i, Formula.parse(i), Comparison.GE, 1.0) for i in ("a", "b"))
    assert "其余项不低于标准的 85.5%" in Count(items, 1, rest_at_least=0.855).describe()
