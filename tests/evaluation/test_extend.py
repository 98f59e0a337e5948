"""A region extends a national set indicator by indicator; thresholds as parameters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dudao.cli import cli
from dudao.errors import DudaoError
from dudao.evaluation.extend import IndicatorSetExtension, resolve_indicator_set
from dudao.evaluation.model import parse_indicator_set
from dudao.evaluation.national import national_sets
from dudao.evaluation.score import evaluate
from dudao.plugins.manager import load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin

DAY = dt.date(2024, 6, 1)
NN_CITE = "南府督委办〔2022〕7号 四"

EXTENSION = f"""\
id: preschool_universal
extends: preschool_universal
title: 南宁市学前教育普及普惠督导评估
cite: {NN_CITE}
since: 2024-01-01
add:
  - dimension: coverage
    id: inclusive_private
    name: 普惠性民办园在园幼儿占比
    measure: affordable_private_children / children
    points: 1
    sample: true
    scoring: {{kind: threshold, op: ">=", value: 0.2, sample: true}}
replace:
  - id: public_share
    name: 公办园在园幼儿占比（南宁）
    measure: public_children / children
    points: 1
    required: true
    scoring: {{kind: threshold, op: ">=", value: 0.55}}
remove: [certified]
adjust:
  - {{id: recognition, points: 2}}
"""


def plugin(root: Path, name: str, scope: str, files: dict[str, str]) -> YamlPlugin:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "plugin.yaml").write_text(
        f"name: {name}\ntitle: 测试\nscope: '{scope}'\n", encoding="utf-8"
    )
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return YamlPlugin(folder)


def law_with(tmp_path: Path, text: str):
    nn = plugin(tmp_path, "nn", "450100", {"indicator_sets/p.yaml": text})
    return load_plugins(autoload=False, extra={"nn": nn}).law_book()


def test_extension_adds_replaces_removes_adjusts_inside_its_scope(tmp_path: Path) -> None:
    law = law_with(tmp_path, EXTENSION)
    nn = resolve_indicator_set(law, "preschool_universal", "450103", DAY)
    national = national_sets()["preschool_universal"]
    by_id = {i.id: i for i in nn.indicators()}
    assert nn.title == "南宁市学前教育普及普惠督导评估"
    assert "certified" not in by_id and "inclusive_private" in by_id
    assert [i.id for i in nn.dimensions[0].indicators] == [
        "gross_enrolment",
        "affordable_coverage",
        "public_share",
        "inclusive_private",
    ]
    assert by_id["public_share"].scoring.value == 0.55
    assert by_id["recognition"].points == 2
    # national 10 points − certified 1 + inclusive_private 1 + recognition +1 = 11
    assert nn.max_points == 11
    # each indicator cites the clause that set it
    assert str(by_id["gross_enrolment"].cite) == "《县域学前教育普及普惠督导评估办法》"
    assert str(by_id["public_share"].cite) == NN_CITE
    assert str(by_id["recognition"].cite) == NN_CITE
    assert by_id["inclusive_private"].cite is None  # a sample value borrows no citation
    # outside Nanning, or before the extension starts: the national set, unchanged
    assert resolve_indicator_set(law, "preschool_universal", "450203", DAY) == national
    before = resolve_indicator_set(law, "preschool_universal", "450103", dt.date(2023, 6, 1))
    assert before == national


def test_explanation_cites_per_indicator(tmp_path: Path) -> None:
    law = law_with(tmp_path, EXTENSION)
    s = resolve_indicator_set(law, "preschool_universal", "450103", DAY)
    table = pd.DataFrame(
        {
            "target": ["450103"],
            "children": [1000],
            "population_3_5": [1100],
            "public_children": [520],
            "affordable_private_children": [300],
            **{c: [1e6] for c in ("outdoor_area", "activity_room_area", "building_area")},
            "compliant_classes": [30],
            "classes": [30],
            "full_time_teachers": [80],
            "social_recognition": [0.9],
            "major_safety_accidents": [0],
        }
    )
    lines = {x.id: x for x in evaluate(s, table).explain("450103").lines}
    # 520 / 1000 = 0.52 < Nanning's 0.55 (would meet the national 0.50)
    assert not lines["public_share"].met and lines["public_share"].cite == NN_CITE
    assert lines["gross_enrolment"].cite == "《县域学前教育普及普惠督导评估办法》"


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ("replace:\n  - {id: nope, name: 无, measure: a, points: 1, scoring: "
         "{kind: threshold, op: '>=', value: 1}}\n", "replace[0].id", "invalid-extension"),
        ("add:\n  - {dimension: coverage, id: public_share, name: 重复, measure: a, points: 1, "
         "scoring: {kind: threshold, op: '>=', value: 1}}\n", "add[0].id", "invalid-extension"),
        ("add:\n  - {dimension: nowhere, id: x1, name: 新, measure: a, points: 1, "
         "scoring: {kind: threshold, op: '>=', value: 1}}\n", "add[0].dimension",
         "invalid-extension"),
        ("remove: [nope]\n", "remove[0]", "invalid-extension"),
        ("adjust:\n  - {id: gross_enrolment, min: 2}\n", "adjust[0].min", "invalid-extension"),
    ],
)  # fmt: skip
def test_changes_that_do_not_fit_the_base_name_file_line_field(
    tmp_path: Path, change: str, path: str, code: str
) -> None:
    text = f"id: preschool_universal\nextends: preschool_universal\ncite: {NN_CITE}\n{change}"
    law = law_with(tmp_path, text)
    with pytest.raises(DudaoError) as err:
        resolve_indicator_set(law, "preschool_universal", "450103", DAY)
    (p,) = err.value.problems
    line = 4 if change.startswith("remove") else 5  # the list item's line (cite is line 3)
    assert p.code == code and p.source.endswith("p.yaml") and p.line == line
    assert str(p).split(": ", 1)[0].endswith(f"p.yaml:{line} {path}")


def test_validate_command_checks_an_extension_against_its_base(tmp_path: Path) -> None:
    path = tmp_path / "indicator_sets" / "p.yaml"
    path.parent.mkdir()
    path.write_text(EXTENSION, encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    path.write_text(EXTENSION.replace("id: public_share", "id: public_shares"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", str(path)])
    assert r.exit_code == 2 and "p.yaml:15 replace[0].id" in r.output


def test_uncited_extension_is_refused_when_read() -> None:
    with pytest.raises(DudaoError, match="缺少依据"):
        parse_indicator_set("id: a\nextends: preschool_universal\nremove: [certified]\n")


def test_adjusting_a_count_sub_item_keeps_the_rest() -> None:
    base = national_sets()["quality_balanced"]
    ext = parse_indicator_set(
        "id: quality_balanced\nextends: quality_balanced\ncite: 示例〔2024〕1号 二\n"
        "adjust:\n  - {id: government_items.g07_special_funding, value: 8000}\n"
    )
    assert isinstance(ext, IndicatorSetExtension)
    merged = ext.apply(base)
    gov = {i.id: i for i in merged.indicators()}["government_items"].scoring
    items = {i.id: i for i in gov.items}
    assert items["g07_special_funding"].value == 8000
    assert str(items["g07_special_funding"].cite) == "示例〔2024〕1号 二"
    assert items["g08_teacher_pay"].value == 1 and str(items["g08_teacher_pay"].cite) == (
        "教督〔2017〕6号"
    )
    assert gov.min == 18 and len(gov.items) == 18


# ------------------------------------------------------------ parameter thresholds

PARAM_SET = """\
id: param_demo
title: 参数阈值示例
sample: true
dimensions:
  - id: d
    name: 普及
    indicators:
      - {id: rate, name: 毛入园率, measure: rate, points: 1,
         scoring: {kind: threshold, op: ">=", param: demo.rate}}
grades: [{label: 达标, min: 1}, {label: 不达标}]
"""


def param_file(value: float, extra: str) -> str:
    return (
        f"parameters:\n  - id: demo.rate\n    title: 毛入园率标准\n    values:\n"
        f"      - {{value: {value}, {extra}}}\n"
    )


def test_threshold_parameter_takes_each_units_regional_value(tmp_path: Path) -> None:
    gx = plugin(
        tmp_path, "gx", "450000", {"parameters.yaml": param_file(0.85, "cite: 厅发〔2020〕26号 三")}
    )
    nn = plugin(tmp_path, "nn", "450100", {"parameters.yaml": param_file(0.9, "sample: true")})
    law = load_plugins(autoload=False, extra={"gx": gx, "nn": nn}).law_book()
    s = parse_indicator_set(PARAM_SET)
    table = pd.DataFrame({"target": ["450103", "450203"], "rate": [0.88, 0.88]})
    ev = evaluate(s, table, law=law, as_of=DAY)
    # 0.88 < 南宁's 0.9 but ≥ 广西's 0.85 (柳州)
    assert ev.met["rate"].tolist() == [False, True]
    assert ev.explain("450103").lines[0].rule == "≥ 0.9（参数 demo.rate，示例参数，插件 nn）"
    assert (
        ev.explain("450203").lines[0].rule == "≥ 0.85（参数 demo.rate，依据 厅发〔2020〕26号 三）"
    )
    with pytest.raises(DudaoError) as err:  # 渭南 is outside both plugins: no value
        evaluate(s, pd.DataFrame({"target": ["610502"], "rate": [0.9]}), law=law, as_of=DAY)
    assert err.value.problems[0].code == "parameter-missing"
    with pytest.raises(DudaoError) as err:
        evaluate(s, table)
    assert err.value.problems[0].code == "needs-law"


def test_threshold_needs_exactly_one_of_value_and_param() -> None:
    with pytest.raises(DudaoError, match="只能写一个"):
        parse_indicator_set(PARAM_SET.replace("param: demo.rate", "param: demo.rate, value: 1"))
    with pytest.raises(DudaoError, match="缺少标准"):
        parse_indicator_set(PARAM_SET.replace(", param: demo.rate", ""))


@given(st.data())
def test_points_after_removals_and_adjustments_add_up(data: st.DataObject) -> None:
    base = national_sets()["preschool_universal"]
    ids = [i.id for i in base.indicators()]
    removed = data.draw(st.sets(st.sampled_from(ids), max_size=len(ids) - 1))
    kept = [i for i in ids if i not in removed]
    new_points = data.draw(
        st.dictionaries(st.sampled_from(kept), st.integers(0, 5), max_size=len(kept))
    )
    adjust = "".join(f"  - {{id: {k}, points: {v}}}\n" for k, v in new_points.items())
    text = (
        "id: p\nextends: preschool_universal\nsample: true\ngrades: [{label: 合格}]\n"
        + (f"remove: [{', '.join(sorted(removed))}]\n" if removed else "")
        + (f"adjust:\n{adjust}" if adjust else "")
    )
    merged = parse_indicator_set(text).apply(base)
    points = {i.id: i.points for i in base.indicators()}
    expected = sum(new_points.get(i, points[i]) for i in kept)
    assert merged.max_points == expected
    untouched = {i.id: i for i in base.indicators() if i.id not in removed | set(new_points)}
    for ind in merged.indicators():
        if ind.id in untouched:  # unchanged but for the citation spelt out
            assert attrs.evolve(ind, cite=untouched[ind.id].cite) == untouched[ind.id]
