"""Yueyang's own rules (data/rules/*.yaml from templates, and dudao_yueyang.rules), on small datasets built in code.

Expectations are worked out by hand from 《岳阳市2023年教育督导工作要点》 5, 6, 7, 8, 11.
Counties: 430624 湘阴县, 430623 华容县, 430626 平江县. Townships are sample units.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind
from dudao.model.periods import judged_year
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import folder_plugin
from dudao.testing import dataset, evidence, run, school

yueyang_plugin = folder_plugin("dudao_yueyang")

END_2023 = dt.date(2023, 12, 31)
SEED = "《岳阳市2023年教育督导工作要点》"


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUDAO_DISABLE_PLUGINS", raising=False)


@pytest.fixture(scope="module")
def plugins() -> PluginSet:
    return load_plugins(autoload=False, extra={"yueyang": yueyang_plugin})


def sup(id: str, target: str, body: str, date: str, *, kind: str = "comprehensive",
        target_kind: str = "school") -> dict[str, str]:  # fmt: skip
    return {
        "supervision_id": id,
        "kind": kind,
        "body": body,
        "target_kind": target_kind,
        "target": target,
        "date": date,
    }


def findings(result, rule: str) -> dict[str, str]:
    f = result.findings
    f = f[f["rule"] == rule]
    return dict(zip(f["target"].astype(str), f["severity"].astype(str), strict=True))


def test_judged_year() -> None:
    assert judged_year(dt.date(2023, 12, 31)) == 2023
    assert judged_year(dt.date(2023, 12, 30)) == 2022
    assert judged_year(dt.date(2024, 1, 1)) == 2023


# ------------------------------------------------------------------ township evaluation

TOWNS = [
    Jurisdiction("430624901", "湘阴县示例镇甲", JurisdictionKind.TOWN, "430624"),
    Jurisdiction("430624902", "湘阴县示例镇乙", JurisdictionKind.TOWN, "430624"),
    Jurisdiction("430623901", "华容县示例镇甲", JurisdictionKind.TOWN, "430623"),
]


def township_dataset(scope: str, *records: dict[str, str]):
    return dataset(scope, units=TOWNS, supervisions=list(records))


def test_township_evaluation_by_the_county(plugins: PluginSet) -> None:
    ds = township_dataset(
        "430600",
        sup("T1", "430624901", "430624", "2023-10-01", target_kind="government"),
        # by the city, not the county: not the county's evaluation of its township
        sup("T2", "430623901", "430600", "2023-10-01", target_kind="government"),
    )
    result = run(ds, END_2023, plugins=plugins, rules={"township-evaluation"})
    got = findings(result, "township-evaluation")
    assert "430624" not in got
    assert got["430623"] == "warning"  # 根据工作需要: a warning, not an error
    xiangyin = evidence(result, "township-evaluation", "430624")
    assert (xiangyin["sub_units"], xiangyin["evaluated"]) == (2, 1)
    assert xiangyin["not_covered"] == ["430624902 湘阴县示例镇乙"]
    assert xiangyin["citation"] == f"{SEED} 5"
    # the other counties have no townships in the dataset: 0 of 0, warned as well
    pingjiang = evidence(result, "township-evaluation", "430626")
    assert (pingjiang["sub_units"], pingjiang["ok"]) == (0, False)
    assert len(got) == 8  # nine county governments, 湘阴 passes


def test_township_evaluation_only_for_2023(plugins: PluginSet) -> None:
    ds = township_dataset("430624")
    # as of mid-2023 the judged year is 2022, for which Yueyang sets nothing
    assert findings(run(ds, dt.date(2023, 6, 30), plugins=plugins), "township-evaluation") == {}
    assert findings(run(ds, dt.date(2024, 3, 1), plugins=plugins), "township-evaluation") == {
        "430624": "warning"
    }
    assert findings(run(ds, dt.date(2025, 3, 1), plugins=plugins), "township-evaluation") == {}


# ------------------------------------------------------------------ school-level rules


def test_high_school_stage_evaluated_every_year(plugins: PluginSet) -> None:
    ds = dataset(
        "430624",
        schools=[
            school("H1", "430624", stage="senior"),
            school("H2", "430624", stage="secondary_vocational"),
            school("H3", "430624", stage="complete_secondary"),
            school("P1", "430624", stage="primary"),  # not high-school stage
        ],
        supervisions=[
            sup("S1", "H1", "430600", "2023-05-10"),  # city evaluation counts
            sup("S2", "H2", "430624", "2022-11-01"),  # last year's
            sup("S3", "H3", "430624", "2023-04-01", kind="special"),  # not an assessment
        ],
    )
    result = run(ds, END_2023, plugins=plugins, rules={"high-school-stage-evaluation"})
    assert findings(result, "high-school-stage-evaluation") == {"H2": "error", "H3": "error"}
    h1 = evidence(result, "high-school-stage-evaluation", "H1")
    assert (h1["evaluations"], h1["last_evaluation"]) == (1, dt.date(2023, 5, 10))
    assert h1["citation"] == f"{SEED} 6（二）；{SEED} 6（三）"


def test_private_compulsory_schools(plugins: PluginSet) -> None:
    ds = dataset(
        "430623",
        schools=[
            school("M1", "430623", stage="junior", ownership="private"),
            school("M2", "430623", stage="nine_year", ownership="private"),
            school("G1", "430623", stage="junior"),  # public: not this rule's
            school("K1", "430623", stage="kindergarten", ownership="private"),
        ],
        supervisions=[sup("S1", "M1", "430623", "2023-09-09", kind="special")],
    )
    result = run(ds, END_2023, plugins=plugins, rules={"private-compulsory-evaluation"})
    assert findings(result, "private-compulsory-evaluation") == {"M2": "error"}


def test_large_schools_need_special_supervision(plugins: PluginSet) -> None:
    ds = dataset(
        "430602",
        schools=[
            school("A", "430602", stage="primary", students=2100),  # > 2000
            school("B", "430602", stage="primary", students=2000),  # at the limit
            school("C", "430602", stage="nine_year", students=2400),  # ≤ 2500
            school("D", "430602", stage="nine_year", students=2600),
            school("E", "430602", stage="complete_secondary", students=3000),  # not judged
        ],
        supervisions=[
            sup("S1", "D", "430602", "2023-03-01", kind="special"),
            sup("S2", "A", "430602", "2023-03-01", kind="comprehensive"),  # not special
        ],
    )
    result = run(ds, END_2023, plugins=plugins, rules={"large-school-supervision"})
    assert findings(result, "large-school-supervision") == {"A": "error"}
    a = evidence(result, "large-school-supervision", "A")
    assert (a["students"], a["size_limit"]) == (2100, 2000)
    assert a["citation"] == f"{SEED} 11（二）；教督〔2017〕6号"
    assert evidence(result, "large-school-supervision", "D")["ok"]


# ------------------------------------------------------------------ county-level rules


def test_compulsory_round_started_by_the_county_itself(plugins: PluginSet) -> None:
    ds = dataset(
        "430600",
        schools=[
            school("X1", "430624"),
            school("X2", "430624", stage="junior"),
            school("Y1", "430623"),
            school("Z1", "430626", stage="kindergarten"),  # 平江: no compulsory school here
        ],
        supervisions=[
            sup("S1", "X2", "430624", "2023-06-01"),
            sup("S2", "Y1", "430600", "2023-06-01"),  # the city's, not 华容's own round
        ],
    )
    result = run(ds, END_2023, plugins=plugins, rules={"compulsory-round-started"})
    assert findings(result, "compulsory-round-started") == {"430623": "error"}
    x = evidence(result, "compulsory-round-started", "430624")
    assert (x["schools"], x["evaluated"], x["setting"]) == (2, 1, 5)
    with pytest.raises(KeyError):
        evidence(result, "compulsory-round-started", "430626")


def test_kindergarten_conduct_evaluation(plugins: PluginSet) -> None:
    ds = dataset(
        "430600",
        schools=[
            school("K1", "430681", stage="kindergarten"),
            school("K2", "430682", stage="kindergarten"),
        ],
        supervisions=[sup("S1", "K1", "430681", "2023-11-20", kind="special")],
    )
    result = run(ds, END_2023, plugins=plugins, rules={"kindergarten-conduct-evaluation"})
    assert findings(result, "kindergarten-conduct-evaluation") == {"430682": "error"}
