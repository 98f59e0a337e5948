"""The legislation explorer: the rules, parameters and indicator sets in force for a
unit on a day (:func:`dudao.api.law_in_force`, what ``dudao rules --for CODE --as-of D``
prints), each with its document and clause, the scope that set it and the plugin it
came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dudao import api
from dudao.server.service import Service


def law_rows(service: Service, code: str, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """:func:`dudao.api.law_in_force` for ``code`` on ``day`` in the service's law, the
    scope that set each entry shown by name: 广西壮族自治区（450000）."""
    h = service.law.hierarchy
    rows = api.law_in_force(service.law, code, day, service.plugins.member_units(code))

    def scope(code: str) -> str:
        return f"{h.get(code).name}（{code}）" if code in h else code

    return {kind: [{**r, "scope": scope(r["scope"])} for r in rs] for kind, rs in rows.items()}
