"""The pages officials work in, served beside the API by ``dudao serve``.

Server-rendered HTML in Chinese (Jinja2 with autoescape), no script and nothing
fetched from the internet: own CSS (``static/dudao.css``), charts drawn as SVG on
the server (:mod:`~dudao.web.charts`). :mod:`~dudao.web.app` makes the whole
application (the service's API plus these pages); :mod:`~dudao.web.pages` gathers
the routes, one module per concept (sign-in, a unit's pages, submissions, cases,
documents, simulation); :mod:`~dudao.web.guards` holds who may open a page (FastAPI
dependencies) and :mod:`~dudao.web.render` how a page is answered;
:mod:`~dudao.web.backend` is the one place the pages take accounts,
access, data and submissions from the service; :mod:`~dudao.web.unitdata` runs the
library's check, work plans and evaluations for a unit's data;
:mod:`~dudao.web.caseforms` turns a case's next steps into forms;
:mod:`~dudao.web.lawview` lists the law in force for a unit on a day.
"""
