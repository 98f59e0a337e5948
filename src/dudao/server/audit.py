"""The audit log: one row per write — who (account, its unit), when, from where (the
client's address), what (action, resource, the unit it belongs to) and what changed.

Rows are only ever inserted: nothing in dudao updates or deletes them, and the API
offers no way to. A write and its audit row share one transaction: the service's
own tables directly, a case step through the case store's ``within`` hook
(:meth:`dudao.store.cases.CaseStore.append`), so a crash leaves both or neither.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from dudao.server.accounts import Account, now
from dudao.server.db import audit


def record(
    conn: sa.Connection,
    account: Account | None,
    *,
    address: str,
    action: str,
    resource: str,
    resource_id: str | int,
    unit: str,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
) -> None:
    """Append one audit row."""
    conn.execute(
        audit.insert().values(
            at=now(),
            account_id=account.id if account else None,
            username=(account.username if account else username or "")[:64],
            account_unit=account.unit if account else None,
            address=str(address)[:64],
            action=action[:64],
            resource=resource[:32],
            resource_id=str(resource_id)[:64],
            unit=unit[:32],
            detail=detail or None,
        )
    )


def row_json(row: Any) -> dict[str, Any]:
    m = row._mapping
    at = m["at"]
    return {
        "id": m["id"],
        "at": at.isoformat() if at else None,
        "username": m["username"],
        "account_unit": m["account_unit"],
        "address": m["address"],
        "action": m["action"],
        "resource": m["resource"],
        "resource_id": m["resource_id"],
        "unit": m["unit"],
        "detail": m["detail"],
    }


def count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one())


def rows(
    conn: sa.Connection,
    units: Collection[str],
    *,
    offset: int = 0,
    limit: int = 50,
    action: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """The rows about ``units``, newest first: their total and one page."""
    where: list[sa.ColumnElement[bool]] = [audit.c.unit.in_(sorted(units))]
    if action:
        where.append(audit.c.action == action)
    total = conn.execute(sa.select(sa.func.count()).select_from(audit).where(*where)).scalar_one()
    page = conn.execute(
        sa.select(audit).where(*where).order_by(audit.c.id.desc()).offset(offset).limit(limit)
    )
    return int(total), [row_json(r) for r in page]


def units_in(conn: sa.Connection) -> list[str]:
    """The distinct units the log names (to narrow to a scope without a huge IN)."""
    return [r[0] for r in conn.execute(sa.select(audit.c.unit).distinct())]
