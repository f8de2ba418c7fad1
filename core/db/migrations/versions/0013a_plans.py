"""plans: optional offline training period, archived time

Revision ID: 0013a_plans
Revises: 0001_foundation
Create Date: 2026-12-02 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.models.base

revision = "0013a_plans"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plans", sa.Column("training_start", sa.Date(), nullable=True))
    op.add_column("plans", sa.Column("training_end", sa.Date(), nullable=True))
    op.add_column(
        "plans", sa.Column("archived_at", core.db.models.base.UtcDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("plans", "archived_at")
    op.drop_column("plans", "training_end")
    op.drop_column("plans", "training_start")
