"""API keys for machine clients (rule 31): one store's, hashed, revocable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, JsonDocument, UTCDateTime, id_column, utcnow
from seatledger.domain.api_keys import NAME_MAX


class ApiKey(Base):
    """A bearer key of one store with chosen permissions and/or agent groups.

    Only the SHA-256 of the key is stored. Revoking sets ``revoked_at`` (the row stays, so
    the audit trail can still name the key); ``created_by`` is the user who made it, whose
    standing in the store bounds what the key can do (docs/adr/0025).
    """

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_store_id_id", "store_id", "id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    permissions: Mapped[list[str]] = mapped_column(JsonDocument)
    agent_group_ids: Mapped[list[str]] = mapped_column(JsonDocument)
    created_by: Mapped[str] = mapped_column(IdColumn, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Kept to the minute, not per request (domain/tokens.is_stale_use).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
