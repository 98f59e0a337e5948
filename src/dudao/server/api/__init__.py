"""The service's HTTP API (``/api/v1``): one router per concern."""

from __future__ import annotations

from fastapi import APIRouter

from dudao.server.api import accounts, analysis, audit, auth, cases, submissions, units

router = APIRouter()
for module in (auth, accounts, units, submissions, cases, analysis, audit):
    router.include_router(module.router)

__all__ = ["router"]
