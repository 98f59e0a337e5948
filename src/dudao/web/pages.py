"""The pages officials work in: server-rendered HTML in Chinese, no script needed.

Every page that shows a unit checks that the signed-in account may see it (its own
unit and the units below; never above or beside): a unit or case outside the
account's subtree is answered 404, as if it did not exist (as the service's API
does). Every form carries the session's CSRF token and every POST checks it. Those
checks are FastAPI dependencies (:mod:`dudao.web.guards`). Templates escape
everything (Jinja2 autoescape, :mod:`dudao.web.render`); charts are SVG drawn here
(:mod:`dudao.web.charts`). What the pages take from the service goes through
:mod:`dudao.web.backend`.

The pages by concept: :mod:`~dudao.web.signin`, a unit's pages
(:mod:`~dudao.web.unitpages`), submissions (:mod:`~dudao.web.submitpages`), cases
(:mod:`~dudao.web.casepages`), documents (:mod:`~dudao.web.documentpages`) and the
simulation (:mod:`~dudao.web.simulatepage`). Their routes are on :data:`router`;
:func:`mount` adds them, their error handling and the static files to the service's
app (:func:`dudao.web.app.create_app`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from dudao.web import (
    casepages,
    documentpages,
    guards,
    signin,
    simulatepage,
    submitpages,
    unitpages,
)
from dudao.web.render import error_page as error_page

#: The modules of pages, in the order their routes are matched.
PAGES = (signin, unitpages, submitpages, casepages, documentpages, simulatepage)
router = APIRouter(include_in_schema=False)
for _pages in PAGES:
    router.include_router(_pages.router)


def mount(app: FastAPI) -> None:
    """Add the pages, the answers of their guards and their static files to ``app``."""
    app.include_router(router)
    guards.install(app)
    app.mount("/static", StaticFiles(packages=[("dudao.web", "static")]), name="static")
