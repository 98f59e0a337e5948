"""Rule templates read only their region: a template's checks in a region are its
checks of the whole country restricted to that region (as the engine restricts them),
whatever the dataset, the region and where its parameters are set. Templates restrict
their tables to the region first, and skip the schools where a parameter judges none:
neither may change a row.

No ``max_examples`` here: the settings profile decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dudao.law.book import Region
from dudao.plugins.manager import load_plugins
from dudao.rules.base import Context
from dudao.rules.templates import TemplateRule, structure_spec
from dudao.testing import dataset, inspector, parameter, school

ON = dt.date(2024, 2, 1)  # judged year 2023; work year 2024
CITE = "南府督委办〔2022〕7号 一"
COUNTIES = ["450103", "450108", "450203", "610502", "610102", "430602", "110101"]
SCOPES = ["000000", "450000", "450100", "450200", "610000", "610500", "430600"]
BASE = load_plugins(autoload=False)
H = BASE.hierarchy()

SUPERVISED = {"table": "supervisions", "where": {"kind": ["comprehensive", "special"]}}
SPECS: list[dict[str, Any]] = [
    {  # counties with primary schools, switched on by a parameter, counting schools
        "template": "count-per-period",
        "units": {"level": "county", "governments_only": True, "with_schools": ["primary"]},
        "records": {
            **SUPERVISED,
            "unit_column": "target",
            "schools": ["primary"],
            "organised_by": "unit",
        },
        "period": "judged-year",
        "switch": "test.switch",
    },
    {  # schools, counted by the records naming them
        "template": "count-per-period",
        "units": {"schools": ["primary", "kindergarten"]},
        "records": {"table": "programmes", "unit_column": "unit"},
        "period": "judged-year",
        "count_as": "records",
    },
    {  # counties, by the records naming them, against a parameter
        "template": "count-per-period",
        "units": {"level": "county"},
        "records": {"table": "supervisions", "unit_column": "target", "organised_by": "unit"},
        "period": "judged-year",
        "at_least": {"parameter": "test.target"},
    },
    {
        "template": "cycle",
        "units": {"schools": ["primary", "senior"], "ownership": "public"},
        "records": {**SUPERVISED, "unit_column": "target", "organised_by": "unit-or-above"},
        "years": {"parameter": "test.years"},
    },
    {"template": "coverage", "units": {"schools": ["primary", "kindergarten"]}},
    {
        "template": "deadline",
        "units": {"level": "county"},
        "trigger": {
            "table": "programmes",
            "where": {"stage": "feedback"},
            "since": "previous-year",
        },
        "records": {"table": "programmes", "where": {"stage": "rectification"}},
        "early": "warning",
    },
    {
        "template": "ratio",
        "units": {"level": "county"},
        "numerator": {"table": "schools", "unit_column": "county"},
        "denominator": {"table": "inspectors", "unit_column": "appointing"},
        "at_most": 2,
    },
    {
        "template": "row-condition",
        "records": SUPERVISED,
        "group_by": "body",
        "conditions": [{"id": "without_report", "column": "report_date"}],
        "examples": "supervision_id",
    },
]
RULES: list[TemplateRule] = [
    structure_spec({"id": f"t{i}", "title": "模板", "cite": [CITE], **spec}).build()
    for i, spec in enumerate(SPECS)
]


def _body(county: str, draw: st.DrawFn) -> str:
    return draw(st.sampled_from([county, county[:2] + "0000", "000000"]))


@st.composite
def datasets(draw: st.DrawFn) -> Any:
    counties = st.sampled_from(COUNTIES)
    placed = draw(st.lists(counties, min_size=1, max_size=12))
    schools = [
        school(
            f"S{i}",
            c,
            stage=draw(st.sampled_from(["primary", "kindergarten", "senior"])),
            ownership=draw(st.sampled_from(["public", "private"])),
            zone=draw(st.sampled_from([None, f"Z{c}", "Z-none"])),
        )
        for i, c in enumerate(placed)
    ]
    ids = [s["school_id"] for s in schools]
    zones = [{"zone_id": f"Z{c}", "name": f"{c}区", "county": c} for c in set(placed)]
    inspectors = [
        inspector(f"I{i}", c, zone=f"Z{c}" if c in placed else None)
        for i, c in enumerate(draw(st.lists(counties, max_size=8)))
    ]
    days = st.sampled_from(["2022-06-01", "2023-03-01", "2023-11-30", "2024-01-15"])
    supervisions = []
    for i in range(draw(st.integers(0, 12))):
        county = draw(counties)
        target = draw(st.sampled_from([county, *ids]))
        supervisions.append(
            {
                "supervision_id": f"V{i}",
                "kind": draw(st.sampled_from(["comprehensive", "special", "routine"])),
                "body": _body(
                    county if target == county else schools[ids.index(target)]["county"], draw
                ),
                "target_kind": "government" if target == county else "school",
                "target": target,
                "date": draw(days),
                "report_date": draw(st.sampled_from([None, "2024-01-20", "2024-03-01"])),
            }
        )
    programmes = [
        {
            "unit": draw(st.sampled_from([*COUNTIES, *ids])),
            "programme": "quality_monitoring",
            "stage": draw(st.sampled_from(["feedback", "rectification"])),
            "date": draw(days),
        }
        for _ in range(draw(st.integers(0, 10)))
    ]
    return dataset(
        "000000",
        schools=schools,
        zones=zones,
        inspectors=inspectors,
        supervisions=supervisions or None,
        programmes=programmes or None,
    )


@st.composite
def regions(draw: st.DrawFn) -> Region:
    scope = draw(st.sampled_from(SCOPES))
    inside = [c for c in COUNTIES if H.contains(scope, c)]
    exclude = draw(st.lists(st.sampled_from(inside), max_size=1)) if inside else []
    return Region(H, scope, tuple(exclude))


@st.composite
def parameters(draw: st.DrawFn) -> list[Any]:
    """Each parameter set at a few scopes (or none): where unset, a template judges nobody."""
    out = []
    for id, values in (("test.switch", [True]), ("test.target", [1, 2]), ("test.years", [1, 2])):
        for scope in draw(st.lists(st.sampled_from(SCOPES), max_size=2, unique=True)):
            out += parameter(id, draw(st.sampled_from(values)), scope=scope, cite=CITE)
    return out


@given(datasets(), regions(), parameters())
def test_a_template_in_a_region_checks_the_countrys_rows_there(
    ds: Any, region: Region, extra: list[Any]
) -> None:
    ctx = Context(ds, H, BASE.law_book(H, extra=extra), ON)
    for rule in RULES:
        if any(not ds.provides(t) for t in rule.needs):
            continue
        national = rule.check(ctx, Region(H, "000000"))
        national = national.loc[region.mask(national["jurisdiction"])].reset_index(drop=True)
        regional = rule.check(ctx, region)
        regional = regional.loc[region.mask(regional["jurisdiction"])].reset_index(drop=True)
        if not len(national):
            assert not len(regional), rule.id
            continue
        pd.testing.assert_frame_equal(_values(regional), _values(national), obj=rule.id)


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The values findings show: a column of texts may be Arrow text in one frame and
    objects in another (where it also holds a None outside the region)."""
    return frame.astype(object).where(frame.notna(), None)
