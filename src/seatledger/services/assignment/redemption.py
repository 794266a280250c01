"""Redemption links from the learner's side: preview and redeem (rules 15-18)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db.base import utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Customer, Enrollment, Seat, Store, User
from seatledger.domain.actor import Actor
from seatledger.domain.assignment_plan import Mode, Request
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import mask_email
from seatledger.domain.errors import (
    Conflict,
    Gone,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from seatledger.domain.products import ProductKind
from seatledger.domain.tokens import hash_token
from seatledger.services.assignment import handout
from seatledger.services.assignment.enrollments import EnrollmentView, enrollment_view
from seatledger.services.rate_limiting import ClientLimits
from seatledger.services.storefront.courses import course_by_id, course_of


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


def _link(session: Session, token: str, *, lock: bool = False) -> Assignment:
    """The link of a token; ``lock`` holds its row (PostgreSQL) until the transaction ends, so
    a parallel redemption of the same link waits and then reads it used (``link_used``)
    rather than the enrollment the winner made (``already_enrolled``)."""
    query = select(Assignment).where(Assignment.token_hash == hash_token(token))
    assignment = session.scalar(query.with_for_update() if lock else query)
    if assignment is None:
        raise NotFound("This redemption link is not one we sent.", code="link_not_found")
    return assignment


_LINK_STATES: dict[AssignmentStatus, str] = {
    AssignmentStatus.REDEEMED: "used",
    AssignmentStatus.ENDED: "used",
    AssignmentStatus.CANCELLED: "cancelled",
    AssignmentStatus.EXPIRED: "expired",
}


def link_status(assignment: Assignment, now: datetime) -> str:
    """pending, used, cancelled or expired, as the learner should understand it."""
    if assignment.status == AssignmentStatus.PENDING:
        expired = assignment.link_expires_at is not None and assignment.link_expires_at <= now
        return "expired" if expired else "pending"
    return _LINK_STATES.get(AssignmentStatus(assignment.status), assignment.status)


def preview(db: Database, token: str, *, limits: ClientLimits | None = None) -> RedemptionPreview:
    """What a link offers, for anyone holding it; the address is shown masked only. With
    ``limits``, an address that tried too many unknown links is refused (rule 47)."""
    with limits.looking_up_link() if limits else nullcontext(), db.read() as session:
        assignment = _link(session, token)
        store = session.get(Store, assignment.store_id)
        seat = session.get(Seat, assignment.seat_id)
        assert store is not None and seat is not None
        course = course_of(session, seat.product_id)
        fixed = course_by_id(session, assignment.course_product_id)  # chosen by the sender
        return RedemptionPreview(
            store=store.slug,
            store_name=store.name,
            sku=course.product.sku,
            course_name=course.product.name,
            course_options=course.option_skus
            if course.product.kind == ProductKind.OPEN_ENDED
            else None,
            course_sku=fixed.sku if fixed else None,
            email_masked=mask_email(assignment.email),
            status=link_status(assignment, utcnow()),
            expires_at=assignment.link_expires_at,
        )


REFUSALS = {
    "used": ("This link has already been used.", "link_used"),
    "cancelled": ("This link was cancelled by the sender.", "link_cancelled"),
    "expired": ("This link has expired; ask the sender for a new one.", "link_expired"),
}


def redeem(
    db: Database,
    caller: str | None,
    token: str,
    *,
    course_sku: str | None = None,
    limits: ClientLimits | None = None,
) -> EnrollmentView:
    """Rule 16: only the signed-in customer whose email the link was sent to redeems it."""
    with limits.looking_up_link() if limits else nullcontext(), db.write() as session:
        assignment = _link(session, token, lock=True)
        status = link_status(assignment, utcnow())
        if status in REFUSALS:
            message, code = REFUSALS[status]
            raise Gone(message, code=code)
        store = session.get(Store, assignment.store_id)
        seat = session.get(Seat, assignment.seat_id)
        assert store is not None and seat is not None
        learner = _intended_learner(session, caller, store, assignment)
        course = course_of(session, seat.product_id)
        fixed = course_by_id(session, assignment.course_product_id)  # chosen by the sender
        picked = course.pick(fixed.sku if fixed else course_sku)
        facts = handout.learners(
            session, store.id, [assignment.email], picked.id if picked else None
        )
        request = Request(
            seat=seat,
            email=assignment.email,
            mode=Mode.REDEEM,
            course=course,
            course_sku=picked.sku if picked else None,
            learner=facts.get(assignment.email),
            assignment_id=assignment.id,
            token=token,
        )
        actor = Actor(user_id=caller, customer_id=learner.id)
        ((_, written),) = handout.give(session.connection(), store, actor, [request])
        enrollment = session.get(Enrollment, written.enrollment_id)
        assert enrollment is not None
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
