"""JSON Schema for the YAML files policy staff write, so editors check as they type.

cattrs has no schema generator; msgspec reads attrs classes and produces one,
which we adjust to accept exactly what :mod:`dudao.io.convert` accepts:

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

from typing import Any

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
    schema = msgspec.json.schema(cls)
    enums = _labelled_enums()
    defs = schema.get("$defs", {})
    for name, spec in defs.items():
        if name in _TEXT_TYPES:
            defs[name] = {"type": "string", "description": _TEXT_TYPES[name]}
        elif name in enums:
            members = list(enums[name])
            spec["enum"] = [m.value for m in members] + [m.label for m in members]
            labels = "；".join(f"{m.value} = {m.label}" for m in members)
            spec["description"] = f"{spec.get('description', '')}\n{labels}".strip()
        elif spec.get("type") == "object":
            spec["additionalProperties"] = False
    _walk(schema)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema}


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
