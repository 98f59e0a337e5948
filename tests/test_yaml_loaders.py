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


# ------------------------------------------------ what no file may do to a reader

BOMB = "".join(
    f"{n}: &{n} [{', '.join([f'*{p}' if p else 'lol'] * 9)}]\n"
    for p, n in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        pytest.param("a: 1\nb: x\x00y\n", 2, "bad-character", id="nul"),
        pytest.param("a: 1\n\x1b[31m: 2\n", 2, "bad-character", id="escape"),
        pytest.param("a: " + "[" * 5000 + "]" * 5000, 1, "yaml-too-deep", id="flow-5000"),
        pytest.param("a: " + "[" * 101 + "]" * 101, 1, "yaml-too-deep", id="flow-101"),
        pytest.param(
            "".join("  " * i + f"k{i}:\n" for i in range(120)), 100, "yaml-too-deep", id="blocks"
        ),
        pytest.param(BOMB, 5, "yaml-alias-bomb", id="billion-laughs"),
        pytest.param("a: &x [1, *x]\n", 1, "yaml-alias-cycle", id="list-holds-itself"),
        pytest.param("a: &x {b: {c: *x}}\n", 1, "yaml-alias-cycle", id="map-holds-itself"),
    ],
)
@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_what_would_break_a_reader_is_refused_with_its_line(
    monkeypatch: pytest.MonkeyPatch, text: str, line: int, code: str, libyaml: bool
) -> None:
    if not libyaml:
        monkeypatch.setattr(yamlio, "_CLoader", None)
    with pytest.raises(DudaoError) as err:
        yamlio.parse(text, "x.yaml")
    (problem,) = err.value.problems
    assert (problem.source, problem.line, problem.code) == ("x.yaml", line, code)


def test_aliases_within_the_bound_read_as_before() -> None:
    text = "base: &base {unit: 人, sample: true}\n" + "".join(f"p{i}: *base\n" for i in range(500))
    data = yamlio.parse(text, "x.yaml").data
    assert len(data) == 501 and data["p499"] == {"unit": "人", "sample": True}


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13-45", "0000-01-01", "2023-02-30 08:00:00"])
def test_a_date_that_does_not_exist_stays_text_in_both_loaders(text: str) -> None:
    fast = yamlio.parse(f"d: {text}\n", "x.yaml").data
    assert fast == _pure(f"d: {text}\n")[0] == {"d": text}


def test_a_date_field_says_why_the_date_is_impossible() -> None:
    from dudao.model.dataset import DatasetInfo

    for value, words in [
        ("2023-02-30", "'2023-02-30' 不是实际的日期：2023 年 2 月只有 28 天"),
        ("2024-02-30", "'2024-02-30' 不是实际的日期：2024 年 2 月只有 29 天"),
        ("2023-13-45", "'2023-13-45' 不是实际的日期：没有 13 月"),
        ("0001-01-01", "'0001-01-01' 不是实际的日期：早于 1900 年"),
    ]:
        doc = yamlio.parse(f"name: x\nscope: '450100'\nas_of: {value}\n", "d.yaml")
        with pytest.raises(DudaoError) as err:
            yamlio.structure(doc, DatasetInfo)
        assert str(err.value).startswith(f"d.yaml:3 as_of: {words}")


def _tags(node: yaml.Node) -> list[tuple[str, str]]:
    """Every node's kind and tag, depth first."""
    out = [(type(node).__name__, node.tag)]
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            out += _tags(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _tags(key) + _tags(value)
    return out


@given(st.one_of(st.sampled_from([*TRICKY, "True", "-0", "+1.5", ".5", "1.", "NULL"]), st.text()))
def test_the_fast_resolver_tags_every_scalar_as_pyyaml_does(value: str) -> None:
    """libyaml's loader resolves tags with a lookup of its own (_CLoader.resolve):
    every scalar, quoted or not, and the collections get PyYAML's tag."""
    assert yamlio._CLoader is not None
    loader = yamlio._CLoader("")
    try:
        for implicit in ((True, False), (False, True), (False, False)):
            ours = loader.resolve(yaml.ScalarNode, value, implicit)
            assert ours == yaml.resolver.BaseResolver.resolve(
                loader, yaml.ScalarNode, value, implicit
            )
        for kind in (yaml.SequenceNode, yaml.MappingNode):
            ours = loader.resolve(kind, None, (True, False))
            assert ours == yaml.resolver.BaseResolver.resolve(loader, kind, None, (True, False))
    finally:
        loader.dispose()
    # and in a document: the same tags as the pure-Python loader's, node by node
    text = yamlio.dump({"k": [value, {value: value}]})
    fast = yamlio._CLoader(text)
    try:
        node = fast.get_single_node()
    finally:
        fast.dispose()
    _, pure = _pure(text)
    assert node is not None and pure is not None
    assert _tags(node) == _tags(pure)
