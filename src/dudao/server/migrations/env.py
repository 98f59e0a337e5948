"""Alembic's environment for the service's schema: run in process on the connection
:func:`dudao.server.db.upgrade` passes (no alembic.ini, no logging set-up, which would
silence the application's loggers)."""

from __future__ import annotations

from alembic import context

from dudao.server.db import metadata
from dudao.store.schema import metadata as case_store_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only ever run through dudao.server.db
    raise RuntimeError("dudao 的迁移须通过 dudao.server.db.upgrade 运行")

context.configure(
    connection=connection,
    target_metadata=[metadata, case_store_metadata],
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
