"""FastAPI dependencies: the service, the signed-in account, CSRF, the client address.

An account is found from an ``Authorization: Bearer dd_…`` header (scripts) or the
browser session cookie (pages). A request authenticated by the cookie that changes
anything must carry the session's CSRF token — in a form field ``csrf_token`` or an
``X-CSRF-Token`` header — compared in constant time; the cookie is also SameSite=Lax.
The session holds only the account id, the CSRF token and when it was signed; the
account is re-read on every request, so a deactivated account is out at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from dudao.server import accounts as acc
from dudao.server.accounts import Account
from dudao.server.problems import fail
from dudao.server.service import Service

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def get_service(request: Request) -> Service:
    """The running :class:`~dudao.server.service.Service` (``app.state.service``)."""
    return request.app.state.service  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy: run uvicorn with
    ``--forwarded-allow-ips`` so this is the real client; docs/deployment.md)."""
    return request.client.host if request.client else ""


def _session(request: Request) -> dict[str, Any]:
    if "session" not in request.scope:
        return {}
    return request.session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use: put it in every form as a hidden
    ``csrf_token`` field (pages) or send it as ``X-CSRF-Token`` (scripts in pages)."""
    session = _session(request)
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        if "session" in request.scope:
            request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse (403 ``csrf``) a state-changing request whose CSRF token does not
    match the session's. Use on page form handlers:
    ``dependencies=[Depends(check_csrf)]``."""
    if request.method in SAFE_METHODS:
        return
    expected = _session(request).get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if (
        not isinstance(expected, str)
        or not given
        or not secrets.compare_digest(given.encode(), expected.encode())
    ):
        raise fail("csrf", "表单已过期或来源不明（CSRF 校验失败）", hint="刷新页面后重新提交")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def session_account(request: Request) -> Account | None:
    """The account of the browser session, if any and still valid."""
    session = _session(request)
    account_id = session.get("account")
    signed = session.get("signed")
    if not isinstance(account_id, int) or not isinstance(signed, str):
        return None
    service = get_service(request)
    try:
        at = dt.datetime.fromisoformat(signed)
    except ValueError:
        return None
    if at + dt.timedelta(hours=service.settings.session_hours) < acc.now():
        return None
    with service.read() as conn:
        account = acc.get_account(conn, account_id)
    if account is None or not account.active:
        return None
    if account.sessions_after is not None and at < account.sessions_after:
        return None
    return account


def _token_account(request: Request, token: str) -> Account | None:
    with get_service(request).read() as conn:
        return acc.account_for_token(conn, token)


def optional_account(request: Request) -> Account | None:
    """The signed-in account or None (pages that show a sign-in link)."""
    token = _bearer(request)
    if token is not None:
        with get_service(request).read() as conn:
            return acc.account_for_token(conn, token)
    return session_account(request)


async def current_account(request: Request) -> Account:
    """The signed-in account, else 401. A cookie-authenticated request that changes
    anything must pass :func:`check_csrf` (a bearer token needs no CSRF token)."""
    token = _bearer(request)
    if token is not None:
        # the database is read off the event loop, which serves every other request
        account = await run_in_threadpool(_token_account, request, token)
        if account is None:
            raise fail("bad-token", "令牌无效、已过期或已撤销", hint="重新登录获取令牌")
        return account
    account = await run_in_threadpool(session_account, request)
    if account is None:
        raise fail(
            "not-signed-in", "请先登录", hint="POST /api/v1/auth/token 获取令牌，或在页面登录"
        )
    await check_csrf(request)
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
ServiceDep = Annotated[Service, Depends(get_service)]


def sign_in(request: Request, username: str, password: str) -> Account:
    """Check the password (throttled, recorded) and put the account in the browser
    session with a fresh CSRF token; raises DudaoError (401 bad-credentials, 429
    too-many-attempts). For a page's login form handler."""
    service = get_service(request)
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
    request.session.clear()
    request.session.update(
        {
            "account": account.id,
            "signed": acc.now().isoformat(),
            "csrf": secrets.token_urlsafe(32),
        }
    )
    from dudao.server.audit import record

    with service.begin() as conn:
        record(
            conn,
            account,
            address=address,
            action="sign-in",
            resource="session",
            resource_id=account.id,
            unit=account.unit,
        )
    return account


def sign_out(request: Request) -> None:
    """Forget the browser session."""
    if "session" in request.scope:
        request.session.clear()
