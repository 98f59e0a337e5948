"""yamlio builds a document without anchors in one walk of its own (yamlio._plain),
and what it builds is exactly what PyYAML's constructor builds: the same data, of the
same types, or, for anything it leaves to PyYAML, the same error at the same line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io import yamlio

pytestmark = pytest.mark.skipif(yamlio._CLoader is None, reason="PyYAML built without libyaml")

#: scalars as written, plain, quoted or tagged: each read by the resolvers and
#: constructors, some refused by them
WRITTEN = [
    "x",
    "督导",
    "000000",
    "0450",
    "no",
    "on",
    "True",
    "false",
    "~",
    "null",
    "",
    "''",
    '"3"',
    "3",
    "-7",
    "+2",
    "1.5",
    ".5",
    "1e3",
    "1.0e3",
    "1:30",
    "0x10",
    "2020-05-14",
    "2023-02-30",
    "0001-01-01",
    "2020-05-14 08:00:00",
    "2020-05-14T08:00:00Z",
    "!!int 12",
    "!!int x",
    "!!float 3",
    "!!str 5",
    "!!bool yes",
    "!!null ''",
    "!!timestamp 2020-01-01",
    "!!binary aGk=",
    "!!python/name:os.system",
    "!local x",
    "|\n  a\n  b",
    "[a, b]",
    "{}",
    "[]",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!str [a]",
    "!!map {a: 1}",
    "!!seq [1]",
]

keys = st.sampled_from(["a", "b", "1", "true", "1.0", "2020-01-01", "~", "'a'", "[k]", "? x"])


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    """YAML text in flow style: maps, lists and the scalars above, sometimes with a key
    written twice or a merge key."""
    kind = draw(st.integers(0, 5 if depth < 4 else 0))
    if kind == 0 or kind == 1:
        return draw(st.sampled_from(WRITTEN)).replace("\n", "\n" + "  " * (depth + 1))
    if kind == 2:
        items = draw(st.lists(documents(depth + 1), max_size=3))
        return "[" + ", ".join(f" {i}" for i in items) + "]"
    pairs = draw(st.lists(st.tuples(keys, documents(depth + 1)), max_size=3))
    if draw(st.integers(0, 9)) == 0:
        pairs.append(("<<", "{m: 1}"))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _general(text: str) -> Any:
    """What parsing gave before the walk: libyaml's nodes, PyYAML's constructor."""
    loader = yamlio._CLoader(text)  # type: ignore[misc]
    try:
        node = loader.get_single_node()
        yamlio._check_graph(node, text)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _typed(data: Any) -> Any:
    """Data with every value's type beside it (1 == 1.0 == True, '2020' != date)."""
    if isinstance(data, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in data.items()])
    if isinstance(data, list):
        return ("list", [_typed(v) for v in data])
    return type(data).__name__, repr(data)


def _outcome(parse: Any, text: str) -> Any:
    try:
        return "ok", _typed(parse(text))
    except DudaoError as exc:
        return "problems", [(p.line, p.code, p.message) for p in exc.problems]
    except Exception as exc:
        return "raised", type(exc).__name__


def _parse(text: str) -> Any:
    return yamlio.parse(text, "x.yaml").data


@given(documents())
def test_the_walk_reads_what_pyyaml_reads(text: str) -> None:
    general = _outcome(_general, text)
    if general[0] == "ok":  # the same data, of the same types
        assert _outcome(_parse, text) == general
    else:  # refused either way (parse then gives the pure loader's message)
        assert _outcome(_parse, text)[0] != "ok"


@given(documents())
def test_the_walk_in_block_style_too(text: str) -> None:
    try:
        data = _general(text)
        block = yaml.dump(data, Dumper=yamlio.StrictDumper, default_flow_style=False)
    except Exception:
        return
    assert _outcome(_parse, block) == _outcome(_general, block)


def _walk(text: str) -> Any:
    loader = yamlio._CLoader(text)  # type: ignore[misc]
    try:
        return yamlio._plain(loader.get_single_node(), loader)
    finally:
        loader.dispose()


def test_plain_documents_do_not_reach_pyyaml_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    # the cost removed: a plugin file of maps, lists and scalars is built by the walk
    def refuse(*args: Any) -> Any:
        raise AssertionError("PyYAML's constructor used")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", refuse)
    text = "a: [1, 2.5, x, 2020-05-14, true, ~]\nb: {c: '000000', d: 2023-02-30}\n"
    assert yamlio.parse(text, "x.yaml").data == {
        "a": [1, 2.5, "x", dt.date(2020, 5, 14), True, None],
        "b": {"c": "000000", "d": "2023-02-30"},
    }


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "1: x\ntrue: y\n",
        "!!merge <<: {a: 1}\nb: 2\n",
        "[a]: 1\n",
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
        "a: !local x\n",
        "a: !!int x\n",
        "a: " + "[" * 100 + "]" * 100 + "\n",
    ],
)
def test_the_walk_leaves_the_unusual_to_pyyaml(text: str) -> None:
    with pytest.raises(yamlio._Unusual):
        _walk(text)


def test_the_walk_goes_exactly_as_deep_as_the_limit() -> None:
    nested = "[" * (yamlio.MAX_DEPTH - 1) + "]" * (yamlio.MAX_DEPTH - 1)
    assert _outcome(_walk, "a: " + nested) == _outcome(_general, "a: " + nested)
    with pytest.raises(DudaoError) as err:
        yamlio.parse("a: [" + nested + "]", "x.yaml")
    assert err.value.problems[0].code == "yaml-too-deep"


def test_a_duplicate_key_is_still_reported_at_its_line() -> None:
    with pytest.raises(DudaoError) as err:
        yamlio.parse("a: 1\nb:\n  c: 1\n  c: 2\n", "x.yaml")
    ((line, code),) = [(p.line, p.code) for p in err.value.problems]
    assert (line, code) == (4, "duplicate-key")
