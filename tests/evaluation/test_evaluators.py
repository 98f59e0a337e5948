"""Who evaluates whom: the hierarchy, with townships only where a region turns them on."""

from __future__ import annotations

import datetime as dt

from dudao.evaluation.evaluators import evaluators
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind
from dudao.plugins.manager import load_plugins

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
