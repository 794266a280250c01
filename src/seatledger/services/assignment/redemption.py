"""Redemption links from the learner's side: preview and redeem (rules 15-18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Customer, Product, Seat, Store, User
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import mask_email
from seatledger.domain.errors import (
    Conflict,
    Gone,
    Invalid,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from seatledger.domain.seats import SeatMove
from seatledger.services.assignment.assignments import enroll
from seatledger.services.assignment.enrollments import EnrollmentView, enrollment_view
from seatledger.services.audit_trail import audit
from seatledger.services.people.access import hash_token
from seatledger.services.storefront.courses import course_of, product_by_sku


@dataclass(frozen=True)
class RedemptionPreview:
    store: str
    store_name: str
    sku: str
    course_name: str
    course_options: list[str] | None
    course_sku: str | None
    email_masked: str
    status: str
    expires_at: datetime | None


def _link(session: Session, token: str) -> Assignment:
    assignment = session.scalar(
        select(Assignment).where(Assignment.token_hash == hash_token(token))
    )
    if assignment is None:
        raise NotFound("This redemption link is not one we sent.", code="link_not_found")
    return assignment


def link_status(assignment: Assignment, now: datetime) -> str:
    """pending, used, cancelled or expired, as the learner should understand it."""
    if assignment.status == AssignmentStatus.PENDING:
        expired = assignment.link_expires_at is not None and assignment.link_expires_at <= now
        return "expired" if expired else "pending"
    return {
        AssignmentStatus.REDEEMED: "used",
        AssignmentStatus.ENDED: "used",
        AssignmentStatus.CANCELLED: "cancelled",
        AssignmentStatus.EXPIRED: "expired",
    }.get(assignment.status, assignment.status)


def preview(db: Database, token: str) -> RedemptionPreview:
    """What a link offers, for anyone holding it; the address is shown masked only."""
    with db.read() as session:
        assignment = _link(session, token)
        store = session.get(Store, assignment.store_id)
        seat = session.get(Seat, assignment.seat_id)
        assert store is not None and seat is not None
        course = course_of(session, seat.product_id)
        chosen = None
        if assignment.course_product_id:
            chosen = _sku_of(session, assignment.course_product_id)
        return RedemptionPreview(
            store=store.slug,
            store_name=store.name,
            sku=course.product.sku,
            course_name=course.product.name,
            course_options=course.options if course.product.kind == "open_ended" else None,
            course_sku=chosen,
            email_masked=mask_email(assignment.email),
            status=link_status(assignment, utcnow()),
            expires_at=assignment.link_expires_at,
        )


def _sku_of(session: Session, product_id: str) -> str | None:
    product = session.get(Product, product_id)
    return product.sku if product else None


REFUSALS = {
    "used": ("This link has already been used.", "link_used"),
    "cancelled": ("This link was cancelled by the sender.", "link_cancelled"),
    "expired": ("This link has expired; ask the sender for a new one.", "link_expired"),
}


def redeem(
    db: Database, caller: str | None, token: str, *, course_sku: str | None = None
) -> EnrollmentView:
    """Rule 16: only the signed-in customer whose email the link was sent to redeems it."""
    with db.write() as session:
        assignment = _link(session, token)
        status = link_status(assignment, utcnow())
        if status in REFUSALS:
            message, code = REFUSALS[status]
            raise Gone(message, code=code)
        store = session.get(Store, assignment.store_id)
        assert store is not None
        learner = _intended_learner(session, caller, store, assignment)
        seat = session.get(Seat, assignment.seat_id)
        assert seat is not None
        course = course_of(session, seat.product_id)
        chosen = course.pick(course_sku) if assignment.course_product_id is None else None
        course_product_id = assignment.course_product_id or (
            product_by_sku(session, store.id, chosen).id if chosen else None
        )
        if course_product_id is None:
            raise Invalid(
                f"Choose your course: one of {', '.join(course.options)}.", code="course_required"
            )
        claimed = session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment.id,
                Assignment.status == AssignmentStatus.PENDING,
                Assignment.token_hash == hash_token(token),  # not replaced by a resend meanwhile
                Assignment.link_expires_at > utcnow(),
            )
            .values(
                status=AssignmentStatus.REDEEMED,
                learner_id=learner.id,
                redeemed_at=utcnow(),
                course_product_id=course_product_id,
            )
        ).rowcount
        if claimed != 1:  # a parallel redemption of the same token won
            raise Gone(REFUSALS["used"][0], code="link_used")
        session.refresh(assignment)
        seat_writes.transition(session, seat, SeatMove.REDEEM)
        enrollment = enroll(
            session,
            seat=seat,
            assignment=assignment,
            customer_id=learner.id,
            course_product_id=course_product_id,
        )
        actor = Actor(user_id=caller, customer_id=learner.id)
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="seat.redeemed",
            entity="seat",
            entity_id=seat.id,
            seat_id=seat.id,
            order_id=seat.order_id,
            group_id=seat.owner_group_id,
            learner_email=assignment.email,
            after={"status": seat.status, "enrollment_id": enrollment.id},
        )
        return enrollment_view(session, enrollment)


def _intended_learner(
    session: Session, caller: str | None, store: Store, assignment: Assignment
) -> Customer:
    """The caller's customer record, made on the spot if the intended user is not one yet."""
    if caller is None:
        raise Unauthenticated("Sign in as the person this link was sent to.")
    user = session.get(User, caller)
    if user is None or user.email != assignment.email:
        raise PermissionDenied(
            "This link was sent to someone else; sign in with the address it was sent to.",
            code="not_intended_recipient",
        )
    customer = session.scalar(
        select(Customer).where(Customer.store_id == store.id, Customer.user_id == user.id)
    )
    if customer is None:
        customer = Customer(store_id=store.id, user_id=user.id, name=user.name)
        add_unique(session, customer, Conflict("Try again.", code="customer_race"))
    return customer
