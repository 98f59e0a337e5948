"""Who may open a page, as FastAPI dependencies: a page handler names what it needs
and gets it, or the request ends before the handler runs.

* :data:`SignedIn`: the signed-in account; signed out, the browser is sent to the
  sign-in page (303) and back to the address afterwards.
* :data:`VisibleUnit`: the unit of the path's ``{code}`` if the account may see it
  (its own unit and the units below; never above or beside); else 404, the same for
  a unit outside the subtree and an unknown code (as the service's API answers).
* :func:`check_csrf`: a POST's form token matches the session's; else 400.

They raise :class:`SignInRequired` and :class:`PageDenied`, which the handlers
:func:`install` adds to the app turn into the redirect and the denied page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dudao.model.jurisdiction import Jurisdiction
from dudao.web import backend
from dudao.web.backend import Account
from dudao.web.render import denied

NOT_VISIBLE = "没有这个单位，或它不在您的管辖范围内"
STALE_FORM = "页面已过期，请刷新后重试"


class SignInRequired(Exception):
    """Nobody is signed in: the page sends the browser to sign in, then back to ``target``."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class PageDenied(Exception):
    """The page answers with the denied page: ``what`` cannot be done, ``status``."""

    def __init__(self, what: str, status: int = 404) -> None:
        super().__init__(what)
        self.what = what
        self.status = status


def signed_in(request: Request) -> Account:
    """The signed-in account, or :class:`SignInRequired` back to this address."""
    account = backend.account(request)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return account


SignedIn = Annotated[Account, Depends(signed_in)]


def visible_unit(request: Request, code: str, account: SignedIn) -> Jurisdiction:
    """The unit ``code`` if the account may see it, else :class:`PageDenied` (404)."""
    h = backend.hierarchy(request)
    if code not in h or not backend.can_view(request, account, code):
        raise PageDenied(NOT_VISIBLE)
    return h.get(code)


VisibleUnit = Annotated[Jurisdiction, Depends(visible_unit)]


def check_csrf(request: Request, sent: str | None) -> None:
    """:class:`PageDenied` (400) unless ``sent`` is the session's CSRF token."""
    if not backend.csrf_ok(request, sent):
        raise PageDenied(STALE_FORM, 400)


def install(app: FastAPI) -> None:
    """Answer :class:`SignInRequired` with the redirect and :class:`PageDenied` with
    the denied page, on every route of ``app``."""

    def sign_in_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(f"/login?next={quote(exc.target)}", status_code=303)

    def deny(request: Request, exc: Exception) -> HTMLResponse:  # renders: in a thread
        assert isinstance(exc, PageDenied)
        return denied(request, exc.what, exc.status)

    app.add_exception_handler(SignInRequired, sign_in_first)
    app.add_exception_handler(PageDenied, deny)
