"""The libyaml-backed loader reads exactly what the pure-Python StrictLoader reads."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io import yamlio

pytestmark = pytest.mark.skipif(yamlio._CLoader is None, reason="PyYAML built without libyaml")

TRICKY = ["000000", "no", "on", "1:30", "0x10", "1e3", "2020-05-14", "null", "", "é 督导", "~"]
scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=8),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2050, 1, 1)),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


def _pure(text: str) -> tuple[object, yaml.Node | None]:
    loader = yamlio.StrictLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


@given(documents)
def test_both_loaders_read_the_same_data_at_the_same_lines(data: object) -> None:
    text = yamlio.dump(data)
    fast = yamlio.parse(text, "<t>")
    pure, node = _pure(text)
    assert fast.data == pure
    if isinstance(data, dict) and data:
        key = next(iter(data))
        assert fast.line_of([key]) == yamlio.YamlDocument(pure, node, "<t>").line_of([key])


def test_errors_come_from_the_pure_loader_with_its_messages() -> None:
    with pytest.raises(DudaoError) as err:
        yamlio.parse("a: 1\nb: 2\na: 3\n", "x.yaml")
    (problem,) = err.value.problems
    assert (problem.line, problem.code) == (3, "duplicate-key")
    with pytest.raises(DudaoError) as err:
        yamlio.parse("a: [1, 2\nb: 3\n", "x.yaml")
    assert err.value.problems[0].code == "yaml-syntax"
