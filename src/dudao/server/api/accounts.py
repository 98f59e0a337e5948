"""``/api/v1/accounts``: administrators manage the accounts of their subtree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from dudao.server import accounts as acc
from dudao.server.access import can_administer
from dudao.server.api.auth import AccountOut
from dudao.server.api.common import (
    AUTH_ERRORS,
    CONFLICT,
    NOT_FOUND,
    Paging,
    forbidden,
    page,
    paging,
)
from dudao.server.audit import record
from dudao.server.deps import CurrentAccount, ServiceDep, client_address
from dudao.server.problems import fail

router = APIRouter(
    prefix="/accounts", tags=["账号"], responses={**AUTH_ERRORS, **NOT_FOUND, **CONFLICT}
)

RoleName = Annotated[str, Field(pattern="^(staff|inspector|viewer|admin)$")]


class AccountIn(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
    password: str = Field(min_length=acc.MIN_PASSWORD, max_length=1024)
    unit: str = Field(min_length=1, max_length=32)
    roles: list[RoleName] = Field(min_length=1, max_length=4)
    display_name: str | None = Field(None, min_length=1, max_length=200)


class AccountPatch(BaseModel):
    display_name: str | None = Field(None, min_length=1, max_length=200)
    roles: list[RoleName] | None = Field(None, min_length=1, max_length=4)
    active: bool | None = None
    password: str | None = Field(None, min_length=acc.MIN_PASSWORD, max_length=1024)


class AccountPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[AccountOut]


def _admin_of(account: acc.Account, unit: str, service: Any) -> None:
    if not can_administer(account, unit, service.hierarchy):
        raise forbidden(f"无权管理单位 {unit} 的账号", hint="管理员只能管理本单位及下级单位的账号")


@router.get("", response_model=AccountPage, summary="本管理员管辖范围内的账号")
def list_accounts(
    service: ServiceDep, account: CurrentAccount, p: Annotated[Paging, Depends(paging)]
) -> dict[str, Any]:
    if not account.has(acc.Role.ADMIN):
        raise forbidden("只有管理员可以查看账号列表")
    h = service.hierarchy
    with service.read() as conn:
        rows = [a.json() for a in acc.list_accounts(conn) if can_administer(account, a.unit, h)]
    return page(rows, p)


@router.post("", response_model=AccountOut, status_code=201, summary="新建账号")
def create(
    body: AccountIn, request: Request, service: ServiceDep, account: CurrentAccount
) -> dict[str, Any]:
    if body.unit not in service.hierarchy:
        raise fail("invalid-value", f"未知的单位代码 {body.unit!r}", path=("unit",))
    _admin_of(account, body.unit, service)
    with service.begin() as conn:
        new = acc.create_account(
            conn,
            username=body.username,
            password=body.password,
            unit=body.unit,
            roles=body.roles,
            display_name=body.display_name,
            hierarchy=service.hierarchy,
            password_hasher=service.password_hasher,
        )
        record(
            conn,
            account,
            address=client_address(request),
            action="create",
            resource="account",
            resource_id=new.id,
            unit=new.unit,
            detail={"username": new.username, "roles": sorted(new.roles)},
        )
    return new.json()


def _visible_account(service: Any, account: acc.Account, account_id: int) -> acc.Account:
    with service.read() as conn:
        found = acc.get_account(conn, account_id)
    if found is None or not can_administer(account, found.unit, service.hierarchy):
        if found is not None and found.id == account.id:
            return found
        raise fail("unknown-account", f"没有账号 {account_id}，或它不在本管理员的管辖范围内")
    return found


AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/{account_id}", response_model=AccountOut, summary="一个账号")
def get(account_id: AccountId, service: ServiceDep, account: CurrentAccount) -> dict[str, Any]:
    return _visible_account(service, account, account_id).json()


@router.patch(
    "/{account_id}", response_model=AccountOut, summary="修改账号（角色、停用、重设密码）"
)
def patch(
    account_id: AccountId,
    body: AccountPatch,
    request: Request,
    service: ServiceDep,
    account: CurrentAccount,
) -> dict[str, Any]:
    target = _visible_account(service, account, account_id)
    _admin_of(account, target.unit, service)
    with service.begin() as conn:
        updated, changed = acc.update_account(
            conn,
            target,
            hierarchy=service.hierarchy,
            display_name=body.display_name,
            roles=body.roles,
            active=body.active,
            password=body.password,
            password_hasher=service.password_hasher,
        )
        record(
            conn,
            account,
            address=client_address(request),
            action="update",
            resource="account",
            resource_id=target.id,
            unit=target.unit,
            detail=changed,
        )
    return updated.json()
