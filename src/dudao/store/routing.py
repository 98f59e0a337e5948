"""Cases opened in bulk from a check's findings, routed to the responsible units.

A finding names the unit it is reported under (``jurisdiction``: a school's county,
a committee's government); that unit answers for it, so each (unit, rule) pair with
findings of the chosen severities becomes one case on that unit, opened from the
findings (source ``finding``, reference the rule, the findings' citation, a summary
listing what was found). The case id is derived from the year, the unit and the rule
(``F2023-450103-inspector-staffing``), so running it again opens only what is new;
everything is opened in one transaction or, if any is refused, none.

Used by the service (``POST /api/v1/analysis/{unit}/cases``) and the command line
(``dudao cases open-findings``).

>>> import datetime as dt
>>> from dudao.store import CaseStore
>>> store = CaseStore.open(":memory:")
>>> rows = [{"rule": "r1", "severity": "error", "jurisdiction": "450103",
...          "target": "S1", "target_name": "某校", "message": "问题一",
...          "citation": "《教育督导条例》 第十四条"}]
>>> opened = open_cases_for_findings(store, rows, actor="南宁市政府教育督导室",
...                                  date=dt.date(2023, 3, 1))
>>> [(c.case_id, c.target) for c in opened.opened]
[('F2023-450103-r1', '450103')]
>>> open_cases_for_findings(store, rows, actor="x", date=dt.date(2023, 3, 1)).skipped
['F2023-450103-r1']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from dudao.errors import DudaoError
from dudao.model.documents import Citation
from dudao.store.cases import CaseStore
from dudao.workflow.machine import CaseState
from dudao.workflow.steps import Event, Opened, Source, Step

#: Severities opened as cases by default: errors (a warning is advice, not a breach).
DEFAULT_SEVERITIES = frozenset({"error"})
_MAX_ID = 64
_MAX_SUMMARY = 2000


@attrs.frozen
class Routed:
    """What :func:`open_cases_for_findings` did: the cases opened, and the ids of
    those that already existed (left as they are)."""

    opened: tuple[CaseState, ...]
    skipped: list[str]


def finding_case_id(year: int, unit: str, rule: str) -> str:
    """``F<year>-<unit>-<rule>``; a digest stands in for a rule too long for the id.

    >>> finding_case_id(2023, "450103", "inspector-staffing")
    'F2023-450103-inspector-staffing'
    >>> len(finding_case_id(2023, "450103", "x" * 100))
    64
    """
    text = f"F{year}-{unit}-{rule}"
    if len(text) <= _MAX_ID:
        return text
    digest = hashlib.sha256(rule.encode()).hexdigest()[:12]
    return f"F{year}-{unit}-{rule}"[: _MAX_ID - 13] + "-" + digest


def _summary(rows: list[Mapping[str, Any]]) -> str:
    parts = []
    for r in rows:
        name = r.get("target_name") or r.get("target") or ""
        parts.append(f"{name}：{r.get('message', '')}" if name else str(r.get("message", "")))
    text = "；".join(parts)
    return text if len(text) <= _MAX_SUMMARY else text[: _MAX_SUMMARY - 1] + "…"


def _citations(text: object) -> list[str]:
    """The citations a finding gives (a rule may cite two documents, joined by ；),
    those that parse; a case cites the first."""
    out = []
    for part in str(text or "").split("；"):
        try:
            out.append(str(Citation.parse(part.strip())))
        except DudaoError:
            continue
    return out


def open_cases_for_findings(
    store: CaseStore,
    findings: Iterable[Mapping[str, Any]],
    *,
    actor: str | Callable[[str], str],
    date: dt.date,
    severities: Iterable[str] = DEFAULT_SEVERITIES,
    within: Callable[[str], bool] | None = None,
    in_transaction: Callable[[sa.Connection, Sequence[Event]], None] | None = None,
) -> Routed:
    """Open one case per responsible unit and rule among ``findings`` (rows of
    :attr:`dudao.rules.engine.CheckResult.findings`, as dicts) of the given
    severities, on units ``within`` accepts (default: all). ``actor``: the body
    opening them, or a function of the unit giving it. ``in_transaction(conn, events)``
    runs in the transaction that opens them (the service's audit rows)."""
    wanted = set(severities)
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in findings:
        if str(row.get("severity")) not in wanted:
            continue
        unit = str(row.get("jurisdiction") or "")
        if not unit or (within is not None and not within(unit)):
            continue
        groups.setdefault((unit, str(row["rule"])), []).append(row)
    events = []
    skipped = []
    for (unit, rule), rows in sorted(groups.items()):
        case_id = finding_case_id(date.year, unit, rule)
        try:
            store.case(case_id)
        except DudaoError as exc:
            if exc.codes != ["unknown-case"]:
                raise
        else:
            skipped.append(case_id)
            continue
        citations = sorted({c for r in rows for c in _citations(r.get("citation"))})
        events.append(
            Event(
                case_id,
                Step.OPENED,
                date,
                actor(unit) if callable(actor) else actor,
                unit,
                citation=citations[0] if citations else None,
                payload=Opened(source=Source.FINDING, reference=rule, summary=_summary(rows)),
            )
        )
    if events:
        store.append_many(events, within=in_transaction)
    opened = tuple(store.case(e.case_id).state for e in events)
    return Routed(opened, skipped)
