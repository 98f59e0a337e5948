"""The hierarchy: random trees keep every invariant, broken ones give the right error."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io.divisions import load_divisions
from dudao.model.hierarchy import Hierarchy
from dudao.model.jurisdiction import NATION, Jurisdiction, JurisdictionKind, Level

K = JurisdictionKind


@st.composite
def trees(draw: st.DrawFn) -> list[Jurisdiction]:
    """Valid trees shaped like China's: provinces, prefectures, counties (some directly
    under the province, as the documented exceptions allow), zones and townships."""
    units = [NATION]
    for p in draw(st.lists(st.integers(11, 65), min_size=1, max_size=3, unique=True)):
        kind = draw(st.sampled_from([K.PROVINCE, K.AUTONOMOUS_REGION, K.MUNICIPALITY]))
        prov = f"{p:02d}0000"
        units.append(Jurisdiction(prov, f"省{p}", kind, NATION.code))
        parents: list[tuple[str, str]] = []  # (parent code, 4-digit county prefix)
        if kind is K.MUNICIPALITY:
            parents.append((prov, f"{p:02d}01"))
        else:
            for y in draw(st.lists(st.integers(1, 30), max_size=3, unique=True)):
                pref = f"{p:02d}{y:02d}00"
                units.append(Jurisdiction(pref, f"市{p}{y}", K.PREFECTURE_CITY, prov))
                parents.append((pref, pref[:4]))
                if draw(st.booleans()):
                    units.append(
                        Jurisdiction(f"{pref}-z{y}", f"开发区{y}", K.DEVELOPMENT_ZONE, pref)
                    )
            if draw(st.booleans()):
                parents.append((prov, f"{p:02d}90"))  # 省直辖县级单位
        for parent, prefix in parents:
            for z in draw(st.lists(st.integers(1, 99), max_size=3, unique=True)):
                county = f"{prefix}{z:02d}"
                kind = draw(st.sampled_from([K.DISTRICT, K.COUNTY, K.COUNTY_CITY]))
                units.append(Jurisdiction(county, f"县{county}", kind, parent))
                for t in draw(st.lists(st.integers(1, 999), max_size=2, unique=True)):
                    units.append(Jurisdiction(f"{county}{t:03d}", f"镇{county}{t}", K.TOWN, county))
    return draw(st.permutations(units))


@given(trees())
def test_random_valid_trees_keep_every_invariant(units: list[Jurisdiction]) -> None:
    h = Hierarchy(units)
    g = h.graph
    assert nx.is_arborescence(g)
    assert h.root == NATION and len(h) == len(units)
    seen: set[str] = set()
    for unit in h:  # pre-order: a parent always comes before its children
        if unit.parent is not None:
            assert unit.parent in seen
            assert h.get(unit.parent).level.depth < unit.level.depth
        seen.add(unit.code)
        assert [u.code for u in h.path(unit.code)] == nx.shortest_path(g, NATION.code, unit.code)
        assert {u.code for u in h.descendants(unit.code)} == nx.descendants(g, unit.code)


@given(trees(), st.data())
def test_contains_and_lca_agree_with_networkx(
    units: list[Jurisdiction], data: st.DataObject
) -> None:
    h = Hierarchy(units)
    codes = h.codes()
    a = data.draw(st.sampled_from(codes))
    b = data.draw(st.sampled_from(codes))
    assert h.lca(a, b).code == nx.lowest_common_ancestor(h.graph, a, b)
    assert h.contains(a, b) == (a == b or b in nx.descendants(h.graph, a))
    mask = h.contains_many(a, [*codes, "999999"])
    assert mask.tolist() == [h.contains(a, c) for c in codes] + [False]


def _codes(units: list[Jurisdiction]) -> list[str | None]:
    with pytest.raises(DudaoError) as info:
        Hierarchy(units)
    return info.value.codes


@given(trees(), st.data())
def test_duplicate_code_is_rejected(units: list[Jurisdiction], data: st.DataObject) -> None:
    victim = data.draw(st.sampled_from(units))
    copy = Jurisdiction(victim.code, victim.name + "（重）", victim.kind, victim.parent)
    assert "duplicate-code" in _codes([*units, copy])


@given(trees(), st.data())
def test_unknown_parent_is_rejected(units: list[Jurisdiction], data: st.DataObject) -> None:
    victim = data.draw(st.sampled_from([u for u in units if u.parent]).filter(lambda u: True))
    broken = [Jurisdiction(u.code, u.name, u.kind, "990000") if u is victim else u for u in units]
    assert "unknown-parent" in _codes(broken)


@given(trees(), st.data())
def test_second_root_is_rejected(units: list[Jurisdiction], data: st.DataObject) -> None:
    victim = data.draw(st.sampled_from([u for u in units if u.parent]))
    broken = [Jurisdiction(u.code, u.name, u.kind, None) if u is victim else u for u in units]
    assert _codes(broken) == ["multiple-roots"]


@given(trees(), st.data())
def test_cycle_is_rejected(units: list[Jurisdiction], data: st.DataObject) -> None:
    # Hang a province under one of its own descendants: parents now loop.
    h = Hierarchy(units)
    deep = [u for u in units if h.depth(u.code) >= 2]
    if not deep:
        deep = [u for u in units if u.parent]
    leaf = data.draw(st.sampled_from(deep))
    top = h.path(leaf.code)[1]
    broken = [Jurisdiction(u.code, u.name, u.kind, leaf.code) if u is top else u for u in units]
    codes = _codes(broken)
    assert "cycle" in codes
    # levels strictly descend along parents, so a cycle always breaks that too
    assert "level-not-descending" in codes


@given(trees(), st.data())
def test_extending_checks_the_added_units_as_building_at_once_would(
    units: list[Jurisdiction], data: st.DataObject
) -> None:
    # extend() checks only the units it adds: the tree below must come out the same,
    # and a broken addition must give the same problems, as one build of every unit
    whole = Hierarchy(units)
    cut = data.draw(st.integers(1, 4), label="depth of the first unit added")
    base = [u for u in units if whole.depth(u.code) < cut]  # closed under parents
    added = [u for u in units if whole.depth(u.code) >= cut]
    extended = Hierarchy(base).extend(added)
    assert extended.codes() == whole.codes()
    assert all(extended.depth(c) == whole.depth(c) for c in whole.codes())

    how = data.draw(st.sampled_from(["duplicate", "unknown-parent", "root", "cycle"]))
    if how == "duplicate":
        victim = data.draw(st.sampled_from(units))
        broken = [*added, Jurisdiction(victim.code, "重复", victim.kind, victim.parent)]
    elif not added:
        return
    elif how == "cycle":  # a unit hung under its own descendant, both added
        top = data.draw(st.sampled_from(added))
        below = [d for d in whole.descendants(top.code) if d.code != top.code]
        if not below:
            return
        leaf = data.draw(st.sampled_from(below))
        broken = [Jurisdiction(u.code, u.name, u.kind, leaf.code) if u is top else u for u in added]
    else:
        victim = data.draw(st.sampled_from(added))
        parent = "990000" if how == "unknown-parent" else None
        broken = [Jurisdiction(u.code, u.name, u.kind, parent) if u is victim else u for u in added]
    with pytest.raises(DudaoError) as at_once:
        Hierarchy([*base, *broken])
    with pytest.raises(DudaoError) as extending:
        Hierarchy(base).extend(broken)
    assert [str(p) for p in extending.value.problems] == [str(p) for p in at_once.value.problems]


@given(trees(), st.data())
def test_extending_by_any_subtrees_indexes_as_building_at_once_would(
    units: list[Jurisdiction], data: st.DataObject
) -> None:
    # extend() keeps the tree's children lists and sorts only the added units among them
    # (also beside siblings already there); the walk takes a unit's children at once
    # where they are leaves: every query must answer as a tree built in one go does
    whole = Hierarchy(units)
    cut = data.draw(st.sets(st.sampled_from([u.code for u in units if u.parent])))
    added = {d.code for c in cut for d in (whole.get(c), *whole.descendants(c))}
    base = Hierarchy([u for u in units if u.code not in added])
    extended = base.extend(u for u in units if u.code in added)  # any iterable
    assert extended.codes() == whole.codes() == [u.code for u in whole]
    for code in whole.codes():
        assert extended.span(code) == whole.span(code)
        assert extended.depth(code) == whole.depth(code)
        assert extended.children(code) == whole.children(code)
    assert extended.root == whole.root
    assert extended.positions(whole.codes()).tolist() == list(range(len(units)))
    assert all(base.get(c) for c in base.codes())  # the base is left as it was
    assert base.codes() == [c for c in whole.codes() if c not in added]


def test_siblings_added_later_take_their_place_among_those_there() -> None:
    units = [
        NATION,
        Jurisdiction("450000", "广西壮族自治区", K.AUTONOMOUS_REGION, "000000"),
        Jurisdiction("450100", "南宁市", K.PREFECTURE_CITY, "450000"),
        Jurisdiction("450105", "江南区", K.DISTRICT, "450100"),
    ]
    h = Hierarchy(units).extend(
        [
            Jurisdiction("450100-gaoxin", "高新区", K.DEVELOPMENT_ZONE, "450100"),
            Jurisdiction("450103", "青秀区", K.DISTRICT, "450100"),
            Jurisdiction("450105002", "某镇", K.TOWN, "450105"),
            Jurisdiction("450105001", "某街道", K.SUBDISTRICT, "450105"),
        ]
    )
    # GB/T 2260 codes in order, then the zone (whose id sorts before 450103)
    assert [u.code for u in h.children("450100")] == ["450103", "450105", "450100-gaoxin"]
    assert h.codes() == [
        "000000", "450000", "450100", "450103", "450105", "450105001", "450105002",
        "450100-gaoxin",
    ]  # fmt: skip
    assert [h.span(c) for c in ("450100", "450103", "450105", "450105002")] == [
        (2, 8), (3, 4), (4, 7), (6, 7)
    ]  # fmt: skip
    assert [h.depth(c) for c in ("450105001", "450100-gaoxin")] == [4, 3]
    assert h.children("450105001") == () and h.children("450103") == ()


#: codes and near-codes, with digits of other scripts (which \d and isdecimal take too)
_CODES = st.text(st.sampled_from("0123456789-az\n٣０߀"), max_size=12) | st.text(
    st.sampled_from("0123456789٣０߀"), min_size=6, max_size=9
)


@given(_CODES)
def test_code_forms_told_without_regular_expressions_are_code_forms(code: str) -> None:
    from dudao.model.hierarchy import _form
    from dudao.model.jurisdiction import code_form

    assert _form(code) == code_form(code)
    assert _form(code + "\n") == code_form(code + "\n")  # $ also matches before a last newline


def test_level_must_descend() -> None:
    units = [
        NATION,
        Jurisdiction("450000", "广西壮族自治区", K.AUTONOMOUS_REGION, "000000"),
        Jurisdiction("450100", "南宁市", K.PREFECTURE_CITY, "450000"),
        Jurisdiction("450103", "青秀区", K.DISTRICT, "450100"),
        Jurisdiction("450108", "良庆区", K.DISTRICT, "450103"),  # a county under a county
    ]
    with pytest.raises(DudaoError) as info:
        Hierarchy(units)
    assert [str(p) for p in info.value.problems] == [
        "450108 良庆区（县级）不能隶属于同级或更低级的 450103 青秀区（县级）（检查 kind 与 parent 是否填错）",
        "450108 不能隶属于 450103（检查代码或上级是否填错）",
    ]


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (
            Jurisdiction("460100", "海口市", K.PREFECTURE_CITY, "450000"),
            "地市级代码 460100 应为 45XX00",
        ),
        (Jurisdiction("450203", "城中区", K.DISTRICT, "450100"), "县级代码 450203 应以 4501 开头"),
        (
            Jurisdiction("450121", "某县", K.COUNTY, "450000"),
            "县级单位 450121 直属于省级单位 450000，但既非直辖市辖区，也不是省直辖县级单位（代码第3–4位为 90）",
        ),
        (
            Jurisdiction("450100-gaoxin", "高新区", K.DEVELOPMENT_ZONE, "450000"),
            "开发区代码 450100-gaoxin 的前缀应为上级代码 450000",
        ),
        (
            Jurisdiction("450104001", "某镇", K.TOWN, "450103"),
            "乡镇代码 450104001 应以上级代码 450103 开头",
        ),
    ],
)
def test_code_prefix_must_agree(unit: Jurisdiction, message: str) -> None:
    base = [
        NATION,
        Jurisdiction("450000", "广西壮族自治区", K.AUTONOMOUS_REGION, "000000"),
        Jurisdiction("450100", "南宁市", K.PREFECTURE_CITY, "450000"),
        Jurisdiction("450103", "青秀区", K.DISTRICT, "450100"),
    ]
    with pytest.raises(DudaoError) as info:
        Hierarchy([*base, unit])
    assert [(p.code, p.message) for p in info.value.problems] == [("code-prefix", message)]


def test_documented_exceptions_are_accepted() -> None:
    h = Hierarchy(load_divisions())
    assert h.parent("429004").name == "湖北省"  # 仙桃市, 省直辖县级单位
    assert h.parent("110101").name == "北京市"  # 东城区 under a municipality
    assert h.get("429004").level is Level.COUNTY


def test_errors_name_the_file_and_line_of_each_unit() -> None:
    units = [
        NATION,
        Jurisdiction("450000", "广西壮族自治区", K.AUTONOMOUS_REGION, "000000"),
        Jurisdiction("450100-gaoxin", "高新区", K.DEVELOPMENT_ZONE, "450101"),
    ]
    with pytest.raises(DudaoError) as info:
        Hierarchy(units, origins={"450100-gaoxin": ("nanning/jurisdictions.yaml", 4)})
    (problem,) = info.value.problems
    assert str(problem) == (
        "nanning/jurisdictions.yaml:4: 450100-gaoxin 高新区 的上级 450101 不存在"
        "（检查代码是否正确，或先加载提供该单位的插件）"
    )


def test_national_tree_queries() -> None:
    h = Hierarchy(load_divisions())
    assert [u.name for u in h.path("450103")] == [
        "中华人民共和国",
        "广西壮族自治区",
        "南宁市",
        "青秀区",
    ]
    assert h.lca("450103", "450305").name == "广西壮族自治区"  # 青秀区, 桂林市叠彩区
    assert h.lca("450103", "430602").code == "000000"
    assert h.contains("450000", "450181") and not h.contains("450100", "450305")
    assert len(h.at_level(Level.PROVINCE)) == 31
    assert {u.name for u in h.at_level(Level.COUNTY, within="450100")} >= {"青秀区", "横州市"}
    assert h.ancestor_at("450181", Level.PREFECTURE).name == "南宁市"
    assert h.supervisor("450103").code == "450100"
    assert h.evaluator("450100").code == "450000"
    assert h.subtree("450100").root.code == "450100"
    assert len(h.subtree("450100")) == 13


def test_townships_are_evaluated_only_where_a_region_turns_it_on() -> None:
    h = Hierarchy(load_divisions()).extend([Jurisdiction("430624001", "某镇", K.TOWN, "430624")])
    assert h.evaluator("430624001") is None
    assert h.evaluator("430624001", township_evaluation=True).code == "430624"
    assert h.evaluated_by("430624") == ()
    assert [u.code for u in h.evaluated_by("430624", township_evaluation=True)] == ["430624001"]


def test_unknown_code_suggests_close_matches() -> None:
    h = Hierarchy(load_divisions())
    with pytest.raises(DudaoError) as info:
        h.get("450193")
    (problem,) = info.value.problems
    assert problem.code == "unknown-code"
    assert problem.message == "未知的区划代码 '450193'"
    assert problem.hint is not None and problem.hint.startswith("是否是：")


def test_positions_of_a_column_with_many_categories_few_of_them_used() -> None:
    """A categorical column whose rows use few of its many categories (government
    targets among school codes) gives the positions its codes as text give."""
    import numpy as np
    import pandas as pd

    h = Hierarchy(load_divisions())
    codes = [u.code for u in h][:60]
    categories = sorted({*codes, *(f"S{i:05d}" for i in range(6000))})
    rows = [codes[5], None, "S00001", codes[0], codes[59], "999999", codes[5]]
    column = pd.Series(pd.Categorical(rows, categories=[*categories, "999999"]))
    expected = h.positions(pd.Series(rows, dtype=object).fillna("").tolist())
    expected[1] = -1
    assert h.positions(column).tolist() == expected.tolist()
    assert (h.positions(column) >= 0).tolist() == [True, False, False, True, True, False, True]
    everything = pd.Series(pd.Categorical(categories))  # every category used: looked up whole
    assert np.array_equal(h.positions(everything), h.positions(np.array(categories, dtype=object)))


_DIVISIONS = Hierarchy(load_divisions())


@given(
    st.lists(
        st.sampled_from([u.code for u in load_divisions()][:200])
        | st.sampled_from(["999999", "", "450100-x", "1"])
        | st.none()
        | st.just(float("nan")),
        max_size=150,
    )
)
def test_positions_of_python_objects_are_those_of_a_column(codes: list[str]) -> None:
    """A list of codes (any length: a dataset's units are tens of thousands) is looked up
    in the tree's dict, as a text column of them is through pandas: the same positions,
    -1 for an unknown code, None or NaN."""
    import numpy as np
    import pandas as pd

    h = _DIVISIONS
    column = pd.Series(codes, dtype=object)
    expected = [h._enter.get(c, -1) if isinstance(c, str) else -1 for c in codes]
    assert h.positions(codes).tolist() == expected
    assert h.positions(tuple(codes)).tolist() == expected
    assert h.positions(column).tolist() == expected
    assert h.positions(np.array(codes, dtype=object)).tolist() == expected
    assert h.positions(pd.Categorical(codes)).tolist() == expected


@given(
    st.sampled_from(["450103", "45010٣"]),
    st.text(st.sampled_from("0123456789٣"), min_size=6, max_size=6),
    st.text(st.sampled_from("0123456789٣"), min_size=3, max_size=3),
    st.booleans(),
)
def test_a_township_under_a_county_is_checked_as_prefix_problem_checks(
    county: str, prefix: str, rest: str, own_prefix: bool
) -> None:
    """The township test the check makes without calling _prefix_problem (9 digits under
    a 6-character code they start with) agrees with it: passed exactly when it finds no
    problem, reported as it says otherwise (any Unicode decimal digits)."""
    from dudao.model.hierarchy import _prefix_problem

    units = [
        NATION,
        Jurisdiction("450000", "广西", K.AUTONOMOUS_REGION, "000000"),
        Jurisdiction("450100", "南宁市", K.PREFECTURE_CITY, "450000"),
        Jurisdiction(county, "县", K.DISTRICT, "450100"),
    ]
    township = Jurisdiction((county if own_prefix else prefix) + rest, "镇", K.TOWN, county)
    base = Hierarchy(units)
    why = _prefix_problem(township, units[-1])
    if why is None:
        assert township.code in base.extend([township])
    else:
        with pytest.raises(DudaoError) as info:
            base.extend([township])
        assert [p.message for p in info.value.problems] == [why]


def test_extending_a_tree_by_nothing_is_the_tree_itself() -> None:
    """No unit to add: the same tree, not a copy built and checked again."""
    from dudao.io.divisions import divisions_hierarchy

    tree = divisions_hierarchy()
    assert tree.extend([]) is tree
    assert tree.extend(iter(())) is tree
