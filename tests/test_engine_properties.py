"""Properties of the whole check: locality, order independence, monotone requirements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dudao.model.dataset import Dataset
from dudao.plugins.manager import PluginSet, load_plugins
from dudao.plugins.yaml_plugin import YamlPlugin
from dudao.testing import dataset, evidence, inspector, run, school, share_of_examples

DAY = dt.date(2023, 3, 1)
COUNTIES = [
    "450103",
    "450108",
    "450305",
    "610503",
]  # 青秀区, 良庆区 (南宁), 叠彩区 (桂林), 华州区 (渭南)
STAGES = ["kindergarten", "primary", "junior", "senior", "special"]


@st.composite
def datasets(draw: st.DrawFn) -> tuple[list[dict], list[dict], list[dict]]:
    zone_ids = [f"Z{c}-{i}" for c in COUNTIES for i in (1, 2)]
    zones = [{"zone_id": z, "name": z, "county": z[1:7]} for z in zone_ids]
    n = draw(st.integers(0, 25))
    schools = [
        school(
            f"S{i}",
            draw(st.sampled_from(COUNTIES)),
            stage=draw(st.sampled_from(STAGES)),
            students=draw(st.integers(0, 3000)),
            zone=draw(st.none() | st.sampled_from(zone_ids)),
        )
        for i in range(n)
    ]
    m = draw(st.integers(0, 10))
    inspectors = [
        inspector(
            f"I{i}",
            draw(st.sampled_from(COUNTIES)),
            kind=draw(st.sampled_from(["full_time", "part_time"])),
            zone=draw(st.none() | st.sampled_from(zone_ids)),
        )
        for i in range(m)
    ]
    return schools, inspectors, zones


def _build(tables: tuple[list[dict], list[dict], list[dict]]) -> Dataset:
    schools, inspectors, zones = tables
    return dataset("000000", schools=schools, inspectors=inspectors, zones=zones)


def _key(findings: pd.DataFrame) -> set[tuple]:
    cols = ["rule", "severity", "target", "jurisdiction", "message", "citation"]
    return set(findings[cols].itertuples(index=False, name=None))


BASE = load_plugins(autoload=False)  # the national plugin only


def _with_local(tmp: Path) -> PluginSet:
    """A plugin scoped to 南宁市 that tightens the ratio and switches zone coverage off."""
    folder = tmp / "local"
    folder.mkdir(exist_ok=True)
    (folder / "plugin.yaml").write_text(
        "name: local\ntitle: 本地\nscope: '450100'\n", encoding="utf-8"
    )
    (folder / "parameters.yaml").write_text(
        "parameters:\n  - id: inspector.schools_per_inspector\n    title: 比例\n    values:\n"
        "      - value: 2\n        sample: true\n",
        encoding="utf-8",
    )
    (folder / "rules.yaml").write_text(
        "rules:\n  - id: zone-coverage\n    enabled: false\n", encoding="utf-8"
    )
    return load_plugins(autoload=False, extra={"local": YamlPlugin(folder)})


@share_of_examples(0.5)
@given(tables=datasets())
def test_a_plugin_scoped_to_a_subtree_changes_nothing_outside_it(tables, tmp_path_factory) -> None:
    ds = _build(tables)
    local = _with_local(tmp_path_factory.mktemp("p"))
    before = run(ds, DAY, plugins=BASE).findings
    after = run(ds, DAY, plugins=local).findings
    h = BASE.hierarchy()
    outside = lambda f: f[~h.contains_many("450100", f["jurisdiction"])]  # noqa: E731
    assert _key(outside(before)) == _key(outside(after))
    # and inside it the local plugin is in force: no zone-coverage finding in 南宁
    inside = after[h.contains_many("450100", after["jurisdiction"])]
    assert "zone-coverage" not in set(inside["rule"])


@share_of_examples(0.5)
@given(datasets(), st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_of_rows(tables, rnd) -> None:
    schools, inspectors, zones = tables
    shuffled = (
        rnd.sample(schools, len(schools)),
        rnd.sample(inspectors, len(inspectors)),
        rnd.sample(zones, len(zones)),
    )
    a = run(_build(tables), DAY, plugins=BASE).findings
    b = run(_build(shuffled), DAY, plugins=BASE).findings
    assert _key(a) == _key(b)
    assert len(a) == len(b)


@share_of_examples(0.5)
@given(datasets(), st.lists(st.sampled_from(COUNTIES), min_size=1, max_size=8))
def test_required_inspectors_never_decrease_when_schools_are_added(tables, more) -> None:
    schools, inspectors, zones = tables
    grown = [*schools, *(school(f"N{i}", c) for i, c in enumerate(more))]
    before = run(_build(tables), DAY, plugins=BASE, rules={"inspector-staffing"})
    after = run(_build((grown, inspectors, zones)), DAY, plugins=BASE, rules={"inspector-staffing"})
    for county in COUNTIES:
        r0 = evidence(before, "inspector-staffing", county)["required"]
        r1 = evidence(after, "inspector-staffing", county)["required"]
        assert r1 >= r0


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=6),  # any code point: NUL, surrogates, astral planes
            st.sampled_from(["450103-00001", "450103-00001\0", "450103", "Ｓ1", "s1"]),
        ),
        max_size=40,
    )
)
def test_findings_sort_keys_follow_text_order(values: list[str | None]) -> None:
    """The codes the findings are sorted by order texts as Python does (the code points,
    trailing NULs included), missing values first, as ``pd.factorize(sort=True)``."""
    from dudao.rules.engine import _text_order

    column = np.array(values, dtype=object)
    assert _text_order(column).tolist() == pd.factorize(column, sort=True)[0].tolist()


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=4), st.integers(0, 3)), max_size=20),
    st.sampled_from(["category", "category-of-str"]),
)
def test_findings_texts_of_a_categorical_are_what_astype_str_shows(
    values: list[Any], kind: str
) -> None:
    """A categorical column's texts in a finding (its target, jurisdiction, citation)
    are its values as ``astype(str)`` shows them, missing values as NaN, whether its
    categories are texts (taken by code) or not."""
    from dudao.rules.engine import _texts

    if kind == "category-of-str":
        values = [None if v is None else str(v) for v in values]
        column = pd.Series(
            values,
            dtype=pd.CategoricalDtype(
                pd.Index(sorted({v for v in values if v is not None}), dtype="str")
            ),
        )
    else:
        column = pd.Series(values, dtype=object).astype("category")
    got, want = _texts(column), column.astype(str).to_numpy(dtype=object)
    assert [type(v) for v in got] == [type(v) for v in want]
    assert [v for v in got if v == v] == [v for v in want if v == v]


@given(st.lists(st.integers(-3, 3), max_size=30), st.booleans())
def test_first_and_inverse_finds_each_value_where_it_first_appears(
    values: list[int], constant: bool
) -> None:
    """(first, inverse) of an integer column: each distinct value's first position in
    order of appearance, and each row's value's index among them; a column of one value
    (as most citation columns are) too."""
    from dudao.rules.base import first_and_inverse

    if constant:
        values = [values[0]] * len(values) if values else []
    first, inverse = first_and_inverse(np.array(values, dtype=np.int64))
    seen = list(dict.fromkeys(values))
    assert first.tolist() == [values.index(v) for v in seen]
    assert inverse.tolist() == [seen.index(v) for v in values]


@given(
    st.lists(st.integers(-(2**40), 2**40), max_size=30),
    st.sampled_from(["D", "h", "m", "s", "ms", "us", "ns", "10s", "W"]),
)
def test_day_numbers_are_the_days_numpy_converts_to(ticks: list[int], unit: str) -> None:
    """day_numbers (integer division of the ticks) gives the day NumPy's conversion to
    datetime64[D] gives, before 1970 too, in any unit (a week's ticks convert as NumPy
    does)."""
    from dudao.model.tables import day_numbers

    if unit == "ns":  # nanoseconds span ±292 years from 1970
        ticks = [t * 1000 for t in ticks]
    stamps = np.array(ticks, dtype=np.int64).view(f"datetime64[{unit}]")
    stamps = stamps[~np.isnat(stamps)]
    want = stamps.astype("datetime64[D]").astype(np.int64)
    assert day_numbers(stamps).tolist() == want.tolist()
