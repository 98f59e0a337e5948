"""The service's database: one schema, managed with Alembic, holding the case store's
tables (:mod:`dudao.store.cases`, the store itself, not a copy) beside the service's
own: accounts, tokens, login attempts, submissions and their files, and the audit log.

:func:`upgrade` brings a database to the newest revision (run by ``dudao serve`` on
start, and by ``dudao accounts``); :func:`open_database` upgrades, then opens the case
store on it, whose engine (SQLite: WAL, ``BEGIN IMMEDIATE``; PostgreSQL: psycopg 3) the
whole service then shares.

Every table is prefixed ``dudao_`` (the store's convention), and every constraint is
named (:data:`NAMING`), which Alembic's batch mode on SQLite needs to drop one.
"""

from __future__ import annotations

import sqlalchemy as sa

from dudao.errors import DudaoError, Problem
from dudao.store.cases import CaseStore, PolicySource

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

accounts = sa.Table(
    "dudao_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("unit", sa.String(32), nullable=False, index=True),
    sa.Column("roles", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # sessions signed before this moment are no longer accepted (sign out everywhere)
    sa.Column("sessions_after", sa.DateTime(timezone=True)),
)

tokens = sa.Table(
    "dudao_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("dudao_accounts.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

login_attempts = sa.Table(
    "dudao_login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Index("ix_dudao_login_attempts_username_at", "username", "at"),
)

submissions = sa.Table(
    "dudao_submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit", sa.String(32), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("approver_unit", sa.String(32)),
    sa.Column("submitted_by", sa.String(64), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("reason", sa.Text),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("late", sa.JSON),
    # the unit whose approval is the latest (None: not approved, or imported), and
    # whether the unit above it has accepted that approval (migration 0002)
    sa.Column("approval_level", sa.String(32)),
    sa.Column("accepted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("unit", "year", "version", name="uq_dudao_submissions_unit_year_version"),
    sa.Index("ix_dudao_submissions_unit_status", "unit", "status"),
)

submission_files = sa.Table(
    "dudao_submission_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("dudao_submissions.id"), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.UniqueConstraint("submission_id", "name", name="uq_dudao_submission_files_sub_name"),
)

audit = sa.Table(
    "dudao_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("account_id", sa.Integer),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("account_unit", sa.String(32)),
    sa.Column("address", sa.String(64), nullable=False, server_default=""),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("resource", sa.String(32), nullable=False),
    sa.Column("resource_id", sa.String(64), nullable=False),
    sa.Column("unit", sa.String(32), nullable=False, index=True),
    sa.Column("detail", sa.JSON),
)


def migrations_config(connection: sa.Connection) -> object:
    """Alembic's configuration for the shipped migrations, without an alembic.ini."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "dudao.server:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), in one transaction."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(migrations_config(conn), revision)  # type: ignore[arg-type]


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Take the database back to ``revision`` (``base``: empty)."""
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(migrations_config(conn), revision)  # type: ignore[arg-type]


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migration_engine(url: str) -> sa.Engine:
    """A plain engine for running migrations (the case store's engine takes SQLite's
    write lock on every transaction, which Alembic does not need)."""
    try:
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError):
        raise DudaoError(
            Problem(
                f"无法识别的数据库地址 '{shown_url(url)}'",
                code="bad-database-url",
                hint="给出 SQLite 文件路径，或 postgresql://用户@主机/数据库",
            )
        ) from None


def shown_url(url: str) -> str:
    """The database's address for messages and the console: the URL without its
    password (a file path as given)."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def open_database(url: str, policies: PolicySource | None = None) -> CaseStore:
    """Upgrade the database at ``url`` and open the case store on it (a
    :class:`~dudao.store.cases.CaseStore` whose ``engine`` the service shares)."""
    engine = migration_engine(url)
    try:
        upgrade(engine)
    except sa.exc.OperationalError as exc:
        raise DudaoError(
            Problem(
                f"无法打开数据库 '{shown_url(url)}'：{exc.orig}",
                code="database-unavailable",
                hint="检查地址、权限，以及数据库服务是否在运行",
            )
        ) from None
    finally:
        engine.dispose()
    return CaseStore.open(url, policies=policies)
