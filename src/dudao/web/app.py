"""``dudao serve``'s application: the service's API and the pages officials use.

``uvicorn dudao.web.app:create_app --factory`` serves it; settings come from the
environment (``DUDAO_DATA``, ``DUDAO_DB``, ``DUDAO_SECRET``) when none are given.
"""

from __future__ import annotations

from fastapi import FastAPI

from dudao.server.app import create_app as create_service_app
from dudao.server.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole application: the API under ``/api/v1`` and the pages
    (:mod:`dudao.web.pages`) at ``/``, with their static files at ``/static``."""
    from dudao.web.pages import mount

    app = create_service_app(settings)
    mount(app)
    return app
