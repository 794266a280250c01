"""sessions: api_tokens gain a kind ('api' or 'session') and when each was last used

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29

Rows made before this revision are API tokens (the old browser sessions were API tokens
too; their cookies no longer sign anyone in, and the rows expire within 12 hours).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatledger.db.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="api", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_used_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("kind")
