"""The legislation explorer: the rules and parameters in force for a unit on a day,
each with its document and clause, the scope that set it and the plugin it came
from (what ``dudao rules --for CODE --as-of D`` prints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao.law.book import LawBook
from dudao.law.kinds import Kind
from dudao.model.hierarchy import Hierarchy


def _scope(hierarchy: Hierarchy, code: str) -> str:
    return f"{hierarchy.get(code).name}（{code}）" if code in hierarchy else code


def _validity(since: dt.date | None, until: dt.date | None) -> str:
    if since is None and until is None:
        return "长期有效"
    return f"{since or '…'} 至 {until or '…'}"


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
        value = entry.value
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        out["parameters"].append(
            {
                "id": entry.id,
                "title": entry.title,
                "value": "未规定" if value is None else f"{text}{unit}",
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
