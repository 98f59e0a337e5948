"""``/api/v1/auth``: tokens for scripts, sessions for browsers, who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from dudao.server import accounts as acc
from dudao.server.api.common import AUTH_ERRORS
from dudao.server.audit import record
from dudao.server.deps import (
    CurrentAccount,
    ServiceDep,
    _bearer,
    client_address,
    csrf_token,
    sign_in,
    sign_out,
)

router = APIRouter(prefix="/auth", tags=["登录"], responses=AUTH_ERRORS)


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    unit: str
    roles: list[str]
    active: bool


class TokenOut(BaseModel):
    access_token: str
    token_type: str
    expires_in_days: int
    account: AccountOut


class SessionOut(BaseModel):
    account: AccountOut
    csrf_token: str


class MeOut(BaseModel):
    account: AccountOut
    unit_name: str
    scope: list[str]


Username = Annotated[str, Form(min_length=1, max_length=64)]
Password = Annotated[str, Form(min_length=1, max_length=1024)]


@router.post("/token", response_model=TokenOut, summary="用户名和密码换取令牌（供脚本使用）")
def token(
    request: Request, service: ServiceDep, username: Username, password: Password
) -> dict[str, Any]:
    """OAuth2 password flow: form fields ``username`` and ``password``; answer a bearer
    token to send as ``Authorization: Bearer …``."""
    address = client_address(request)
    with service.begin() as conn:
        account = acc.authenticate(
            conn,
            username,
            password,
            address=address,
            max_failures=service.settings.login_failures,
            window=service.settings.login_window,
            password_hasher=service.password_hasher,
        )
    if account is None:
        raise acc.bad_credentials()
    days = service.settings.token_days
    with service.begin() as conn:
        raw = acc.issue_token(conn, account, days=days, name="api")
        record(
            conn,
            account,
            address=address,
            action="token",
            resource="token",
            resource_id=account.id,
            unit=account.unit,
        )
    return {
        "access_token": raw,
        "token_type": "bearer",
        "expires_in_days": days,
        "account": account.json(),
    }


@router.delete("/token", status_code=204, summary="撤销当前令牌")
def revoke(request: Request, service: ServiceDep, account: CurrentAccount) -> None:
    raw = _bearer(request)
    if raw is None:
        return
    with service.begin() as conn:
        acc.revoke_token(conn, raw)
        record(
            conn,
            account,
            address=client_address(request),
            action="revoke-token",
            resource="token",
            resource_id=account.id,
            unit=account.unit,
        )


@router.post("/session", response_model=SessionOut, summary="浏览器登录（会话 Cookie）")
def session_in(request: Request, username: Username, password: Password) -> dict[str, Any]:
    account = sign_in(request, username, password)
    return {"account": account.json(), "csrf_token": csrf_token(request)}


@router.delete("/session", status_code=204, summary="退出登录")
def session_out(request: Request) -> None:
    sign_out(request)


@router.get("/me", response_model=MeOut, summary="当前账号及其管辖范围")
def me(service: ServiceDep, account: CurrentAccount) -> dict[str, Any]:
    h = service.hierarchy
    name = h.get(account.unit).name if account.unit in h else account.unit
    children = [c.code for c in h.children(account.unit)] if account.unit in h else []
    return {"account": account.json(), "unit_name": name, "scope": [account.unit, *children]}
