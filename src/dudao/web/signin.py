"""Signing in and out. The sign-in form carries the CSRF token of the session it
starts from; a failed attempt says why (401), too many say wait (429)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dudao.errors import DudaoError
from dudao.web import backend
from dudao.web.guards import check_csrf
from dudao.web.render import render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    target = safe_next(next)
    if not backend.csrf_ok(request, csrf_token):
        error = "页面已过期，请重新登录"
        return render(request, "login.html", {"next": target, "error": error}, 400)
    try:
        backend.sign_in(request, username.strip(), password)
    except DudaoError as exc:
        error = exc.problems[0].message if exc.problems else "登录失败"
        status = 429 if "too-many-attempts" in exc.codes else 401
        return render(request, "login.html", {"next": target, "error": error}, status)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request, csrf_token)
    backend.sign_out(request)
    return RedirectResponse("/login", status_code=303)
