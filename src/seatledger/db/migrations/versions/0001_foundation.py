"""foundation: users, stores, customers, groups, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import seatledger.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "stores",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("slug", name=op.f("uq_stores_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=True),
        sa.Column("at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("group_id", sa.String(length=32), nullable=True),
        sa.Column("seat_id", sa.String(length=32), nullable=True),
        sa.Column("order_id", sa.String(length=32), nullable=True),
        sa.Column("learner_email", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_audit_events_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_learner_email"), ["learner_email"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_seat_id"), ["seat_id"], unique=False)
        batch_op.create_index("ix_audit_events_store_id_id", ["store_id", "id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_customers_store_id_stores")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_customers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("store_id", "user_id", name=op.f("uq_customers_store_id_user_id")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "purchasing_groups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_purchasing_groups_parent_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_purchasing_groups_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchasing_groups")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_purchasing_groups_store_id_code")),
    )
    with op.batch_alter_table("purchasing_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchasing_groups_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchasing_groups_store_id"), ["store_id"], unique=False
        )

    op.create_table(
        "admin_permissions",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("permission", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_admin_permissions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_admin_permissions_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("customer_id", "permission", name=op.f("pk_admin_permissions")),
    )
    with op.batch_alter_table("admin_permissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admin_permissions_store_id"), ["store_id"], unique=False
        )

    op.create_table(
        "agent_grants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("granted_at", seatledger.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_agent_grants_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_agent_grants_group_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_agent_grants_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_grants")),
        sa.UniqueConstraint(
            "group_id", "customer_id", name=op.f("uq_agent_grants_group_id_customer_id")
        ),
    )
    with op.batch_alter_table("agent_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_grants_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agent_grants_store_id"), ["store_id"], unique=False)

    op.create_table(
        "group_closure",
        sa.Column("ancestor_id", sa.String(length=32), nullable=False),
        sa.Column("descendant_id", sa.String(length=32), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ancestor_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_group_closure_ancestor_id_purchasing_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["descendant_id"],
            ["purchasing_groups.id"],
            name=op.f("fk_group_closure_descendant_id_purchasing_groups"),
        ),
        sa.PrimaryKeyConstraint("ancestor_id", "descendant_id", name=op.f("pk_group_closure")),
    )
    with op.batch_alter_table("group_closure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_closure_descendant", ["descendant_id", "ancestor_id"], unique=False
        )

    _protect_audit_trail()


APPEND_ONLY_MESSAGE = "audit events are append-only"


def _protect_audit_trail() -> None:
    """The audit trail is never edited: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")

    with op.batch_alter_table("group_closure", schema=None) as batch_op:
        batch_op.drop_index("ix_group_closure_descendant")

    op.drop_table("group_closure")
    with op.batch_alter_table("agent_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_grants_store_id"))
        batch_op.drop_index(batch_op.f("ix_agent_grants_customer_id"))

    op.drop_table("agent_grants")
    with op.batch_alter_table("admin_permissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_permissions_store_id"))

    op.drop_table("admin_permissions")
    with op.batch_alter_table("purchasing_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchasing_groups_store_id"))
        batch_op.drop_index(batch_op.f("ix_purchasing_groups_parent_id"))

    op.drop_table("purchasing_groups")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_user_id"))

    op.drop_table("customers")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_store_id_id")
        batch_op.drop_index(batch_op.f("ix_audit_events_seat_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_order_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_learner_email"))
        batch_op.drop_index(batch_op.f("ix_audit_events_group_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("stores")
