"""reminders: links remember when they were sent and their last reminder; agents' daily
expiry warnings are claimed per day (rule 33)

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-29

Links already out count their reminders from when they were handed out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatledger.db.base

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

PENDING_LINK = "status = 'pending'"
AVAILABLE_BY_DATE = "status = 'available' AND redeem_by IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("link_sent_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reminder_day", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "last_reminded_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.execute("UPDATE assignments SET link_sent_at = assigned_at WHERE status = 'pending'")
    for name, columns, where in (
        ("ix_assignments_pending_sent", ["store_id", "link_sent_at"], PENDING_LINK),
        ("ix_assignments_pending_expiry", ["link_expires_at"], PENDING_LINK),
    ):
        op.create_index(
            name,
            "assignments",
            columns,
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )
    op.create_index(
        "ix_seats_available_redeem_by",
        "seats",
        ["redeem_by"],
        unique=False,
        sqlite_where=sa.text(AVAILABLE_BY_DATE),
        postgresql_where=sa.text(AVAILABLE_BY_DATE),
    )
    op.create_table(
        "expiry_warnings",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("recipient_id", sa.String(length=32), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_expiry_warnings_store_id_stores")
        ),
        sa.PrimaryKeyConstraint(
            "store_id", "recipient_id", "sent_on", name=op.f("pk_expiry_warnings")
        ),
    )


def downgrade() -> None:
    op.drop_table("expiry_warnings")
    op.drop_index("ix_seats_available_redeem_by", table_name="seats")
    op.drop_index("ix_assignments_pending_expiry", table_name="assignments")
    op.drop_index("ix_assignments_pending_sent", table_name="assignments")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("last_reminded_at")
        batch_op.drop_column("reminder_day")
        batch_op.drop_column("link_sent_at")
