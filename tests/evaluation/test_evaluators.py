"""Who evaluates whom: the hierarchy, with townships only where a region turns them on."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.evaluation.evaluators import HIERARCHY_BASIS, evaluator_basis, evaluators
from dudao.law.kinds import Kind
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind
from dudao.plugins.manager import load_plugins

pytestmark = pytest.mark.regional

PLUGINS = load_plugins()
H = PLUGINS.hierarchy().extend(
    [
        Jurisdiction("430624101", "湘阴县某镇", JurisdictionKind.TOWN, "430624"),  # 岳阳市湘阴县
        Jurisdiction("450103001", "青秀区某街道", JurisdictionKind.SUBDISTRICT, "450103"),
    ]
)
LAW = PLUGINS.law_book(H)


def test_governments_are_evaluated_by_the_level_above() -> None:
    # 厅发〔2020〕26号 二（三）: 自治区 → 设区市 → 县; the nation evaluates provinces
    day = dt.date(2023, 6, 1)
    assert evaluators(
        ["450103", "450100-gaoxin", "450100", "450000", "000000", "999999"], H, LAW, day
    ) == ["450100", "450100", "450000", "000000", None, None]


def test_townships_are_evaluated_only_where_and_while_a_region_says_so() -> None:
    townships = ["430624101", "450103001"]
    # Yueyang's 2023 work points (item 5) make its townships a fourth evaluated level
    assert evaluators(townships, H, LAW, dt.date(2023, 6, 1)) == ["430624", None]
    # the work points govern 2023 only; nationally townships are not evaluated
    assert evaluators(townships, H, LAW, dt.date(2024, 6, 1)) == [None, None]


def test_the_basis_of_who_evaluates_is_the_evaluation_s_own_document() -> None:
    """岳阳 2023: the city evaluates its counties under item 4 (县市区人民政府履行教育职责
    评价), counties their townships under item 5; 南宁's 优质均衡 is evaluated under the
    national measures, not Guangxi's duty-evaluation clause 厅发〔2020〕26号 二（三）."""
    day = dt.date(2023, 6, 1)
    item = "《岳阳市2023年教育督导工作要点》"
    county_duty = LAW.resolve(Kind.INDICATOR_SET, "yueyang_county_duty", "430600", day).value
    assert evaluator_basis("430600", LAW, day, str(county_duty.cite)) == f"{item} 4"
    assert evaluator_basis("430600", LAW, day) == HIERARCHY_BASIS  # never item 5 for counties
    assert evaluator_basis("430624", LAW, day) == f"{item} 5"  # 湘阴县 evaluating townships
    balanced = LAW.resolve(Kind.INDICATOR_SET, "quality_balanced", "450100", day).value
    assert evaluator_basis("450100", LAW, day, str(balanced.cite)) == "教督〔2017〕6号"
    assert "二（三）" not in evaluator_basis("450100", LAW, day)
    # a county outside township evaluation evaluates no one on a region's say-so
    assert evaluator_basis("450103", LAW, day) == HIERARCHY_BASIS
