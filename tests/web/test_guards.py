"""The pages' guards are dependencies (:mod:`dudao.web.guards`): every page but signing
in and out needs a signed-in account, and every page of a unit (``{code}`` in its
address) checks that the account may see that unit — so a new page cannot forget."""

from __future__ import annotations

from fastapi.routing import APIRoute

from dudao.web.guards import signed_in, visible_unit
from dudao.web.pages import PAGES

OPEN = {"/login", "/logout"}
ROUTES = [r for m in PAGES for r in m.router.routes if isinstance(r, APIRoute)]


def _needs(route: APIRoute) -> set[object]:
    return {d.call for d in route.dependant.dependencies}


def test_every_page_but_signing_in_needs_an_account() -> None:
    assert len(ROUTES) >= 15
    for route in ROUTES:
        if route.path in OPEN:
            assert signed_in not in _needs(route), route.path
        else:
            assert signed_in in _needs(route), route.path


def test_every_page_of_a_unit_checks_it_is_visible() -> None:
    unit_pages = [r for r in ROUTES if "{code}" in r.path]
    assert {r.path for r in unit_pages} >= {"/units/{code}", "/units/{code}/upload"}
    for route in unit_pages:
        assert visible_unit in _needs(route), route.path
