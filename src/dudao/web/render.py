"""How a page is answered: a template rendered with what every page shows (the account,
its role, the CSRF token, today), the 404/403 page, a download, and the small
helpers the pages share (the path from the root to a unit, a unit named with its
code, a safe address to return to after signing in).

Templates escape everything (Jinja2 autoescape).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from dudao.model.findings import Severity
from dudao.model.hierarchy import Hierarchy
from dudao.model.numbers import number
from dudao.web import backend
from dudao.web.backend import Account

_env = Environment(
    loader=PackageLoader("dudao.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_env)
SEVERITY_TONE = {"error": "bad", "warning": "warn", "info": "info"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The template ``name`` with ``context`` and what every page shows."""
    account = backend.account(request)
    base = {
        "account": account,
        "role_text": backend.role_text(account) if account else "",
        "may_capture": account is not None and backend.can_capture(request, account, account.unit),
        "csrf": backend.csrf_token(request),
        "today": backend.today(),
        "sev_label": {s.value: s.label for s in Severity},
        "sev_tone": SEVERITY_TONE,
        "number": number,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status
    )
    return response


def denied(request: Request, what: str, status: int = 404) -> HTMLResponse:
    """The page saying what cannot be done, with ``status``."""
    return render(request, "denied.html", {"what": what}, status)


def error_page(request: Request, status: int) -> HTMLResponse:
    """The page for an address that does not exist (404) or a method it does not take."""
    what = {404: "没有这个页面", 405: "该页面不支持此操作"}.get(status, "无法完成请求")
    return denied(request, what, status)


def download(data: bytes, name: str, media: str) -> Response:
    """``data`` as an attachment named ``name`` (UTF-8, any characters)."""
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def unit_path(request: Request, account: Account, code: str) -> list[dict[str, Any]]:
    """The units from the root to ``code``, linked where the account may see them."""
    return [
        {"code": u.code, "name": u.name, "link": backend.can_view(request, account, u.code)}
        for u in backend.hierarchy(request).path(code)
        if u.code != "000000"
    ]


def named(h: Hierarchy, code: str) -> str:
    """``青秀区（450103）``; a code the tree does not know, as it is."""
    return f"{h.get(code).name}（{code}）" if code in h else code


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host) may follow sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def problems_text(exc: Any) -> str:
    """A :class:`~dudao.errors.DudaoError`'s messages in a line."""
    return "；".join(str(p.message) for p in exc.problems)
