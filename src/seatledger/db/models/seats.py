"""Seats, and the per-group counts kept in step with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow

AVAILABLE_BY_DATE = "status = 'available' AND redeem_by IS NOT NULL"


class Seat(Base):
    """One unit of a paid order line (an invoice item), owned by a purchasing group or none."""

    __tablename__ = "seats"
    __table_args__ = (
        # Capacity per group, product and state is answered from this index alone.
        Index("ix_seats_capacity", "owner_group_id", "product_id", "status"),
        Index("ix_seats_store_id_status", "store_id", "status"),
        Index("ix_seats_order_id", "order_id"),
        Index("ix_seats_buyer_ungrouped", "buyer_id", "owner_group_id"),
        # Unassigned seats with a redeem-by date: the expiry pass and the agents' warnings.
        Index(
            "ix_seats_available_redeem_by",
            "redeem_by",
            sqlite_where=text(AVAILABLE_BY_DATE),
            postgresql_where=text(AVAILABLE_BY_DATE),
        ),
    )

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("orders.id"))
    order_line_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("order_lines.id"))
    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"))
    buyer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"))
    owner_group_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("purchasing_groups.id"))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    redeem_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeatCount(Base):
    """How many seats a group owns per product and state, kept in step with ``seats``.

    Every seat write goes through ``db.seat_counts``, in the same transaction, so capacity
    reports read a few rows per group instead of counting seats (docs/adr/0009).
    """

    __tablename__ = "seat_counts"

    group_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), primary_key=True
    )
    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    seats: Mapped[int] = mapped_column(BigInteger, default=0)
