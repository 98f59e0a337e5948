"""The supervision information system's service: storage, accounts bound to the
jurisdiction tree, submissions and approval, cases and audit, served as an HTTP API.

Modules: :mod:`~dudao.server.settings` (data folder, database URL, secret),
:mod:`~dudao.server.db` (tables, Alembic migrations), :mod:`~dudao.server.accounts`,
:mod:`~dudao.server.access` (who may do what where), :mod:`~dudao.server.submissions`,
:mod:`~dudao.server.casework`, :mod:`~dudao.server.analysis`,
:mod:`~dudao.server.evaluations` (indicator sets on approved measurements),
:mod:`~dudao.server.audit`,
:mod:`~dudao.server.api` (routers under ``/api/v1``), :mod:`~dudao.server.app`
(``create_app``).

Guide for pages (``dudao.web``) built on the service
-----------------------------------------------------

* The app: ``dudao.web.app.create_app(settings)`` calls
  ``dudao.server.app.create_app(settings)`` and may then mount pages on it. The
  :class:`~dudao.server.service.Service` lives on ``request.app.state.service``;
  get it with the dependency ``ServiceDep`` (:func:`dudao.server.deps.get_service`).
  It holds ``settings``, ``store`` (the :class:`~dudao.store.cases.CaseStore`),
  ``engine``, ``plugins`` (the loaded :class:`~dudao.plugins.manager.PluginSet`),
  ``hierarchy``, ``law``; ``service.read()`` / ``service.begin()`` give a
  connection (``begin`` commits on leaving; ``read`` takes no write lock and, on
  SQLite, cannot write — never write through it).
* The signed-in account: ``account: CurrentAccount`` in a route's parameters
  (:data:`dudao.server.deps.CurrentAccount`; 401 when nobody is signed in), or
  ``optional_account(request)`` for pages that show a sign-in link instead. An
  :class:`~dudao.server.accounts.Account` has ``unit``, ``roles``, ``display_name``.
* Access: :func:`dudao.server.access.can_view` / ``can_capture`` / ``can_approve`` /
  ``can_write_case`` / ``can_administer`` ``(account, unit_code, service.hierarchy)``.
* Sign in from a login form: ``dudao.server.deps.sign_in(request, username, password)``
  (raises :class:`~dudao.errors.DudaoError`: code ``bad-credentials`` or
  ``too-many-attempts``; show ``str(problem)``); sign out:
  ``dudao.server.deps.sign_out(request)``.
* CSRF: put ``dudao.server.deps.csrf_token(request)`` in every form as a hidden
  ``<input name="csrf_token">``; protect a form handler with
  ``dependencies=[Depends(dudao.server.deps.check_csrf)]``. ``current_account``
  already checks it for cookie-authenticated writes (form field or
  ``X-CSRF-Token`` header).
* The library's work, scope-checked: :mod:`dudao.server.submissions`
  (``submit``, ``step`` — approve, return, accept, unaccept, unapprove level by
  level — ``decide``, ``listing``), :mod:`dudao.server.casework` (``case_page``
  pages in SQL), :mod:`dudao.server.analysis` and :mod:`dudao.server.evaluations`
  — the same functions the API routes call.
* Errors: raise or let through a ``DudaoError``; the app answers JSON with the HTTP
  status of its code (:mod:`dudao.server.problems`). Pages render
  ``exc.problems`` themselves.
"""
