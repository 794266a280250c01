"""People: logins, their API tokens, and their standing in each store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow
from seatledger.domain.tokens import API_TOKEN


class User(Base):
    """A person with one login; email unique across the installation, kept lower-case."""

    __tablename__ = "users"

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer credential: an API token (``kind`` 'api') or a browser session's id
    ('session'); only the SHA-256 of the secret is stored. Neither kind is accepted in the
    other's place (docs/adr/0021)."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=API_TOKEN, server_default=API_TOKEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Kept to the minute, not per request (domain/tokens.is_stale_use).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Customer(Base):
    """A user registered in a store."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("store_id", "user_id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    user_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AdminPermission(Base):
    """One admin permission held by one customer in their store."""

    __tablename__ = "admin_permissions"

    customer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(32), primary_key=True)
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), index=True)
