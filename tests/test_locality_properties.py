"""Locality, generated: sets of 2–4 plugins with nested and disjoint scopes.

Each generated plugin contributes some of: a parameter value, a rule adoption (with its
own citation and severity, or switched off), a Python override of a national rule, and
an indicator set; some plugins are broken (a hook raises). Asserted for every plugin P:

* findings outside P's scope are identical with and without P (so removing a plugin
  never changes results outside its scope, and a broken one changes nothing at all);
* the indicator set and parameters resolved outside P's scope are the same.

No ``max_examples`` here: the settings profile decides (``thorough`` runs thousands).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dudao.law.kinds import Kind
from dudao.law.parameters import Parameter, ParameterValue
from dudao.model.documents import Citation
from dudao.model.findings import Severity
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.rules.base import Context
from dudao.rules.national.zones import ZoneCoverage
from dudao.rules.statements import RuleStatement
from dudao.testing import InlinePlugin, dataset, inspector, run, school

DAY = dt.date(2023, 3, 1)
RATIO = "inspector.schools_per_inspector"
RULES = {"zone-coverage", "inspector-staffing", "inspector-training-hours"}
SCOPES = ["450000", "450100", "450200", "610000", "610500", "430600"]
COUNTIES = ["450103", "450108", "450203", "610502", "610102", "430602", "110101"]
CITE = "示例文〔2023〕1号 一"
BASE = load_plugins(autoload=False)
H = BASE.hierarchy()


class Uncovered(ZoneCoverage):
    """A region's own zone-coverage in which every school fails: any leak shows."""

    def check(self, ctx: Context, region: Any) -> pd.DataFrame:
        return super().check(ctx, region).assign(ok=False)


def _raises() -> list[Any]:
    raise RuntimeError("插件内部错误")


@st.composite
def plugin(draw: st.DrawFn, name: str) -> InlinePlugin:
    hooks: dict[str, Any] = {}
    if draw(st.booleans()):
        value = draw(st.integers(1, 12))
        param = Parameter(RATIO, "比例", (ParameterValue(value, Citation.parse(CITE)),))
        hooks["parameters"] = lambda: [param]
    if draw(st.integers(0, 2)):  # adoptions and overrides are where leaks hide
        stated = RuleStatement(
            draw(st.sampled_from(["zone-coverage", *sorted(RULES)])),
            cite=(Citation.parse(f"{name}文〔2023〕2号 三"),),
            severity=draw(st.sampled_from(list(Severity))),
            enabled=draw(st.sampled_from([True, True, False])),
        )
        hooks["rule_statements"] = lambda: [stated]
    if draw(st.integers(0, 2)):
        hooks["rules"] = lambda: [Uncovered()]
    if draw(st.booleans()):
        national = BASE.law_book().resolve(Kind.INDICATOR_SET, "quality_balanced", "000000", DAY)
        own = attrs.evolve(national.value, title=f"{name} 的指标体系", cite=Citation.parse(CITE))
        hooks["indicator_sets"] = lambda: [own]
    if draw(st.integers(0, 5)) == 0:  # now and then a broken plugin
        hooks[draw(st.sampled_from(["parameters", "rules", "work_plans"]))] = _raises
    return InlinePlugin(name, draw(st.sampled_from(SCOPES)), **hooks)


@st.composite
def plugin_sets(draw: st.DrawFn) -> list[InlinePlugin]:
    n = draw(st.integers(2, 4))
    return [draw(plugin(f"p{i}")) for i in range(n)]


@st.composite
def datasets(draw: st.DrawFn) -> Any:
    """A school and a serving zone inspector in every county (so a leaked rule shows),
    then more schools and inspectors at random."""
    zones = [{"zone_id": f"Z{c}", "name": f"{c}区", "county": c} for c in COUNTIES]
    more = draw(st.lists(st.sampled_from(COUNTIES), max_size=10))
    schools = [
        school(
            f"S{i}", c, zone=f"Z{c}" if i < len(COUNTIES) else draw(st.none() | st.just(f"Z{c}"))
        )
        for i, c in enumerate([*COUNTIES, *more])
    ]
    hours = st.sampled_from([8.0, 48.0])
    inspectors = [
        inspector(f"I{i}", c, zone=f"Z{c}", training_hours=draw(hours))
        for i, c in enumerate([*COUNTIES, *draw(st.lists(st.sampled_from(COUNTIES), max_size=6))])
    ]
    return dataset("000000", schools=schools, inspectors=inspectors, zones=zones)


def _load(plugins: list[InlinePlugin]) -> PluginSet:
    return load_plugins(autoload=False, extra={p.name: p for p in plugins})


def _outside(findings: pd.DataFrame, scope: str) -> set[tuple]:
    out = findings[~H.contains_many(scope, findings["jurisdiction"])]
    cols = ["rule", "severity", "target", "jurisdiction", "message", "citation", "plugin"]
    return set(out[cols].itertuples(index=False, name=None))


@given(plugin_sets(), datasets())
def test_no_plugin_changes_anything_outside_its_scope(plugins: list[InlinePlugin], ds: Any) -> None:
    everything = _load(plugins)
    with_all = run(ds, DAY, plugins=everything, rules=RULES).findings
    book = everything.law_book()
    for p in plugins:
        others = _load([q for q in plugins if q is not p])
        without = run(ds, DAY, plugins=others, rules=RULES).findings
        assert _outside(with_all, p.scope) == _outside(without, p.scope), p
        other_book = others.law_book()
        for code in COUNTIES:
            if H.contains(p.scope, code):
                continue
            for kind, id in ((Kind.PARAMETER, RATIO), (Kind.INDICATOR_SET, "quality_balanced")):
                a = _resolved(book, kind, id, code)
                b = _resolved(other_book, kind, id, code)
                assert a == b, (p, code, kind)


def _resolved(book: Any, kind: Kind, id: str, code: str) -> Any:
    try:
        entry = book.resolve(kind, id, code, DAY)
    except Exception as exc:  # a conflict: must be the same conflict either way
        return type(exc).__name__, str(exc)
    return None if entry is None else (entry.origin.plugin, entry.scope, entry.title)


@given(plugin_sets())
def test_a_broken_plugin_contributes_nothing(plugins: list[InlinePlugin]) -> None:
    loaded = _load(plugins)
    book = loaded.law_book()
    excluded = {p.name for p in loaded.failed}
    assert all(e.origin.plugin not in excluded for e in book.entries())
    for p in plugins:
        if "parameters" in p.hooks and p.hooks["parameters"] is _raises:
            assert p.name in excluded


@given(plugin_sets(), datasets(), st.sampled_from(SCOPES), st.integers(1, 12), st.booleans())
def test_a_reform_changes_nothing_outside_its_scope(
    plugins: list[InlinePlugin], ds: Any, scope: str, value: int, deeper: bool
) -> None:
    """A reform is the baseline's contributions plus its own, stacked above: outside its
    scope every finding is the baseline's, whatever the plugins state."""
    from dudao.rules.base import Context
    from dudao.rules.engine import run_rules
    from dudao.simulate.reform import Reform

    loaded = _load(plugins)
    h = loaded.hierarchy()
    base = loaded.law_book()
    reform = Reform("r").set_parameter(RATIO, value, scope=scope, replace_deeper=deeper)
    reformed = reform.apply(base, DAY)
    before = run_rules(Context(ds, h, base, DAY, loaded.member_units), only=RULES).findings
    after = run_rules(Context(ds, h, reformed, DAY, loaded.member_units), only=RULES).findings
    assert _outside(before, scope) == _outside(after, scope)


@given(
    st.lists(st.one_of(st.none(), st.sampled_from([*COUNTIES, "999999"])), max_size=30),
    st.sampled_from(["000000", *SCOPES]),
    st.sampled_from(["000000", *SCOPES]),
    st.lists(st.sampled_from(SCOPES), max_size=2),
)
def test_rows_within_a_region_are_told_alike_from_categories_and_texts(
    codes: list[str | None], scope: str, region_scope: str, exclude: list[str]
) -> None:
    """A rule's rows in its region and the dataset's scope: the same rows whether the
    code column is categorical (told per category) or plain text (told per row);
    missing and unknown codes are in no region."""
    from dudao.law.book import Region

    ctx = Context(dataset(scope), H, BASE.law_book(H), DAY)
    region = Region(H, region_scope, tuple(exclude))
    text = pd.DataFrame({"county": pd.Series(codes, dtype=object), "row": range(len(codes))})
    as_categories = text.assign(county=text["county"].astype("category"))
    expected = [
        i
        for i, c in enumerate(codes)
        if c is not None and region.contains(c) and c in H and H.contains(scope, c)
    ]
    assert ctx.within(text, "county", region)["row"].tolist() == expected
    assert ctx.within(as_categories, "county", region)["row"].tolist() == expected
    # the same frame as selecting those rows, whether taken or joined from runs of rows
    arrow = as_categories.assign(name=pd.Series([f"校{i}" for i in range(len(codes))], dtype="str"))
    pd.testing.assert_frame_equal(ctx.within(arrow, "county", region), arrow.loc[expected])


@given(
    st.lists(st.tuples(st.sampled_from([*COUNTIES, *SCOPES]), st.booleans()), max_size=12),
    st.sampled_from(["000000", *SCOPES]),
    st.sampled_from(["000000", *SCOPES]),
    st.lists(st.sampled_from(SCOPES), max_size=2),
)
def test_a_region_reads_the_serving_inspectors_appointed_inside_it(
    appointed: list[tuple[str, bool]], scope: str, region_scope: str, exclude: list[str]
) -> None:
    """serving(ctx, region, columns): exactly the inspectors on duty whose appointing
    unit lies in the region and the dataset's scope, with the columns asked for (an
    inspector rule a region adopts reads that region's, not the country's)."""
    from dudao.law.book import Region
    from dudao.rules.national.staffing import serving

    rows = [
        inspector(f"I{i}", unit, term_end=None if on_duty else "2022-08-31")
        for i, (unit, on_duty) in enumerate(appointed)
    ]
    ctx = Context(dataset(scope, inspectors=rows), H, BASE.law_book(H), DAY)
    region = Region(H, region_scope, tuple(exclude))
    got = serving(ctx, region, ["kind"])
    expected = [
        f"I{i}"
        for i, (unit, on_duty) in enumerate(appointed)
        if on_duty and region.contains(unit) and H.contains(scope, unit)
    ]
    assert got["inspector_id"].tolist() == expected
    assert list(got.columns) == ["inspector_id", "name", "appointing", "kind"]
    everyone = serving(ctx)
    assert everyone["inspector_id"].tolist() == [f"I{i}" for i, (_, d) in enumerate(appointed) if d]


@given(
    st.sampled_from(["000000", *SCOPES]),
    st.lists(st.sampled_from(SCOPES), max_size=2),
    st.sampled_from(["000000", *SCOPES]),
    st.lists(st.sampled_from(SCOPES), max_size=2),
    st.lists(
        st.one_of(st.none(), st.sampled_from([*COUNTIES, *SCOPES, "999999", "450100-shili"])),
        max_size=20,
    ),
)
def test_the_intersection_of_two_regions_holds_the_codes_in_both(
    a: str, a_out: list[str], b: str, b_out: list[str], codes: list[str | None]
) -> None:
    """A rule's region within the dataset's scope is one region (two subtrees are nested
    or apart): a code is in it exactly when it is in both; a categorical column's mask
    says so too, on each tree it is asked about (the positions remembered per tree)."""
    from dudao.law.book import Region
    from dudao.model.jurisdiction import Jurisdiction

    first, second = Region(H, a, tuple(a_out)), Region(H, b, tuple(b_out))
    both = first.intersect(second)
    for code in [*COUNTIES, *SCOPES, "000000"]:
        assert both.contains(code) == (first.contains(code) and second.contains(code))
    column = pd.Series(codes, dtype=object).astype("category")
    in_both = [c is not None and first.contains(c) and second.contains(c) for c in codes]
    assert both.mask(column).tolist() == in_both
    # another tree, which knows one more unit, asked about the same categories
    zone = Jurisdiction("450100-shili", "示例开发区", "development_zone", "450100")
    wider = H.extend([zone])
    assert Region(wider, a).mask(column).tolist() == [
        c is not None and Region(wider, a).contains(c) for c in codes
    ]
