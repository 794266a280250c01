"""Stores (tenants) and their per-store sequences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, JsonDocument, UTCDateTime, id_column, utcnow


class Store(Base):
    """One storefront (tenant) with its settings (see ``domain.store_settings``)."""

    __tablename__ = "stores"

    id: Mapped[str] = id_column()
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoreCounter(Base):
    """Per-store sequences (order numbers), advanced with an atomic UPDATE."""

    __tablename__ = "store_counters"

    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
