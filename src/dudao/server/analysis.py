"""Analysis and feedback (分析评价、结果反馈): the library's check and work-plan status
on a unit's latest approved data, its findings routed to the responsible units.

A unit's data is its own latest approved submission, else that of the nearest unit
above it that has one (a city's dataset covers its counties); what is shown is only
what concerns the unit's subtree. Results are cached per data version (the
submission) and law version (the plugins in force) — and as-of day — so a page
reloaded a hundred times runs the check once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from dudao import api
from dudao.errors import DudaoError
from dudao.plans.status import measure_loaded
from dudao.rules.engine import CheckResult
from dudao.server import access
from dudao.server.accounts import Account, Role
from dudao.server.audit import record
from dudao.server.problems import fail
from dudao.server.service import Service
from dudao.server.submissions import folder_of, latest_approved
from dudao.store.routing import Routed, open_cases_for_findings
from dudao.workflow.steps import Event


@attrs.frozen
class DataVersion:
    """Which approved submission a unit's analysis runs on."""

    submission_id: int
    unit: str
    year: int
    version: int
    as_of: dt.date

    def json(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "unit": self.unit,
            "year": self.year,
            "version": self.version,
            "as_of": self.as_of.isoformat(),
        }


def data_for(service: Service, unit: str) -> DataVersion:
    """The approved data ``unit``'s analysis runs on (see the module docstring)."""
    h = service.hierarchy
    with service.read() as conn:
        for u in (unit, *(a.code for a in h.ancestors(unit))):
            row = latest_approved(conn, u)
            if row is not None:
                return DataVersion(row.id, row.unit, row.year, row.version, row.as_of)
    raise fail(
        "no-data",
        f"{h.get(unit).name}（{unit}）及其上级单位都还没有已审核的数据",
        hint="先报送数据（POST /api/v1/submissions）并由上一级审核",
    )


def _loaded(service: Service, data: DataVersion) -> api.Loaded:
    return service.cached(
        ("loaded", data.submission_id, service.law_version),
        lambda: api.load(folder_of(service, data.submission_id), service.plugins),
        size=16,
    )


def _check(service: Service, data: DataVersion, day: dt.date) -> CheckResult:
    def run() -> CheckResult:
        return api.check(folder_of(service, data.submission_id), service.plugins, as_of=day)

    return service.cached(("check", data.submission_id, service.law_version, day), run)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    return value


def findings(
    service: Service, account: Account, unit: str, as_of: dt.date | None = None
) -> tuple[DataVersion, dt.date, list[dict[str, Any]]]:
    """The check's findings concerning ``unit``'s subtree (each routed to the unit
    it is reported under: ``jurisdiction``)."""
    h = service.hierarchy
    if unit not in h or not access.can_view(account, unit, h):
        raise fail("unknown-unit", f"没有单位 {unit}，或它不在本账号的管辖范围内")
    data = data_for(service, unit)
    day = as_of or data.as_of
    result = _check(service, data, day)
    rows = []
    for r in result.findings.to_dict("records"):
        j = str(r.get("jurisdiction") or "")
        if j in h and h.contains(unit, j):
            rows.append(_json_safe(r))
    return data, day, rows


def plan_status(
    service: Service, account: Account, unit: str, as_of: dt.date | None = None
) -> tuple[DataVersion, dt.date, list[dict[str, Any]]]:
    """The work plans in force for ``unit``, measured on its data within its subtree."""
    h = service.hierarchy
    if unit not in h or not access.can_view(account, unit, h):
        raise fail("unknown-unit", f"没有单位 {unit}，或它不在本账号的管辖范围内")
    data = data_for(service, unit)
    day = as_of or data.as_of

    def run() -> list[dict[str, Any]]:
        loaded = _loaded(service, data)
        ds = loaded.dataset
        if unit != ds.info.scope:
            ds = attrs.evolve(ds, info=attrs.evolve(ds.info, scope=unit))
        try:
            report = measure_loaded(ds, loaded.hierarchy, loaded.law, service.plugins, as_of=day)
        except DudaoError as exc:
            if exc.codes == ["no-plan"]:
                return []
            raise
        return [_json_safe(r.row()) for r in report.results]

    rows = service.cached(("plans", data.submission_id, service.law_version, day, unit), run)
    return data, day, rows


def route_findings(
    service: Service,
    account: Account,
    unit: str,
    *,
    date: dt.date,
    as_of: dt.date | None = None,
    severities: tuple[str, ...] = ("error",),
    address: str = "",
) -> Routed:
    """Open cases from ``unit``'s findings for the responsible units below the
    account's (one per unit and rule; those already open are left)."""
    if unit in service.hierarchy and not account.has(Role.STAFF):
        raise fail("forbidden", f"本账号无权对 {unit} 的问题立案", hint="需要督导办工作人员角色")
    _, _, rows = findings(service, account, unit, as_of)
    h = service.hierarchy

    def audit(conn: sa.Connection, events: Sequence[Event]) -> None:
        # in the store's transaction: the cases and their audit rows, or neither
        for e in events:
            record(
                conn,
                account,
                address=address,
                action="open",
                resource="case",
                resource_id=e.case_id,
                unit=e.target,
                detail={"step": "opened", "seq": 1, "from": "findings"},
            )

    return open_cases_for_findings(
        service.store,
        rows,
        actor=account.display_name,
        date=date,
        severities=severities,
        within=lambda u: access.can_write_case(account, u, h),
        in_transaction=audit,
    )
