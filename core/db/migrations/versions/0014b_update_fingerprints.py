"""applied-update records keyed by update id and fingerprint, with no id ceiling

Revision ID: 0014b_update_fingerprints
Revises: 0001_foundation
Create Date: 2026-12-02 15:05:00

The old records carry no fingerprint and could only be matched by id, which is exactly what swallowed new
updates that reused an old id; they are dropped rather than guessed at. Only an update applied by a process
that crashed just before this upgrade, and redelivered to the upgraded one, could be applied twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.models.base

revision = '0014b_update_fingerprints'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('processed_updates')
    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('fingerprint', sa.String(length=32), nullable=False),
    sa.Column('processed_at', core.db.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', 'fingerprint', name=op.f('pk_processed_updates'))
    )
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_updates_processed_at'), ['processed_at'], unique=False)


def downgrade() -> None:
    op.drop_table('processed_updates')
    op.create_table('processed_updates',
    sa.Column('update_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('processed_at', core.db.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_processed_updates'))
    )
