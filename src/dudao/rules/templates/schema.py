"""The JSON Schema of a rules file (``dudao schema rules``): each item is an adoption of
an existing rule or a rule written from one of the templates, told apart by
``template``.

>>> s = rule_file_schema()
>>> item = s["properties"]["rules"]["items"]
>>> len(item["anyOf"]) == 1 + len(TEMPLATES)
True
>>> s["$defs"]["Amount"]["anyOf"][0]
{'type': 'number'}
"""

from __future__ import annotations

from typing import Any

from dudao.io.schema import json_schema
from dudao.rules.statements import RuleStatement
from dudao.rules.templates import TEMPLATES

_AMOUNT = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "object",
            "properties": {"parameter": {"type": "string", "description": "参数编号"}},
            "required": ["parameter"],
            "additionalProperties": False,
        },
    ],
    "description": "数字，或 {parameter: 参数编号}（取该参数在当地当日的取值）",
}


def rule_file_schema() -> dict[str, Any]:
    """Draft-07 schema of ``rules.yaml`` / ``rules/*.yaml``."""
    defs: dict[str, Any] = {}
    items = [_component(json_schema(RuleStatement), defs)]
    for cls in TEMPLATES.values():
        ref = _component(json_schema(cls), defs)
        spec = defs[ref["$ref"].rsplit("/", 1)[-1]]
        spec["properties"]["template"] = {"const": cls.name}
        spec["description"] = f"模板 {cls.name}：{cls.summary}"
        items.append(ref)
    defs["Amount"] = _AMOUNT
    for spec in defs.values():  # an Amount's default shows as the number it is
        for prop in spec.get("properties", {}).values():
            default = prop.get("default")
            if prop.get("$ref") == "#/$defs/Amount" and isinstance(default, dict):
                prop["default"] = default.get("value")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "规则文件：采用已有规则，或按模板写规则（docs/templates.md）",
        "type": "object",
        "properties": {"rules": {"type": "array", "items": {"anyOf": items}}},
        "additionalProperties": False,
        "$defs": defs,
    }


def _component(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A class's schema as a reference, its definitions moved into ``defs``."""
    schema.pop("$schema", None)
    defs.update(schema.pop("$defs", {}))
    return schema
