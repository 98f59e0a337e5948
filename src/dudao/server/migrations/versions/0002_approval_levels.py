"""Approval level by level (DHIS2's data approval): a submission's current approval
level and whether the level above has accepted it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dudao_submissions") as batch:
        batch.add_column(sa.Column("approval_level", sa.String(32)))
        batch.add_column(
            sa.Column("accepted", sa.Boolean, nullable=False, server_default=sa.false())
        )
    # what was approved so far was approved by the level directly above the unit
    op.execute(
        "UPDATE dudao_submissions SET approval_level = approver_unit "
        "WHERE status = 'approved' AND approver_unit IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("dudao_submissions") as batch:
        batch.drop_column("accepted")
        batch.drop_column("approval_level")
