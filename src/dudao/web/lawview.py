"""The legislation explorer: the rules and parameters in force for a unit on a day,
each with its document and clause, the scope that set it and the plugin it came
from (what ``dudao rules --for CODE --as-of D`` prints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy
from dudao.model.numbers import number


def _scope(hierarchy: Hierarchy, code: str) -> str:
    return f"{hierarchy.get(code).name}（{code}）" if code in hierarchy else code


def _validity(since: dt.date | None, until: dt.date | None) -> str:
    """``2020-05-14 起``, ``至 2023-12-31``, ``2023-01-01 至 2023-12-31`` or 长期有效."""
    if since is None and until is None:
        return "长期有效"
    if until is None:
        return f"{since} 起"
    if since is None:
        return f"至 {until}"
    return f"{since} 至 {until}"


def _value(value: Any, unit: str) -> str:
    """A parameter's value as a person writes it: 是/否, lists with 、, the unit."""
    if value is None:
        return "未规定"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_value(v, "") for v in value) + unit
    if isinstance(value, float | int):
        return number(value) + unit
    return f"{value}{unit}"


def law_rows(book: LawBook, code: str, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Rules, parameters and indicator sets in force for ``code`` on ``day``."""
    h = book.hierarchy
    out: dict[str, list[dict[str, Any]]] = {"rules": [], "parameters": [], "sets": []}
    for entry in book.in_force(Kind.RULE, code, day):
        if entry.value is None:  # a region switched the rule off
            continue
        out["rules"].append(
            {
                "id": entry.id,
                "title": entry.title,
                "scope": _scope(h, entry.scope),
                "citation": entry.citation_text() or "—",
                "plugin": entry.origin.plugin,
                "validity": _validity(entry.validity.since, entry.validity.until),
                "sample": entry.sample,
            }
        )
    for entry in book.in_force(Kind.PARAMETER, code, day):
        unit = getattr(entry.detail, "unit", None) or ""
        out["parameters"].append(
            {
                "id": entry.id,
                "title": entry.title,
                "value": _value(entry.value, unit),
                "scope": _scope(h, entry.scope),
                "citation": entry.citation_text() or "—",
                "plugin": entry.origin.plugin,
                "validity": _validity(entry.validity.since, entry.validity.until),
                "sample": entry.sample,
            }
        )
    for entry in book.in_force(Kind.INDICATOR_SET, code, day):
        out["sets"].append(
            {
                "id": entry.id,
                "title": entry.title,
                "value": "",
                "scope": _scope(h, entry.scope),
                "citation": entry.citation_text() or "—",
                "plugin": entry.origin.plugin,
                "validity": _validity(entry.validity.since, entry.validity.until),
                "sample": entry.sample,
            }
        )
    return out
