"""The case store's tables and how a case's state is kept in its summary row.

Tables (all prefixed ``dudao_`` so a store may share a database):

* ``dudao_events``: one row per event — autoincrement id, case id, seq (1, 2, …
  within the case, unique with the case id), step, date, actor, target,
  citation, payload (JSON). Rows are only ever inserted.
* ``dudao_cases``: one row per case with the state derived from its events
  (last step, rank, pending deadline, closed …). It is a cache of the replay,
  written in the same transaction as the event, so
  :meth:`~dudao.store.cases.CaseStore.overdue` is one indexed SQL query instead of a
  replay of every case; :meth:`~dudao.store.cases.CaseStore.verify` checks it
  against the replay.
* ``dudao_schema_version``: one row, the schema version.

The service's database (:mod:`dudao.server.db`) holds these same tables beside its
own; its migrations start from :data:`metadata`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dudao.workflow.machine import CaseState
from dudao.workflow.steps import Step

#: Version 1 had cases (id, target, opened_on) and events; 2 added the summary;
#: 3 the 2021 procedure's state (found, reviewed, revoked) and events' ``extra``.
SCHEMA_VERSION = 3

metadata = sa.MetaData()

version_table = sa.Table(
    "dudao_schema_version", metadata, sa.Column("version", sa.Integer, nullable=False)
)

cases_table = sa.Table(
    "dudao_cases",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("opened_on", sa.Date, nullable=False),
    sa.Column("last_step", sa.String(32)),
    sa.Column("last_date", sa.Date),
    sa.Column("n_events", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rank", sa.Integer, nullable=False, server_default="0"),
    sa.Column("deadline", sa.Date),
    sa.Column("severe", sa.String(32)),
    sa.Column("passed", sa.Boolean),
    sa.Column("published", sa.Boolean),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("found", sa.Boolean),
    sa.Column("reviewed", sa.String(16)),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_dudao_cases_open_deadline", "closed", "deadline"),
    sa.Index("ix_dudao_cases_target", "target"),
)

events_table = sa.Table(
    "dudao_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(64), sa.ForeignKey("dudao_cases.case_id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("step", sa.String(32), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("citation", sa.String(200), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON),
    sa.UniqueConstraint("case_id", "seq", name="uq_dudao_events_case_seq"),
    sqlite_autoincrement=True,
)

#: The columns of ``dudao_cases`` that :func:`summary_values` fills: all but the case
#: id, its unit and the day it was opened.
SUMMARY_COLUMNS = (
    "last_step",
    "last_date",
    "n_events",
    "rank",
    "deadline",
    "severe",
    "passed",
    "published",
    "closed",
    "found",
    "reviewed",
    "revoked",
)

#: Longest text each column holds (PostgreSQL enforces VARCHAR lengths; SQLite
#: does not, so the store checks them itself and both behave alike).
TEXT_LIMITS = {"case_id": 64, "target": 64, "actor": 200, "citation": 200}


def summary_values(state: CaseState) -> dict[str, Any]:
    """A case's state as its row of ``dudao_cases`` holds it (:data:`SUMMARY_COLUMNS`)."""
    return {
        "last_step": state.last.value if state.last else None,
        "last_date": state.last_date,
        "n_events": state.count,
        "rank": state.rank,
        "deadline": state.deadline,
        "severe": state.severe,
        "passed": state.passed,
        "published": state.published,
        "closed": state.closed,
        "found": state.found,
        "reviewed": state.reviewed,
        "revoked": state.revoked,
    }


def state_from_row(row: Any) -> CaseState:
    """The state a row of ``dudao_cases`` records (the inverse of :func:`summary_values`)."""
    m = row._mapping
    return CaseState(
        case_id=m["case_id"],
        target=m["target"],
        last=Step.parse(m["last_step"]) if m["last_step"] else None,
        last_date=m["last_date"],
        count=m["n_events"],
        rank=m["rank"],
        deadline=m["deadline"],
        severe=m["severe"],
        passed=m["passed"],
        published=m["published"],
        closed=bool(m["closed"]),
        opened_on=m["opened_on"],
        found=m["found"],
        reviewed=m["reviewed"],
        revoked=bool(m["revoked"]),
    )
