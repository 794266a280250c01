"""The audit trail's rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, JsonDocument, UTCDateTime, id_column, utcnow


class AuditEvent(Base):
    """An append-only record of one change: who, when, what, before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_store_id_id", "store_id", "id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("stores.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    # The API key that made the change, when one did (rule 31); ``actor_id`` is then its
    # creator's customer (or user) id.
    actor_api_key_id: Mapped[str | None] = mapped_column(IdColumn, nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # Denormalized keys so the trail can be filtered by seat, order, group and learner.
    group_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    seat_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    order_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
    learner_email: Mapped[str | None] = mapped_column(String(320), index=True)


class AuditRewritePermit(Base):
    """While a row is here, the transaction that added it may pseudonymize audit events.

    The triggers that keep ``audit_events`` append-only let an UPDATE through only while this
    table has a row, and only when it changes nothing but ``before``, ``after`` and
    ``learner_email``. Erasure (rule 49) adds its permit and deletes it in its own
    transaction, so no other transaction ever sees one (docs/adr/0024).
    """

    __tablename__ = "audit_rewrite_permits"

    id: Mapped[str] = id_column()
    purpose: Mapped[str] = mapped_column(String(64))
