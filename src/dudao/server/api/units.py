"""``/api/v1/units``: the jurisdiction tree, from the caller's unit down."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from dudao.model.jurisdiction import Jurisdiction
from dudao.server.api.common import AUTH_ERRORS, NOT_FOUND, Paging, page, paging, visible_unit
from dudao.server.deps import CurrentAccount, ServiceDep

router = APIRouter(prefix="/units", tags=["单位"], responses={**AUTH_ERRORS, **NOT_FOUND})

UnitCode = Annotated[str, Path(min_length=1, max_length=32, description="行政区划代码")]


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    level: str
    parent: str | None
    children: int


class UnitPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[UnitOut]


class UnitDetail(UnitOut):
    path: list[UnitOut]


def unit_json(u: Jurisdiction, service: Any) -> dict[str, Any]:
    return {
        "code": u.code,
        "name": u.name,
        "kind": u.kind.value,
        "level": u.level.value,
        "parent": u.parent,
        "children": len(service.hierarchy.children(u.code)),
    }


@router.get("", response_model=UnitPage, summary="本账号可见的单位（本单位及其下级）")
def units(
    service: ServiceDep, account: CurrentAccount, p: Annotated[Paging, Depends(paging)]
) -> dict[str, Any]:
    h = service.hierarchy
    if account.unit not in h:
        return page([], p)
    codes = h.subtree_codes(account.unit)
    out = page(codes, p)
    out["items"] = [unit_json(h.get(c), service) for c in out["items"]]
    return out


@router.get("/{code}", response_model=UnitDetail, summary="一个单位，及从本账号单位到它的路径")
def unit(code: UnitCode, service: ServiceDep, account: CurrentAccount) -> dict[str, Any]:
    h = service.hierarchy
    visible_unit(account, code, h)
    path = [u for u in h.path(code) if h.contains(account.unit, u.code)]
    return {**unit_json(h.get(code), service), "path": [unit_json(u, service) for u in path]}


@router.get("/{code}/children", response_model=UnitPage, summary="一个单位的直属下级")
def children(
    code: UnitCode,
    service: ServiceDep,
    account: CurrentAccount,
    p: Annotated[Paging, Depends(paging)],
) -> dict[str, Any]:
    h = service.hierarchy
    visible_unit(account, code, h)
    return page([unit_json(u, service) for u in h.children(code)], p)
