"""api keys: keys of one store for machine clients, and the key named on audit events

``audit_events.actor_api_key_id`` joins the columns the append-only triggers keep fixed
(an erasure rewrites only ``before``, ``after`` and ``learner_email``; docs/adr/0024, 0025).
The column is added with a plain ALTER TABLE, not a batch copy, so SQLite keeps the
table's triggers.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import seatledger.db.base

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

MESSAGE = "audit events are append-only"
FIXED_BEFORE = ("id", "store_id", "at", "actor_id", "action", "entity", "entity_id",
                "group_id", "seat_id", "order_id")  # fmt: skip
FIXED = (*FIXED_BEFORE, "actor_api_key_id")


def _guard(fixed: tuple[str, ...]) -> None:
    """The append-only guard of 0009, over the columns ``fixed``."""
    if op.get_bind().dialect.name == "postgresql":
        new = ", ".join(f'NEW."{c}"' for c in fixed)
        old = ", ".join(f'OLD."{c}"' for c in fixed)
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM audit_rewrite_permits) "
            f"AND ({new}) IS NOT DISTINCT FROM ({old}) THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
    else:
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in fixed)
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits) OR {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "permissions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "agent_group_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_api_keys_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_api_keys_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_index("ix_api_keys_store_id_id", "api_keys", ["store_id", "id"], unique=False)
    op.add_column(
        "audit_events", sa.Column("actor_api_key_id", sa.String(length=32), nullable=True)
    )
    _guard(FIXED)


def downgrade() -> None:
    _guard(FIXED_BEFORE)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("audit_events", "actor_api_key_id")
    else:
        # SQLite (3.35+) drops a column in place; the trigger naming it is rewritten first.
        op.execute("ALTER TABLE audit_events DROP COLUMN actor_api_key_id")
    op.drop_index("ix_api_keys_store_id_id", table_name="api_keys")
    op.drop_table("api_keys")
