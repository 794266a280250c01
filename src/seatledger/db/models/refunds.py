"""Refunds, and return requests with their seats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, JsonDocument, UTCDateTime, id_column, utcnow


class Refund(Base):
    """Money given back for seats that left the pool (rule 24)."""

    __tablename__ = "refunds"

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("orders.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    seat_ids: Mapped[list[str]] = mapped_column(JsonDocument)
    note: Mapped[str | None] = mapped_column(Text)
    external_action_required: Mapped[bool] = mapped_column(Boolean, default=False)
    gateway_reference: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(IdColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnRequest(Base):
    """An agent's request to take seats back, with or without a refund, decided by an admin."""

    __tablename__ = "return_requests"
    __table_args__ = (Index("ix_return_requests_store_id_status", "store_id", "status"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    requester_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    refund: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(IdColumn)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnRequestSeat(Base):
    """A seat of a return request and the state it goes back to if the request is denied."""

    __tablename__ = "return_request_seats"

    request_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("return_requests.id"), primary_key=True
    )
    seat_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("seats.id"), primary_key=True)
    previous_status: Mapped[str] = mapped_column(String(16))
