"""erasure: audit events may be pseudonymized under a permit (rule 49)

The audit trail stays append-only: DELETE is always refused, and an UPDATE only passes while
the updating transaction holds a row in ``audit_rewrite_permits`` and changes nothing but
``before``, ``after`` and ``learner_email`` (docs/adr/0024).

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

MESSAGE = "audit events are append-only"
# Every column of audit_events but the three an erasure rewrites.
FIXED = ("id", "store_id", "at", "actor_id", "action", "entity", "entity_id", "group_id",
         "seat_id", "order_id")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "audit_rewrite_permits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_rewrite_permits")),
    )
    if op.get_bind().dialect.name == "postgresql":
        new = ", ".join(f'NEW."{c}"' for c in FIXED)
        old = ", ".join(f'OLD."{c}"' for c in FIXED)
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM audit_rewrite_permits) "
            f"AND ({new}) IS NOT DISTINCT FROM ({old}) THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
    else:
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in FIXED)
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits) OR {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    op.drop_table("audit_rewrite_permits")
