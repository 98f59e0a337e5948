"""Reforms: YAML with located errors, overrides that never touch the baseline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dudao.errors import DudaoError
from dudao.simulate.reform import Reform, load_reform, load_reforms
from dudao.testing import parameter

DAY = dt.date(2023, 3, 1)
RATIO = "inspector.schools_per_inspector"


ZONE_MIN = "zone.full_time_inspectors_min"


@pytest.fixture(scope="module")
def book(plugins):
    # Nanning states its own zone minimum (a test value) inside Guangxi
    return plugins.law_book(extra=parameter(ZONE_MIN, 2, scope="450100", sample=True))


def write(tmp_path: Path, text: str, name: str = "reform.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_later_changes_and_later_reforms_stack_above_earlier_ones(book) -> None:
    """No entry is cut or rewritten: each change is one overlay above the one before."""
    twice = (
        Reform("t").set_parameter(RATIO, 4, scope="450000").set_parameter(RATIO, 3, scope="450000")
    )
    once = twice.apply(book, DAY)
    assert once.resolve("parameter", RATIO, "450103", DAY).value == 3
    again = Reform("u").set_parameter(RATIO, 6, scope="450000").apply(once, DAY)
    assert again.resolve("parameter", RATIO, "450103", DAY).value == 6
    # the baseline entries are all still there, unchanged
    kept = {id(e) for e in again.entries()}
    assert all(id(e) in kept for e in book.entries())


def test_override_at_an_existing_scope_keeps_the_other_days(book) -> None:
    # Guangxi states 1:5 from 2020-05-14; a reform says 1:4 from 2024 in Guangxi
    reform = Reform("r").set_parameter(RATIO, 4, scope="450000", since=dt.date(2024, 1, 1))
    new = reform.apply(book, DAY)
    assert new.resolve("parameter", RATIO, "450103", dt.date(2023, 6, 1)).value == 5
    hit = new.resolve("parameter", RATIO, "450103", dt.date(2024, 6, 1))
    assert (hit.value, hit.sample, hit.origin.plugin) == (4, True, "改革:r")
    # outside Guangxi, and in the baseline book, nothing changed
    assert new.resolve("parameter", RATIO, "610500", dt.date(2024, 6, 1)).value == 5
    versions = book.versions("parameter", RATIO)
    assert all(e.origin.plugin != "改革:r" for e in versions)
    assert book.resolve("parameter", RATIO, "450103", dt.date(2024, 6, 1)).value == 5


def test_replace_deeper_overrides_a_city_inside_the_scope(book) -> None:
    plain = Reform("a").set_parameter(ZONE_MIN, 1, scope="450000").apply(book, DAY)
    assert plain.resolve("parameter", ZONE_MIN, "450103", DAY).value == 2
    assert plain.resolve("parameter", ZONE_MIN, "450203", DAY).value == 1
    deep = Reform("b").set_parameter(ZONE_MIN, 1, scope="450000", replace_deeper=True)
    assert deep.apply(book, DAY).resolve("parameter", ZONE_MIN, "450103", DAY).value == 1


def test_rules_adopted_and_removed(book) -> None:
    reform = (
        Reform("r")
        .adopt_rule("zone-composition", scope="450000")
        .remove_rule("routine-visits", scope="450100")
    )
    new = reform.apply(book, DAY)
    adopted = new.resolve("rule", "zone-composition", "450103", DAY)
    assert adopted.value is not None and adopted.value.id == "zone-composition"
    # the template cites nothing; adopted by a hypothetical reform, it cites the reform
    assert adopted.citation_text() == "《改革方案（假设）：r》" and adopted.sample
    assert adopted.value.cite == ("《改革方案（假设）：r》",)
    assert book.resolve("rule", "zone-composition", "450103", DAY).value is None  # template
    assert book.resolve("rule", "routine-visits", "450103", DAY).value is not None
    assert new.resolve("rule", "routine-visits", "450103", DAY).value is None
    assert new.resolve("rule", "routine-visits", "450200", DAY).value is not None


def test_indicator_standard_and_grade_change(book) -> None:
    reform = (
        Reform("r")
        .change_indicator("quality_balanced", "cv_primary", item="*", value=0.4, scope="450000")
        .change_grade("preschool_universal", "达标", 9.0)
    )
    new = reform.apply(book, DAY)
    s = new.resolve("indicator_set", "quality_balanced", "450103", DAY).value
    cv = next(i for i in s.indicators() if i.id == "cv_primary")
    assert {item.value for item in cv.scoring.items} == {0.4}
    assert all(item.sample for item in cv.scoring.items)
    old = book.resolve("indicator_set", "quality_balanced", "450103", DAY).value
    old_cv = next(i for i in old.indicators() if i.id == "cv_primary")
    assert {item.value for item in old_cv.scoring.items} == {0.5}
    outside = new.resolve("indicator_set", "quality_balanced", "610500", DAY).value
    assert outside is old
    pre = new.resolve("indicator_set", "preschool_universal", "610500", DAY).value
    assert next(g.min for g in pre.grades if g.label == "达标") == 9.0


def test_points_change_restates_the_dimension_and_total(book) -> None:
    s = book.resolve("indicator_set", "preschool_universal", "000000", DAY).value
    first = s.dimensions[0].indicators[0]
    new = (
        Reform("r")
        .change_indicator("preschool_universal", first.id, points=first.points + 3)
        .apply(book, DAY)
    )
    changed = new.resolve("indicator_set", "preschool_universal", "000000", DAY).value
    assert changed.max_points == s.max_points + 3
    assert changed.dimensions[0].indicators[0].sample and not first.sample
    if s.dimensions[0].points is not None:
        assert changed.dimensions[0].points == s.dimensions[0].points + 3


def test_yaml_reform_loads_with_lines(tmp_path: Path, book) -> None:
    path = write(
        tmp_path,
        """name: zones-gx
title: 岳阳的责任区构成推广到广西
parameters:
  - id: zone.full_time_inspectors_min
    scope: "450000"
    value: 2
rules:
  - id: zone-composition
    scope: "450000"
    since: 2023-01-01
""",
    )
    reform = load_reform(path)
    assert (reform.name, reform.label) == ("zones-gx", "岳阳的责任区构成推广到广西")
    assert reform.parameters[0].line == 4 and reform.rules[0].line == 8
    new = reform.apply(book, DAY)
    assert new.resolve("parameter", "zone.full_time_inspectors_min", "450103", DAY).value == 2


def test_yaml_mistakes_name_file_line_and_field(tmp_path: Path, book) -> None:
    path = write(
        tmp_path,
        """name: bad
parameters:
  - id: inspector.schools_per_inspectr
    value: 4
  - id: inspector.schools_per_inspector
    scope: "990000"
    value: 4
  - id: inspector.schools_per_inspector
    value: 4
    sample: false
rules:
  - id: committee-meetngs
    enabled: false
indicator_sets:
  - set: quality_balanced
    indicator: cv_primary
    item: nosuch
    value: 0.4
""",
    )
    with pytest.raises(DudaoError) as err:
        load_reform(path).apply(book, DAY)
    text = str(err.value)
    assert (
        f"{path}:3 parameters[0].id: 未知的参数 'inspector.schools_per_inspectr'"
        "（是否是 'inspector.schools_per_inspector'？）" in text
    )
    assert f"{path}:5 parameters[1].scope: 范围 990000 不是已知的区划代码" in text
    assert f"{path}:8 parameters[2].sample: 参数 inspector.schools_per_inspector" in text
    assert f"{path}:12 rules[0].id: 未知的规则 'committee-meetngs'" in text
    assert f"{path}:15" in text and "没有子项 'nosuch'" in text


def test_a_value_of_the_wrong_kind_is_refused(tmp_path: Path, book) -> None:
    path = write(
        tmp_path,
        """name: typo
parameters:
  - id: inspector.schools_per_inspector
    value: 1:4
  - id: funding.in_budget_required
    value: 1
""",
    )
    with pytest.raises(DudaoError) as err:
        load_reform(path).apply(book, DAY)
    text = str(err.value)
    assert f"{path}:3 parameters[0].value: 取值 '1:4' 应为数值（如 4，而不是 1:4）" in text
    assert f"{path}:5 parameters[1].value: 取值 1 应为 true 或 false" in text


def test_yaml_unknown_key_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nparameters:\n  - id: a\n    valeu: 3\n")
    with pytest.raises(DudaoError) as err:
        load_reform(path)
    assert f"{path}:4" in str(err.value) and "valeu" in str(err.value)


def test_reform_names_must_differ(tmp_path: Path) -> None:
    a = write(tmp_path, "name: same\n", "a.yaml")
    b = write(tmp_path, "name: same\n", "b.yaml")
    with pytest.raises(DudaoError, match="改革名称 'same' 重复"):
        load_reforms([a, b])


def test_the_reform_in_the_docs_loads_and_applies(tmp_path: Path, book) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "simulation.md").read_text(encoding="utf-8")
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    reform = load_reform(write(tmp_path, block))
    new = reform.apply(book, DAY)
    assert new.resolve("parameter", ZONE_MIN, "450203", DAY).value is None  # from 2024
    assert new.resolve("parameter", ZONE_MIN, "450203", dt.date(2024, 6, 1)).value == 2
    assert new.resolve("rule", "routine-visits", "450103", DAY).value is None
    pre = new.resolve("indicator_set", "preschool_universal", "000000", DAY).value
    assert pre.max_points == 11  # gross_enrolment 1 → 2 points


@pytest.mark.regional
def test_a_list_valued_override_works_uncached(nanning) -> None:
    units = "committee.required_member_units"
    reform = Reform("units").set_parameter(units, ["财政局"], scope="450100")
    with pytest.raises(TypeError):
        hash(reform)
    first = nanning.check(reform, only={"committee-composition"})
    again = nanning.check(reform, only={"committee-composition"})
    assert first is not again and first.findings.equals(again.findings)
    assert nanning.law(reform).resolve("parameter", units, "450103", DAY).value == ["财政局"]
