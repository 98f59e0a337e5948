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

#: scalars as written, plain or quoted: each read by the resolvers and constructors
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
    "[a, b]",
    "{}",
    "[]",
]
#: scalars and collections written with a tag, several of them refused
TAGGED = [
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
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!str [a]",
    "!!map {a: 1}",
    "!!seq [1]",
]

keys = st.sampled_from(["a", "b", "1", "true", "1.0", "2020-01-01", "~", "'a'", "[k]", "? x"])


@st.composite
def documents(draw: st.DrawFn, depth: int = 0, anchors: list[str] | None = None) -> str:
    """YAML text in flow style: maps, lists and the scalars above, sometimes with a key
    written twice or a merge key, some nodes anchored and later ones aliases of them
    (one inside its own anchor a cycle)."""
    anchors = [] if anchors is None else anchors
    if anchors and draw(st.integers(0, 5)) == 0:
        return "*" + draw(st.sampled_from(anchors))
    anchor = ""
    if draw(st.integers(0, 4)) == 0:
        anchors.append(f"a{len(anchors)}")
        anchor = f"&{anchors[-1]} "
    kind = draw(st.integers(0, 5 if depth < 4 else 0))
    if kind == 0 or kind == 1:
        written = WRITTEN if draw(st.integers(0, 5)) else TAGGED
        scalar = draw(st.sampled_from(written)).replace("\n", "\n" + "  " * (depth + 1))
        return anchor + scalar if not scalar.startswith(("|", "!")) else scalar
    if kind == 2:
        items = [draw(documents(depth + 1, anchors)) for _ in range(draw(st.integers(0, 3)))]
        return anchor + "[" + ", ".join(f" {i}" for i in items) + "]"
    pairs = [
        (draw(keys), draw(documents(depth + 1, anchors))) for _ in range(draw(st.integers(0, 3)))
    ]
    if draw(st.integers(0, 9)) == 0:
        pairs.append(("<<", "{m: 1}"))
    return anchor + "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


@st.composite
def shared(draw: st.DrawFn) -> str:
    """Anchored maps, lists and scalars, each made of the ones before (aliases nested
    deep enough to pass the expansion bound sometimes), one sometimes holding itself."""
    names: list[str] = []
    lines = []
    for i in range(draw(st.integers(1, 8))):
        parts = draw(st.lists(st.sampled_from([f"*{n}" for n in names] + WRITTEN), max_size=6))
        kind = draw(st.integers(0, 2))
        if kind == 0:
            body = "[" + ", ".join(parts) + "]"
        elif kind == 1:
            body = "{" + ", ".join(f"k{j}: {p}" for j, p in enumerate(parts)) + "}"
        else:
            body = draw(st.sampled_from(WRITTEN))
        names.append(f"a{i}")
        lines.append(f"d{i}: &a{i} {body}")
    if draw(st.integers(0, 5)) == 0:
        lines.append("c: &c [x, {y: *c}]")
    uses = draw(st.lists(st.sampled_from([f"*{n}" for n in names]), max_size=5))
    lines.append(f"use: [{', '.join(uses)}]")
    return "\n".join(lines) + "\n"


def _general(text: str) -> Any:
    """What parsing gave before the walk: libyaml's nodes, PyYAML's constructor."""
    loader = yamlio._CLoader(text)  # type: ignore[misc]
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        yamlio._check_graph(node, text)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _typed(data: Any, seen: dict[int, int] | None = None) -> Any:
    """Data with every value's type beside it (1 == 1.0 == True, '2020' != date), and
    a map or list met again (an alias) marked as the same object."""
    seen = {} if seen is None else seen
    if isinstance(data, dict | list):
        if id(data) in seen:
            return "same", seen[id(data)]
        seen[id(data)] = len(seen)
    if isinstance(data, dict):
        return ("dict", [(_typed(k, seen), _typed(v, seen)) for k, v in data.items()])
    if isinstance(data, list):
        return ("list", [_typed(v, seen) for v in data])
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


@given(shared())
def test_aliases_read_as_pyyaml_reads_them_shared(text: str) -> None:
    general = _outcome(_general, text)
    assert (_outcome(_parse, text)[0] == "ok") == (general[0] == "ok")
    if general[0] == "ok":  # the same data, an alias the same object
        assert _outcome(_parse, text) == general


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


def _aliased(times: int) -> str:
    """A list of 100 nodes, then a list of ``times`` aliases of it: expanded, the second
    adds 100 nodes an alias, and the bound is met at 100 aliases."""
    return "a: &a [" + ", ".join(["x"] * 99) + "]\nb: [" + ", ".join(["*a"] * times) + "]\n"


def test_anchored_documents_within_the_bound_do_not_reach_pyyaml_constructor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("PyYAML's constructor used")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", refuse)
    data = yamlio.parse(_aliased(50), "x.yaml").data
    assert len(data["b"]) == 50 and all(item is data["a"] for item in data["b"])


def test_the_expansion_bound_is_where_it_was() -> None:
    assert _outcome(_parse, _aliased(100)) == _outcome(_general, _aliased(100))
    assert _outcome(_parse, _aliased(100))[0] == "ok"
    with pytest.raises(DudaoError) as err:
        yamlio.parse(_aliased(101), "x.yaml")
    assert [(p.line, p.code) for p in err.value.problems] == [(1, "yaml-alias-bomb")]
