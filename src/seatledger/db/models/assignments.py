"""Assignments of seats to learners, and the enrollments they make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow

# The rows the partial unique indexes below cover (``domain.assignments.LIVE``, and the
# live enrollments of ``domain.enrollments``).
LIVE_ASSIGNMENT = "status IN ('pending', 'redeemed')"
LIVE_ENROLLMENT = "status IN ('not_started', 'in_progress')"
PENDING_LINK = "status = 'pending'"


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
        # The reminder pass and the expiry pass read pending links only (rule 33).
        Index(
            "ix_assignments_pending_sent", "store_id", "link_sent_at",
            sqlite_where=text(PENDING_LINK), postgresql_where=text(PENDING_LINK),
        ),
        Index(
            "ix_assignments_pending_expiry", "link_expires_at",
            sqlite_where=text(PENDING_LINK), postgresql_where=text(PENDING_LINK),
        ),
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
    # Rule 33: when the link now out was mailed (the hand-out or the last resend), the day
    # after it of the last reminder sent (0: none yet), and when that reminder was queued.
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_day: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
