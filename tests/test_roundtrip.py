"""Serialisation round trips: every model class survives cattrs and YAML text unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from dudao.io.yamlio import dump, parse, structure
from dudao.model.bodies import Committee, Membership, MemberUnit, MemberUnitsFile, Officer
from dudao.model.convert import converter
from dudao.model.documents import Citation, Document, DocumentNumber
from dudao.model.jurisdiction import Jurisdiction, JurisdictionKind, JurisdictionsFile
from dudao.model.people import (
    Assessment,
    AssessmentResult,
    Inspector,
    InspectorKind,
    ResponsibilityZone,
)
from dudao.model.schools import Ownership, School, Stage
from dudao.plugins.info import PluginInfo

# Text that YAML authors really write, plus the strings YAML 1.1 would misread.
text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(
        ["no", "on", "yes", "000000", "0450", "1:30", "1.5e3", "null", "", "2020-05-14"]
    ),
)
codes = st.one_of(
    st.from_regex(r"\A\d{6}\Z"),
    st.from_regex(r"\A\d{9}\Z"),
    st.from_regex(r"\A\d{6}-[a-z][a-z0-9]{1,8}\Z"),
)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
optional = st.none().__or__

number = st.builds(
    DocumentNumber,
    issuer=st.sampled_from(["厅发", "桂教督委办", "南府督委办", "渭政教督办", "教督"]),
    letter=st.booleans(),
    year=st.integers(1949, 2100),
    serial=st.integers(1, 999),
)
documents = st.builds(
    Document,
    number=optional(number),
    issuer=st.sampled_from(["广西壮族自治区人民政府教育督导委员会办公室"]),
    date=optional(dates),
    title=st.sampled_from(["2023年教育督导工作要点", "教育督导条例"]),
    public=st.booleans(),
)
citations = st.builds(
    Citation,
    document=number.map(str),
    clause=optional(st.sampled_from(["三（一）", "二（十四）", "第十四条"])),
)
jurisdictions = st.builds(
    Jurisdiction,
    code=codes,
    name=text,
    kind=st.sampled_from(JurisdictionKind),
    parent=optional(codes),
)
schools = st.builds(
    School,
    id=text,
    name=text,
    stage=st.sampled_from(Stage),
    ownership=st.sampled_from(Ownership),
    students=st.integers(0, 10_000),
    county=codes,
    township=optional(codes),
    zone=optional(text),
)
inspectors = st.builds(
    Inspector,
    id=text,
    name=text,
    kind=st.sampled_from(InspectorKind),
    appointing=codes,
    term_start=dates,
    term_end=optional(dates),
    consecutive_terms=st.integers(1, 5),
    trained_on=optional(dates),
    training_hours=optional(st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 1))),
    zone=optional(text),
    assessments=st.lists(
        st.builds(Assessment, st.integers(2000, 2030), st.sampled_from(AssessmentResult)),
        max_size=3,
    ).map(tuple),
)
zones = st.builds(
    ResponsibilityZone,
    id=text,
    name=text,
    county=codes,
    schools=st.lists(text, max_size=4).map(tuple),
    inspectors=st.lists(text, max_size=4).map(tuple),
)
officers = st.builds(Officer, post=text, name=optional(text))
committees = st.builds(
    Committee,
    jurisdiction=codes,
    name=text,
    chair=optional(officers),
    vice_chairs=st.lists(officers, max_size=3).map(tuple),
    members=st.lists(st.builds(Membership, unit=text, liaison=optional(text)), max_size=5).map(
        tuple
    ),
    office_host=optional(text),
    chief_inspector=optional(officers),
    deputy_chief_inspectors=st.lists(officers, max_size=2).map(tuple),
)
member_units = st.builds(MemberUnit, name=text, aliases=st.lists(text, max_size=3).map(tuple))
plugin_infos = st.builds(
    PluginInfo,
    name=st.from_regex(r"\A[a-z]{3,10}\Z"),
    title=text,
    scope=codes,
    builds_on=st.lists(st.from_regex(r"\A[a-z]{3,10}\Z"), max_size=2).map(tuple),
    version=optional(st.just("0.1.0")),
    description=optional(text),
    documents=st.lists(documents, max_size=2).map(tuple),
)

ALL = st.one_of(
    jurisdictions,
    schools,
    inspectors,
    zones,
    committees,
    member_units,
    plugin_infos,
    documents,
    citations,
    number,
    st.builds(JurisdictionsFile, units=st.lists(jurisdictions, max_size=3).map(tuple)),
    st.builds(MemberUnitsFile, units=st.lists(member_units, max_size=3).map(tuple)),
)


def test_every_model_class_has_a_strategy() -> None:
    covered = {
        Jurisdiction,
        School,
        Inspector,
        Assessment,
        ResponsibilityZone,
        Committee,
        Officer,
        Membership,
        MemberUnit,
        PluginInfo,
        Document,
        Citation,
        DocumentNumber,
        JurisdictionsFile,
        MemberUnitsFile,
    }
    import dudao.model.bodies as b
    import dudao.model.documents as d
    import dudao.model.jurisdiction as j
    import dudao.model.people as p
    import dudao.model.schools as s

    defined = {
        obj
        for mod in (b, d, j, p, s)
        for obj in vars(mod).values()
        if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == mod.__name__
    }
    assert defined <= covered


@given(ALL)
def test_cattrs_round_trip(obj: Any) -> None:
    assert converter.structure(converter.unstructure(obj), type(obj)) == obj


@given(ALL)
def test_yaml_text_round_trip(obj: Any) -> None:
    data = converter.unstructure(obj)
    doc = parse(dump({"item": data}), "roundtrip.yaml")
    assert structure(doc, type(obj), root=("item",)) == obj
