"""``dudao serve``'s application: the service's API and the pages officials use.

``uvicorn dudao.web.app:create_app --factory`` serves it; settings come from the
environment (``DUDAO_DATA``, ``DUDAO_DB``, ``DUDAO_SECRET``) when none are given.
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dudao.server.app import API_PREFIX
from dudao.server.app import create_app as create_service_app
from dudao.server.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole application: the API under ``/api/v1`` and the pages
    (:mod:`dudao.web.pages`) at ``/``, with their static files at ``/static``."""
    from dudao.web.pages import mount

    app = create_service_app(settings)
    mount(app)
    api_errors = app.exception_handlers.get(StarletteHTTPException)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The API answers in JSON (the service's handler); a page address, with a page."""
        if request.url.path.startswith(API_PREFIX) and api_errors is not None:
            answer = api_errors(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        from dudao.web.pages import error_page

        return error_page(request, exc.status_code)

    return app
