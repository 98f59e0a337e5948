"""``/api/v1/audit``: the append-only log of writes, for administrators, within their
subtree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from dudao.server import audit
from dudao.server.access import can_read_audit
from dudao.server.api.common import AUTH_ERRORS, NOT_FOUND, Paging, forbidden, paging, visible_unit
from dudao.server.deps import CurrentAccount, ServiceDep

router = APIRouter(prefix="/audit", tags=["审计"], responses={**AUTH_ERRORS, **NOT_FOUND})


class AuditOut(BaseModel):
    id: int
    at: str | None
    username: str
    account_unit: str | None
    address: str
    action: str
    resource: str
    resource_id: str
    unit: str
    detail: dict[str, Any] | None


class AuditPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[AuditOut]


@router.get("", response_model=AuditPage, summary="审计日志（管理员，本单位及下级）")
def audit_log(
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
    unit: Annotated[str | None, Query(max_length=32, description="只看该单位及其下级")] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    h = service.hierarchy
    scope = unit or account.unit
    if unit is not None:
        visible_unit(account, unit, h)
    if not can_read_audit(account, scope, h):
        raise forbidden("只有管理员可以查看审计日志", hint="管理员可查看本单位及下级单位的审计日志")
    with service.read() as conn:
        units = [u for u in audit.units_in(conn) if u in h and h.contains(scope, u)]
        total, rows = audit.rows(conn, units, offset=p.offset, limit=p.limit, action=action)
    return {"total": total, "offset": p.offset, "limit": p.limit, "items": rows}
