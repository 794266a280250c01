"""Orders and their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow


class Order(Base):
    """A checkout: lines, an optional purchasing group and its payment."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "number"),
        UniqueConstraint("store_id", "buyer_id", "idempotency_key"),
        Index("ix_orders_store_id_buyer_id", "store_id", "buyer_id"),
    )

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    number: Mapped[int] = mapped_column(BigInteger)
    buyer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"))
    placed_by: Mapped[str | None] = mapped_column(IdColumn)
    purchasing_group_id: Mapped[str | None] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    payment_status: Mapped[str] = mapped_column(String(24))
    payment_method: Mapped[str] = mapped_column(String(16))
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_number"),)

    id: Mapped[str] = id_column()
    order_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("orders.id"))
    line_number: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
