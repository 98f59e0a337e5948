"""The first schema: the case store's tables (as :mod:`dudao.store.cases` schema
version 3 defines them) and the service's accounts, tokens, login attempts,
submissions, submission files and audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The case store's schema version these tables are (dudao.store.SCHEMA_VERSION).
CASE_STORE_VERSION = 3


def upgrade() -> None:
    # ---- the case store (dudao.store.schema), frozen as of its schema version 3
    version = op.create_table(
        "dudao_schema_version", sa.Column("version", sa.Integer, nullable=False)
    )
    op.bulk_insert(version, [{"version": CASE_STORE_VERSION}])
    op.create_table(
        "dudao_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("last_step", sa.String(32)),
        sa.Column("last_date", sa.Date),
        sa.Column("n_events", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rank", sa.Integer, nullable=False, server_default="0"),
        sa.Column("deadline", sa.Date),
        sa.Column("severe", sa.String(32)),
        sa.Column("passed", sa.Boolean),
        sa.Column("published", sa.Boolean),
        sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("found", sa.Boolean),
        sa.Column("reviewed", sa.String(16)),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_dudao_cases_open_deadline", "dudao_cases", ["closed", "deadline"])
    op.create_index("ix_dudao_cases_target", "dudao_cases", ["target"])
    op.create_table(
        "dudao_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), sa.ForeignKey("dudao_cases.case_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("citation", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON),
        sa.UniqueConstraint("case_id", "seq", name="uq_dudao_events_case_seq"),
        sqlite_autoincrement=True,
    )

    # ---- the service
    op.create_table(
        "dudao_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sessions_after", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_dudao_accounts"),
        sa.UniqueConstraint("username", name="uq_dudao_accounts_username"),
    )
    op.create_index("ix_dudao_accounts_unit", "dudao_accounts", ["unit"])
    op.create_table(
        "dudao_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_dudao_tokens"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["dudao_accounts.id"],
            name="fk_dudao_tokens_account_id_dudao_accounts",
        ),
        sa.UniqueConstraint("token_hash", name="uq_dudao_tokens_token_hash"),
    )
    op.create_table(
        "dudao_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dudao_login_attempts"),
    )
    op.create_index(
        "ix_dudao_login_attempts_username_at", "dudao_login_attempts", ["username", "at"]
    )
    op.create_table(
        "dudao_submissions",
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
        sa.PrimaryKeyConstraint("id", name="pk_dudao_submissions"),
        sa.UniqueConstraint(
            "unit", "year", "version", name="uq_dudao_submissions_unit_year_version"
        ),
    )
    op.create_index("ix_dudao_submissions_unit_status", "dudao_submissions", ["unit", "status"])
    op.create_table(
        "dudao_submission_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dudao_submission_files"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["dudao_submissions.id"],
            name="fk_dudao_submission_files_submission_id_dudao_submissions",
        ),
        sa.UniqueConstraint("submission_id", "name", name="uq_dudao_submission_files_sub_name"),
    )
    op.create_table(
        "dudao_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("account_unit", sa.String(32)),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("resource", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_dudao_audit"),
    )
    op.create_index("ix_dudao_audit_unit", "dudao_audit", ["unit"])


def downgrade() -> None:
    for index, table in (
        ("ix_dudao_audit_unit", "dudao_audit"),
        ("ix_dudao_submissions_unit_status", "dudao_submissions"),
        ("ix_dudao_login_attempts_username_at", "dudao_login_attempts"),
        ("ix_dudao_accounts_unit", "dudao_accounts"),
        ("ix_dudao_cases_target", "dudao_cases"),
        ("ix_dudao_cases_open_deadline", "dudao_cases"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "dudao_audit",
        "dudao_submission_files",
        "dudao_submissions",
        "dudao_login_attempts",
        "dudao_tokens",
        "dudao_accounts",
        "dudao_events",
        "dudao_cases",
        "dudao_schema_version",
    ):
        op.drop_table(table)
