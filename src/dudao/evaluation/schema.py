"""The full JSON Schema (draft-07) of indicator-set files, written from the classes.

msgspec cannot describe ``scoring`` (four attrs classes chosen by ``kind``), so
this module walks the attrs classes itself: ``scoring`` becomes a ``oneOf`` of the
four kinds, each branch fixing ``kind`` with ``const`` (and naming it as the
``discriminator`` for tools that read OpenAPI's keyword); a standard is ``value``
or ``param``, exactly one; a file is either a whole set or an extension
(``extends``). The schema accepts what :mod:`dudao.model.convert` accepts: text
fields also take integers, enums take the English value or the Chinese label.

>>> s = indicator_set_schema()
>>> [b["properties"]["kind"]["const"] for b in s["$defs"]["Scoring"]["oneOf"]]
['threshold', 'linear', 'bands', 'count']
>>> sorted(s["$defs"]["IndicatorSetExtension"]["required"])
['extends', 'id']
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

import attrs

from dudao.evaluation.extend import IndicatorSetExtension
from dudao.evaluation.formula import Formula
from dudao.evaluation.model import SCORING_KINDS, IndicatorSet, Scoring, SubItem, Threshold
from dudao.model.documents import Citation
from dudao.model.labels import LabelledEnum

_TEXT = {"type": ["string", "integer"]}


def indicator_set_schema() -> dict[str, Any]:
    """The draft-07 schema of ``indicator_sets/*.yaml`` (a set, or an extension)."""
    defs: dict[str, Any] = {
        "Citation": {
            "type": "string",
            "description": "引用：文号或《标题》加条款，如 厅发〔2020〕26号 三（一）",
        },
        "Formula": {
            "type": ["string", "number"],
            "description": "测量表中的列名，或由列、数字和 + - * / ( ) 组成的公式",
        },
    }
    branches = []
    for kind, cls in SCORING_KINDS.items():
        branch = _object(cls, defs)
        branch["properties"] = {"kind": {"const": kind}, **branch["properties"]}
        branch["required"] = ["kind", *branch.get("required", [])]
        branch["description"] = (cls.__doc__ or "").strip().splitlines()[0]
        branches.append(branch)
    defs["Scoring"] = {
        "description": "计分方式，按 kind 取不同字段：" + "、".join(SCORING_KINDS),
        "type": "object",
        "required": ["kind"],
        "oneOf": branches,
        "discriminator": {"propertyName": "kind"},
    }
    _define(IndicatorSet, defs)
    _define(IndicatorSetExtension, defs)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "IndicatorSet",
        "description": "指标体系（一个文件一个）：完整的指标体系，或以 extends 写成的调整。",
        "oneOf": [
            {"$ref": "#/$defs/IndicatorSet"},
            {"$ref": "#/$defs/IndicatorSetExtension"},
        ],
        "$defs": defs,
    }


def _define(cls: type, defs: dict[str, Any]) -> dict[str, str]:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # placeholder: breaks cycles
        defs[name] = _object(cls, defs)
    return {"$ref": f"#/$defs/{name}"}


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props = {f.name: _type(hints[f.name], defs) for f in attrs.fields(cls)}
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().split("\n\n")[0]
    if cls in (Threshold, SubItem):  # the standard: a number or a parameter, not both
        out["oneOf"] = [
            {"required": ["value"], "not": {"required": ["param"]}},
            {"required": ["param"], "not": {"required": ["value"]}},
        ]
    return out


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Scoring:
        return {"$ref": "#/$defs/Scoring"}
    if origin in (types.UnionType, typing.Union):
        if type(None) in args:
            rest = [a for a in args if a is not type(None)]
            inner = _type(rest[0] if len(rest) == 1 else typing.Union[tuple(rest)], defs)  # noqa: UP007
            return {"anyOf": [inner, {"type": "null"}]}
        return {"anyOf": [_type(a, defs) for a in args]}
    if origin is tuple:
        return {"type": "array", "items": _type(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(args[1], defs)}
    if hint is str:
        return dict(_TEXT)
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is dt.date:
        return {"type": "string", "format": "date"}
    if hint in (Citation, Formula):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if isinstance(hint, type) and issubclass(hint, LabelledEnum):
        members = list(hint)
        return {
            "enum": [m.value for m in members] + [m.label for m in members],
            "description": "；".join(f"{m.value} = {m.label}" for m in members),
        }
    if attrs.has(hint):
        return _define(hint, defs)
    raise TypeError(f"schema: unsupported type {hint!r}")
