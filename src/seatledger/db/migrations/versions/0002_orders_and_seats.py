"""orders, payments, seats and seat counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatledger.db.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_products_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("store_id", "sku", name=op.f("uq_products_store_id_sku")),
    )
    op.create_table(
        "store_counters",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_counters_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", "name", name=op.f("pk_store_counters")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("buyer_id", sa.String(length=32), nullable=False),
        sa.Column("placed_by", sa.String(length=32), nullable=True),
        sa.Column("purchasing_group_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payment_status", sa.String(length=24), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("payment_reference", sa.String(length=64), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["customers.id"], name=op.f("fk_orders_buyer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["purchasing_group_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_orders_purchasing_group_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_orders_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint(
            "store_id",
            "buyer_id",
            "idempotency_key",
            name=op.f("uq_orders_store_id_buyer_id_idempotency_key"),
        ),
        sa.UniqueConstraint("store_id", "number", name=op.f("uq_orders_store_id_number")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_purchasing_group_id"), ["purchasing_group_id"], unique=False
        )
        batch_op.create_index("ix_orders_store_id_buyer_id", ["store_id", "buyer_id"], unique=False)

    op.create_table(
        "product_options",
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("option_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"], ["products.id"], name=op.f("fk_product_options_option_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_options_product_id_products")
        ),
        sa.PrimaryKeyConstraint("product_id", "option_id", name=op.f("pk_product_options")),
    )
    op.create_table(
        "seat_counts",
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seats", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_seat_counts_group_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_seat_counts_product_id_products")
        ),
        sa.PrimaryKeyConstraint("group_id", "product_id", "status", name=op.f("pk_seat_counts")),
    )
    op.create_table(
        "order_lines",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint(
            "order_id", "line_number", name=op.f("uq_order_lines_order_id_line_number")
        ),
    )
    op.create_table(
        "seats",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("order_line_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("buyer_id", sa.String(length=32), nullable=False),
        sa.Column("owner_group_id", sa.String(length=32), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["customers.id"], name=op.f("fk_seats_buyer_id_customers")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_seats_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["order_line_id"], ["order_lines.id"], name=op.f("fk_seats_order_line_id_order_lines")
        ),
        sa.ForeignKeyConstraint(
            ["owner_group_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_seats_owner_group_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_seats_product_id_products")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_seats_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seats")),
    )
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.create_index(
            "ix_seats_buyer_ungrouped", ["buyer_id", "owner_group_id"], unique=False
        )
        batch_op.create_index(
            "ix_seats_capacity", ["owner_group_id", "product_id", "status"], unique=False
        )
        batch_op.create_index("ix_seats_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_seats_store_id_status", ["store_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_index("ix_seats_store_id_status")
        batch_op.drop_index("ix_seats_order_id")
        batch_op.drop_index("ix_seats_capacity")
        batch_op.drop_index("ix_seats_buyer_ungrouped")

    op.drop_table("seats")
    op.drop_table("order_lines")
    op.drop_table("seat_counts")
    op.drop_table("product_options")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_store_id_buyer_id")
        batch_op.drop_index(batch_op.f("ix_orders_purchasing_group_id"))

    op.drop_table("orders")
    op.drop_table("store_counters")
    op.drop_table("products")
