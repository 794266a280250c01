"""Tables of seatledger. Every record but users belongs to exactly one store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


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
    """An API token; only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Store(Base):
    """One storefront (tenant) with its settings (see ``domain.store_settings``)."""

    __tablename__ = "stores"

    id: Mapped[str] = id_column()
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class PurchasingGroup(Base):
    """An organization unit that owns seats; groups form a tree inside a store."""

    __tablename__ = "purchasing_groups"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupClosure(Base):
    """Every (ancestor, descendant) pair of the group tree, a group being its own ancestor."""

    __tablename__ = "group_closure"
    __table_args__ = (Index("ix_group_closure_descendant", "descendant_id", "ancestor_id"),)

    ancestor_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), primary_key=True
    )
    descendant_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), primary_key=True
    )
    depth: Mapped[int] = mapped_column(Integer)


class AgentGrant(Base):
    """The agent role of one customer on one group (and so on its descendants)."""

    __tablename__ = "agent_grants"
    __table_args__ = (UniqueConstraint("group_id", "customer_id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), index=True)
    group_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("purchasing_groups.id"))
    customer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(IdColumn)


class AuditEvent(Base):
    """An append-only record of one change: who, when, what, before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_store_id_id", "store_id", "id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("stores.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(IdColumn, index=True)
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


class StoreCounter(Base):
    """Per-store sequences (order numbers), advanced with an atomic UPDATE."""

    __tablename__ = "store_counters"

    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Product(Base):
    """Something sold: a fixed product is one course; an open-ended one offers a choice."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("store_id", "sku"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductOption(Base):
    """A fixed product that a seat of an open-ended product may become."""

    __tablename__ = "product_options"

    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"), primary_key=True)
    option_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"), primary_key=True)


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


class Seat(Base):
    """One unit of a paid order line (an invoice item), owned by a purchasing group or none."""

    __tablename__ = "seats"
    __table_args__ = (
        # Capacity per group, product and state is answered from this index alone.
        Index("ix_seats_capacity", "owner_group_id", "product_id", "status"),
        Index("ix_seats_store_id_status", "store_id", "status"),
        Index("ix_seats_order_id", "order_id"),
        Index("ix_seats_buyer_ungrouped", "buyer_id", "owner_group_id"),
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


LIVE_ASSIGNMENT = "status IN ('pending', 'redeemed')"
LIVE_ENROLLMENT = "status IN ('not_started', 'in_progress')"


class Assignment(Base):
    """One seat given to one learner, instantly or through an emailed redemption link.

    It copies the seat's owner group at the time it is made. At most one assignment per seat
    is live (``pending`` link or ``redeemed``): a partial unique index makes sure of it.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        Index(
            "uq_assignments_live_seat", "seat_id", unique=True,
            sqlite_where=text(LIVE_ASSIGNMENT), postgresql_where=text(LIVE_ASSIGNMENT),
        ),
        Index("ix_assignments_store_id_email", "store_id", "email"),
    )  # fmt: skip

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    seat_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("seats.id"))
    email: Mapped[str] = mapped_column(String(320))
    learner_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("customers.id"))
    owner_group_id: Mapped[str | None] = mapped_column(IdColumn)
    course_product_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("products.id"))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str | None] = mapped_column(Text)
    assigned_by: Mapped[str | None] = mapped_column(IdColumn)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    enrollment_id: Mapped[str | None] = mapped_column(IdColumn)


class Enrollment(Base):
    """A learner's access to a course, made by redeeming a seat.

    A learner has at most one live (not_started or in_progress) enrollment per course.
    """

    __tablename__ = "enrollments"
    __table_args__ = (
        Index(
            "uq_enrollments_live_course", "customer_id", "product_id", unique=True,
            sqlite_where=text(LIVE_ENROLLMENT), postgresql_where=text(LIVE_ENROLLMENT),
        ),
        Index("ix_enrollments_seat_id", "seat_id"),
    )  # fmt: skip

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    customer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"))
    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"))
    seat_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("seats.id"))
    assignment_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("assignments.id"))
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """An email waiting for (or done with) delivery; written in the transaction of its cause."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str | None] = mapped_column(IdColumn, ForeignKey("stores.id"))
    template: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


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
