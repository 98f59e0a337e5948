"""The service's FastAPI application: :func:`create_app`.

The API lives under ``/api/v1``; its OpenAPI schema at ``/api/v1/openapi.json``.
FastAPI's interactive documentation pages are off: they load their scripts from a
CDN, and government intranets (政务外网) have no internet. Errors are JSON shaped like the
library's problems (:mod:`dudao.server.problems`): ``{"problems": [{message, source,
line, row, path, code, hint, text}]}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from dudao import __version__
from dudao.errors import DudaoError, Problem
from dudao.server.problems import error_json, problem_json, status_for
from dudao.server.service import Service
from dudao.server.settings import Settings

API_PREFIX = "/api/v1"
SESSION_COOKIE = "dudao_session"


def _validation_problems(exc: RequestValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)]
        where = loc[0] if loc else None
        path = loc[1:] if where in ("body", "query", "path", "header", "cookie", "form") else loc
        out.append(
            Problem(
                f"输入有误：{err.get('msg', '')}",
                path=tuple(path),
                source=str(where) if where in ("body", "query", "path", "header") else None,
                code="invalid-request",
                hint="见 /api/v1/openapi.json 中该接口的参数说明",
            )
        )
    return out or [Problem("输入有误", code="invalid-request")]


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    from starlette.routing import Match

    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    """The service as an ASGI application. ``settings`` default: from the environment
    (:meth:`Settings.from_env`). The database is upgraded and the plugins loaded when
    the application starts (its lifespan), or now if ``service`` is given."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = getattr(app.state, "service", None) is None
        if own:
            app.state.service = Service(settings)
        try:
            yield
        finally:
            if own:
                app.state.service.close()
                app.state.service = None

    app = FastAPI(
        title="dudao 教育督导信息管理系统",
        version=__version__,
        description=(
            "全区统一、分级使用（桂教督委办〔2023〕11号 九）：数据采集、信息直报、过程管理、"
            "分析评价、结果反馈。账号属于一个单位，可查看、操作本单位及其下级单位。"
        ),
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN
        redoc_url=None,
    )
    if service is not None:
        app.state.service = service
    else:
        app.state.service = None
    app.add_middleware(
        SessionMiddleware,
        secret_key=service.secret if service else settings.session_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    @app.exception_handler(DudaoError)
    async def dudao_error(request: Request, exc: DudaoError) -> JSONResponse:
        status = status_for(exc.codes)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return _json(status, error_json(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(422, error_json(DudaoError(_validation_problems(exc))))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad-request", 404: "not-found", 405: "method-not-allowed"}.get(
            exc.status_code, "http-error"
        )
        message = {
            400: f"请求无法解析：{exc.detail}",
            404: "没有这个地址",
            405: "该地址不支持此方法",
        }.get(exc.status_code, str(exc.detail))
        body = {"problems": [problem_json(Problem(message, code=code))]}
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method the path has, not only one route's
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return _json(exc.status_code, body, headers or None)

    from dudao.server.api import router

    app.include_router(router, prefix=API_PREFIX)
    return app
