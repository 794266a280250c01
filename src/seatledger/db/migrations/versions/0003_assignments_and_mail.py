"""assignments, enrollments, mail outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatledger.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=True),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_mail_outbox_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_due", ["sent_at", "next_attempt_at"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("seat_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("learner_id", sa.String(length=32), nullable=True),
        sa.Column("owner_group_id", sa.String(length=32), nullable=True),
        sa.Column("course_product_id", sa.String(length=32), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("link_expires_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("assigned_by", sa.String(length=32), nullable=True),
        sa.Column("assigned_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=True),
        sa.Column("enrollment_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_product_id"],
            ["products.id"],
            name=op.f("fk_assignments_course_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["customers.id"], name=op.f("fk_assignments_learner_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["seat_id"], ["seats.id"], name=op.f("fk_assignments_seat_id_seats")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_assignments_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_assignments_token_hash")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_store_id_email", ["store_id", "email"], unique=False)
        batch_op.create_index(
            "uq_assignments_live_seat",
            ["seat_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'redeemed')"),
            postgresql_where=sa.text("status IN ('pending', 'redeemed')"),
        )

    op.create_table(
        "enrollments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("seat_id", sa.String(length=32), nullable=False),
        sa.Column("assignment_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_enrollments_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_enrollments_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_enrollments_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["seat_id"], ["seats.id"], name=op.f("fk_enrollments_seat_id_seats")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_enrollments_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index("ix_enrollments_seat_id", ["seat_id"], unique=False)
        batch_op.create_index(
            "uq_enrollments_live_course",
            ["customer_id", "product_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('not_started', 'in_progress')"),
            postgresql_where=sa.text("status IN ('not_started', 'in_progress')"),
        )

    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("redeem_by", seatledger.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_column("redeem_by")

    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_enrollments_live_course",
            sqlite_where=sa.text("status IN ('not_started', 'in_progress')"),
            postgresql_where=sa.text("status IN ('not_started', 'in_progress')"),
        )
        batch_op.drop_index("ix_enrollments_seat_id")

    op.drop_table("enrollments")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignments_live_seat",
            sqlite_where=sa.text("status IN ('pending', 'redeemed')"),
            postgresql_where=sa.text("status IN ('pending', 'redeemed')"),
        )
        batch_op.drop_index("ix_assignments_store_id_email")

    op.drop_table("assignments")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_due")

    op.drop_table("mail_outbox")
