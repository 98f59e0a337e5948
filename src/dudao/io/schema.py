"""JSON Schema for the YAML files policy staff write, so editors check as they type.

cattrs has no schema generator; msgspec reads attrs classes and produces one,
which we adjust to accept exactly what :mod:`dudao.model.convert` accepts:

* draft-07 (what yaml-language-server supports fully);
* ``additionalProperties: false`` mirrors ``forbid_extra_keys``;
* enums list both English values and Chinese labels;
* text types (文号, citations) are strings; text fields also take integers
  (``code: 450100``), as the converter does.

Put ``# yaml-language-server: $schema=committee.schema.json`` on a file's first
line to use it.

>>> from dudao.model.bodies import Membership
>>> s = json_schema(Membership)
>>> s["$schema"], s["$defs"]["Membership"]["additionalProperties"]
('http://json-schema.org/draft-07/schema#', False)
"""

from __future__ import annotations

import types
import typing
from typing import Any, cast

import attrs
import msgspec

from dudao.model.documents import Citation, DocumentNumber
from dudao.model.labels import LabelledEnum

_TEXT_TYPES: dict[str, str] = {
    DocumentNumber.__name__: "文号，如 厅发〔2020〕26号",
    Citation.__name__: "引用：文号或《标题》加条款，如 厅发〔2020〕26号 三（一）",
}


def _labelled_enums() -> dict[str, type[LabelledEnum]]:
    out: dict[str, type[LabelledEnum]] = {}
    stack = list(LabelledEnum.__subclasses__())
    while stack:
        cls = stack.pop()
        out[cls.__name__] = cls
        stack += cls.__subclasses__()
    return out


def json_schema(cls: type) -> dict[str, Any]:
    """The draft-07 JSON Schema of a file structured as ``cls``."""
    schema = _msgspec_schema(cls)
    enums = _labelled_enums()
    defs = schema.get("$defs", {})
    for name, spec in defs.items():
        if name in _TEXT_TYPES:
            defs[name] = {"type": "string", "description": _TEXT_TYPES[name]}
        elif name in enums and "enum" in spec:  # not a class of the same name (Stage)
            members = list(enums[name])
            spec["enum"] = [m.value for m in members] + [m.label for m in members]
            labels = "；".join(f"{m.value} = {m.label}" for m in members)
            spec["description"] = f"{spec.get('description', '')}\n{labels}".strip()
        elif spec.get("type") == "object":
            spec["additionalProperties"] = False
    _walk(schema)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema}


def _msgspec_schema(cls: type) -> dict[str, Any]:
    """msgspec's schema of ``cls``. msgspec describes only unions it could decode (one
    attrs class, one text-like type): a union the converter reads by its own hook, such
    as a task's ``target: RuleTarget | RecordsTarget``, is described as ``anyOf`` its
    members through stand-in classes."""
    try:
        schema: dict[str, Any] = msgspec.json.schema(cls)
        return schema
    except TypeError:
        pass
    unions: list[tuple[type, ...]] = []
    root = _Shadows(unions).of(cls)
    members = [m for union in unions for m in union]
    hook = _placeholder_schema
    (out, *found), defs = msgspec.json.schema_components(
        [root, *members], schema_hook=hook, ref_template="#/$defs/{name}"
    )
    shown = iter(found)
    anyof = [{"anyOf": [next(shown) for _ in union]} for union in unions]
    whole = {**out, "$defs": defs} if defs else out
    filled: dict[str, Any] = _fill_placeholders(whole, anyof)
    return filled


class _AnyOf:
    """Stands for the ``index``-th union msgspec cannot describe."""

    index: int


def _placeholder_schema(t: type) -> dict[str, Any]:
    if isinstance(t, type) and issubclass(t, _AnyOf):
        return {"$anyof": t.index}
    raise NotImplementedError  # msgspec's schema_hook protocol: "not a type this hook knows"


def _fill_placeholders(node: Any, anyof: list[dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        if "$anyof" in node:
            return _fill_placeholders(anyof[node["$anyof"]], anyof)
        return {k: _fill_placeholders(v, anyof) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill_placeholders(v, anyof) for v in node]
    return node


class _Shadows:
    """Copies of attrs classes (same names, fields and defaults) in which each union of
    more than one non-None type is a :class:`_AnyOf` subclass; ``unions`` collects the
    (copied) members of each."""

    def __init__(self, unions: list[tuple[type, ...]]) -> None:
        self.unions = unions
        self.done: dict[type, type] = {}

    def of(self, t: Any) -> Any:
        if attrs.has(t) and isinstance(t, type):
            return self._attrs(t)
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin in (typing.Union, types.UnionType):
            real = [a for a in args if a is not type(None)]
            if len(real) > 1:
                members = tuple(self.of(a) for a in real)
                stand_in = cast(type[_AnyOf], type(f"_AnyOf{len(self.unions)}", (_AnyOf,), {}))
                stand_in.index = len(self.unions)
                self.unions.append(members)
                return stand_in | None if len(real) < len(args) else stand_in
            return typing.Union[tuple(self.of(a) for a in args)]  # noqa: UP007
        if origin is typing.Literal or origin is typing.Annotated or not args:
            return t
        return origin[tuple(... if a is ... else self.of(a) for a in args)]

    def _attrs(self, cls: type) -> type:
        if cls in self.done:
            return self.done[cls]
        hints = typing.get_type_hints(cls)
        fields = {
            f.name: attrs.field(type=self.of(hints[f.name]), default=f.default)
            for f in attrs.fields(cls)
            if f.init
        }
        # keyword-only: a class whose required fields follow defaulted ones (kw_only) copies too
        copy = attrs.make_class(cls.__name__, fields, frozen=True, kw_only=True)
        copy.__doc__ = cls.__doc__
        self.done[cls] = copy
        return copy


def _walk(node: Any) -> None:
    """Let text fields accept whole numbers, as the converter does."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "format" not in node and "enum" not in node:
            node["type"] = ["string", "integer"]
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)
