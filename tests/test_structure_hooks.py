"""dudao.model.convert structures attrs classes without cattrs' generated code, and
reads exactly what cattrs' generated function reads: the same object, or the same
errors (types, messages, the field each names), for every class the YAML files and
payloads structure into.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from cattrs.gen import make_dict_structure_fn
from hypothesis import given
from hypothesis import strategies as st

from dudao.errors import DudaoError
from dudao.io import yamlio
from dudao.model.convert import converter, dict_structure_fn
from dudao.plugins.files import FILE_KINDS
from dudao.plugins.snapshot import HOOKS
from dudao.rules.templates import TEMPLATES
from dudao.workflow.steps import PAYLOAD_TYPE

ROOT = Path(__file__).resolve().parent.parent


def _reachable() -> list[type]:
    """Every attrs class the converter may be asked to structure from a file or a
    payload: the file kinds, the hooks' item types, the templates, the workflow
    payloads, and the classes their fields name."""
    todo: list[Any] = [k.cls for k in FILE_KINDS.values()]
    todo += [t for types in HOOKS.values() for t in types]
    todo += [*TEMPLATES.values(), *PAYLOAD_TYPE.values()]
    seen: dict[type, None] = {}
    while todo:
        t = todo.pop()
        todo += typing.get_args(t)
        if isinstance(t, type) and attrs.has(t) and t not in seen:
            seen[t] = None
            attrs.resolve_types(t)
            todo += [a.type for a in attrs.fields(t)]
    return sorted(seen, key=lambda c: (c.__module__, c.__qualname__))


CLASSES = _reachable()


def _harvest() -> dict[str, list[Any]]:
    """Every value written under each key in the YAML dudao and the plugins ship."""
    out: dict[str, list[Any]] = {}

    def walk(data: Any) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                out.setdefault(str(key), []).append(value)
                walk(value)
        elif isinstance(data, list):
            for item in data:
                walk(item)

    files = [*(ROOT / "src/dudao/data").rglob("*.yaml"), *(ROOT / "plugins").rglob("*.yaml")]
    for path in sorted(files):
        try:
            walk(yamlio.read(path).data)
        except DudaoError:
            continue  # a deliberately broken fixture
    return out


HARVEST = _harvest()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2030),
    st.floats(allow_nan=False),
    st.text(max_size=6),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.sampled_from(["2023-02-30", "全国", "地级市", "prefecture_city", "教督〔2020〕1号"]),
)
anything = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


def _value(name: str) -> st.SearchStrategy[Any]:
    seen = HARVEST.get(name)
    return st.one_of(st.sampled_from(seen), st.sampled_from(seen), anything) if seen else anything


@st.composite
def cases(draw: st.DrawFn) -> tuple[type, dict[Any, Any]]:
    cls = draw(st.sampled_from(CLASSES))
    data = {}
    for a in attrs.fields(cls):
        if draw(st.integers(0, 9)) < 8:  # mostly present: a field's own errors show
            data[a.name] = draw(_value(a.name))
    if draw(st.integers(0, 4)) == 0:
        data[draw(st.sampled_from(["liason", "scope ", "x", "units"]))] = draw(scalars)
    return cls, data


def _shape(exc: BaseException) -> Any:
    """An error as the user could tell it apart: type, message, the field notes, the
    errors inside a group."""
    notes = [
        (type(n).__name__, str(n), getattr(n, "name", None), repr(getattr(n, "type", None)))
        for n in getattr(exc, "__notes__", [])
    ]
    inner = [_shape(e) for e in exc.exceptions] if isinstance(exc, BaseExceptionGroup) else []
    extra = sorted(map(str, getattr(exc, "extra_fields", ())))
    return type(exc).__name__, str(exc), getattr(exc, "cl", None), notes, inner, extra


def _outcome(fn: Any, data: Any, cls: type) -> Any:
    try:
        return "ok", repr(fn(data, cls))
    except Exception as exc:
        return "error", _shape(exc)


def _both(cls: type) -> Iterator[Any]:
    yield dict_structure_fn(cls)
    yield make_dict_structure_fn(cls, converter)


def test_the_classes_are_many() -> None:
    # the walk found what the plugin files structure into (a broken walk finds nothing)
    names = {c.__name__ for c in CLASSES}
    assert {"PluginInfo", "Jurisdiction", "Parameter", "WorkPlan", "Programme"} <= names
    assert len(CLASSES) > 40


@given(cases())
def test_same_object_or_same_errors_as_cattrs(case: tuple[type, dict[Any, Any]]) -> None:
    cls, data = case
    ours, theirs = _both(cls)
    assert _outcome(ours, data, cls) == _outcome(theirs, data, cls)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_class_builds_without_compiling(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    # the cost removed: no class of these needs cattrs' generated code (a hook for a
    # class nested inside may already be cached, so compile is checked for cls alone)
    import cattrs.gen

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("cattrs code generation used")

    monkeypatch.setattr(cattrs.gen, "make_dict_structure_fn_from_attrs", refuse)
    monkeypatch.setattr("dudao.model.convert.make_dict_structure_fn", refuse)
    dict_structure_fn(cls)


def test_a_recursive_class_binds_late() -> None:
    @attrs.frozen
    class Node:
        name: str
        children: tuple[Node, ...] = ()

    attrs.resolve_types(Node, localns={"Node": Node})
    fn = dict_structure_fn(Node)
    data = {"name": 1, "children": [{"name": "b", "children": [{"name": "c"}]}]}
    assert fn(data, Node) == Node("1", (Node("b", (Node("c"),)),))
    bad = {"name": "a", "children": [{"name": []}]}
    assert _outcome(fn, bad, Node) == _outcome(make_dict_structure_fn(Node, converter), bad, Node)


def test_real_files_read_the_same() -> None:
    # every file of the plugin folders dudao ships, through both functions
    kinds = {
        "plugin.yaml": FILE_KINDS["plugin"].cls,
        "jurisdictions.yaml": FILE_KINDS["jurisdictions"].cls,
        "member_units.yaml": FILE_KINDS["member-units"].cls,
        "parameters": FILE_KINDS["parameters"].cls,
        "parameters.yaml": FILE_KINDS["parameters"].cls,
        "rules": FILE_KINDS["rules"].cls,
        "rules.yaml": FILE_KINDS["rules"].cls,
        "accountability.yaml": FILE_KINDS["accountability"].cls,
        "plans": FILE_KINDS["plan"].cls,
        "programmes": FILE_KINDS["programme"].cls,
    }
    folders = [ROOT / "src/dudao/data/national", *(ROOT / "plugins").glob("*/src/*/data")]
    read = 0
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            cls = kinds.get(path.relative_to(folder).parts[0])
            if cls is None:
                continue
            data = yamlio.read(path).data
            ours, theirs = _both(cls)
            assert _outcome(ours, data, cls) == _outcome(theirs, data, cls), path
            assert _outcome(ours, data, cls)[0] == "ok", path
            read += 1
    assert read > 50
