"""return requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatledger.db.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("requester_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refund", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["customers.id"],
            name=op.f("fk_return_requests_requester_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_return_requests_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
    )
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_requests_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(
            "ix_return_requests_store_id_status", ["store_id", "status"], unique=False
        )

    op.create_table(
        "return_request_seats",
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("seat_id", sa.String(length=32), nullable=False),
        sa.Column("previous_status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["return_requests.id"],
            name=op.f("fk_return_request_seats_request_id_return_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["seat_id"], ["seats.id"], name=op.f("fk_return_request_seats_seat_id_seats")
        ),
        sa.PrimaryKeyConstraint("request_id", "seat_id", name=op.f("pk_return_request_seats")),
    )


def downgrade() -> None:
    op.drop_table("return_request_seats")
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_return_requests_store_id_status")
        batch_op.drop_index(batch_op.f("ix_return_requests_requester_id"))

    op.drop_table("return_requests")
