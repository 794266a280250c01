"""Giving seats to learners: instant assignment, redemption links, unassign and transfer.

Rules 13-21 of SPEC.md. Every function is one transaction; the seat moves through
``db.seat_writes.transition`` (a conditional UPDATE), so concurrent requests on one seat
have exactly one winner, and the partial unique indexes on live assignments and live
enrollments back that up in the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import new_id, utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Customer, Enrollment, Product, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import LIVE as LIVE_ASSIGNMENTS
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import normalize_email
from seatledger.domain.enrollments import (
    LIVE,
    OUTCOME_STATUS,
    EnrollmentStatus,
    UnassignOutcome,
    ensure_unassignable,
)
from seatledger.domain.errors import Conflict, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatMove, SeatStatus, next_status
from seatledger.mail.outbox import queue_email
from seatledger.services.assignment.instant_assignment import assign_instantly
from seatledger.services.assignment.instant_assignment import (
    assign_seat as assign_seat,  # the use case
)
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.people.access import hash_token
from seatledger.services.seating.seats import (
    SeatView,
    ensure_may_assign,
    group_choice,
    seat_view,
    visible_seat,
)
from seatledger.services.storefront.courses import Course, course_of, product_by_sku
from seatledger.services.storefront.stores import settings_of


def live_assignment(session: Session, seat_id: str) -> Assignment | None:
    return session.scalar(
        select(Assignment).where(
            Assignment.seat_id == seat_id, Assignment.status.in_(LIVE_ASSIGNMENTS)
        )
    )


def _record(
    session: Session, actor: Actor, seat: Seat, action: str, email: str | None, **change: Any
) -> None:
    """Every assignment event records the seat's owner group at that moment."""
    audit.record(
        session,
        store_id=seat.store_id,
        actor=actor,
        action=action,
        entity="seat",
        entity_id=seat.id,
        seat_id=seat.id,
        order_id=seat.order_id,
        group_id=seat.owner_group_id,
        learner_email=email,
        **change,
    )


def enroll(
    session: Session,
    *,
    seat: Seat,
    assignment: Assignment,
    customer_id: str,
    course_product_id: str,
) -> Enrollment:
    """A live enrollment for the learner; 409 ``already_enrolled`` when one is live (rule 17)."""
    enrollment = Enrollment(
        id=new_id(),
        store_id=seat.store_id,
        customer_id=customer_id,
        product_id=course_product_id,
        seat_id=seat.id,
        assignment_id=assignment.id,
        status=EnrollmentStatus.NOT_STARTED.value,
    )
    add_unique(
        session,
        enrollment,
        Conflict(
            "This learner already has a live enrollment in this course.", code="already_enrolled"
        ),
    )
    assignment.enrollment_id = enrollment.id
    return enrollment


def send_link(
    session: Session,
    store: Store,
    actor: Actor,
    seat: Seat,
    *,
    email: str,
    base_url: str,
    message: str | None = None,
    owner_group_id: str | None = None,
    course_sku: str | None = None,
) -> Assignment:
    """Rule 14-15: email a redemption link to any address; the seat awaits its redemption."""
    address = normalize_email(email)
    course = course_of(session, seat.product_id)
    chosen = course.pick(course_sku)
    group = group_choice(session, store, actor, owner_group_id)
    seat_writes.transition(session, seat, SeatMove.SEND_LINK, owner_group_id=group)
    token, expires_at = _new_token(store)
    course_product_id = product_by_sku(session, store.id, chosen).id if chosen else None
    assignment = Assignment(
        id=new_id(),
        store_id=store.id,
        seat_id=seat.id,
        email=address,
        owner_group_id=seat.owner_group_id,
        course_product_id=course_product_id,
        mode="email",
        status=AssignmentStatus.PENDING,
        token_hash=hash_token(token),
        link_expires_at=expires_at,
        message=message,
        assigned_by=actor.audit_id,
    )
    session.add(assignment)
    _record(
        session,
        actor,
        seat,
        "seat.link_sent",
        address,
        after={
            "status": seat.status,
            "email": address,
            "owner_group_id": seat.owner_group_id,
            "course": chosen,
            "link_expires_at": expires_at.isoformat(),
        },
    )
    _mail_link(session, store, actor, course, chosen, address, token, expires_at, message, base_url)
    return assignment


def _new_token(store: Store) -> tuple[str, datetime]:
    """At least 128 random bits (here 256); only the SHA-256 of the token is stored."""
    ttl = timedelta(days=settings_of(store).redemption_link_ttl_days)
    return secrets.token_urlsafe(32), utcnow() + ttl


def _mail_link(
    session: Session,
    store: Store,
    actor: Actor,
    course: Course,
    chosen: str | None,
    address: str,
    token: str,
    expires_at: datetime,
    message: str | None,
    base_url: str,
) -> None:
    course_name = product_by_sku(session, store.id, chosen).name if chosen else course.product.name
    sender_name = None
    if actor.customer_id is not None:
        sender = session.get(Customer, actor.customer_id)
        sender_name = sender.name if sender else None
    queue_email(
        session,
        store_id=store.id,
        to=address,
        template="redemption_link",
        context={
            "store_name": store.name,
            "course_name": course_name,
            "link_url": f"{base_url.rstrip('/')}/redeem/{token}",
            "expires_at": expires_at.strftime("%d %B %Y"),
            "sender_name": sender_name,
            "message": message,
        },
    )


def _pending_link(session: Session, seat: Seat) -> Assignment:
    assignment = live_assignment(session, seat.id)
    if assignment is None or assignment.status != AssignmentStatus.PENDING:
        raise Conflict(f"Seat {seat.id} has no redemption link out.", code="no_pending_link")
    return assignment


def resend_link(
    session: Session, store: Store, actor: Actor, seat: Seat, *, base_url: str
) -> Assignment:
    """Rule 15: a fresh token and expiry for the same seat and address; the old token dies."""
    assignment = _pending_link(session, seat)
    token, expires_at = _new_token(store)
    changed = session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.status == AssignmentStatus.PENDING)
        .values(token_hash=hash_token(token), link_expires_at=expires_at)
    ).rowcount
    if changed != 1:
        raise Conflict(f"Seat {seat.id} has no redemption link out.", code="no_pending_link")
    session.refresh(assignment)
    _record(
        session,
        actor,
        seat,
        "seat.link_resent",
        assignment.email,
        after={"link_expires_at": expires_at.isoformat()},
    )
    course = course_of(session, seat.product_id)
    chosen = None
    if assignment.course_product_id:
        chosen_product = session.get(Product, assignment.course_product_id)
        chosen = chosen_product.sku if chosen_product else None
    _mail_link(
        session,
        store,
        actor,
        course,
        chosen,
        assignment.email,
        token,
        expires_at,
        assignment.message,
        base_url,
    )
    return assignment


def cancel_link(session: Session, store: Store, actor: Actor, seat: Seat) -> None:
    """Rule 15: the link dies and the seat is available again."""
    assignment = _pending_link(session, seat)
    end_assignment(
        session, assignment, AssignmentStatus.CANCELLED, from_status=AssignmentStatus.PENDING
    )
    seat_writes.transition(session, seat, SeatMove.CANCEL_LINK)
    _record(
        session,
        actor,
        seat,
        "seat.link_cancelled",
        assignment.email,
        before={"email": assignment.email},
        after={"status": seat.status},
    )
    course = course_of(session, seat.product_id)
    queue_email(
        session,
        store_id=store.id,
        to=assignment.email,
        template="link_cancelled",
        context={"store_name": store.name, "course_name": course.product.name},
    )


def end_assignment(
    session: Session, assignment: Assignment, status: str, *, from_status: str
) -> None:
    changed = session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.status == from_status)
        .values(status=status, ended_at=utcnow())
    ).rowcount
    if changed != 1:
        raise Conflict(
            "The assignment changed while this request was running.", code="seat_not_available"
        )


def unassign(
    session: Session,
    store: Store,
    actor: Actor,
    seat: Seat,
    *,
    outcome: UnassignOutcome,
    reason: str | None = None,
) -> None:
    """Rules 20-21: take an assigned seat back; its enrollment ends with ``outcome``."""
    if not actor.has(Permission.SEATS_MANAGE) and not settings_of(store).agents_may_unassign:
        raise PermissionDenied(
            "Agents cannot unassign seats in this store: file a return request instead.",
            code="return_request_required",
        )
    next_status(seat.id, SeatStatus(seat.status), SeatMove.UNASSIGN)  # only assigned seats
    assignment = live_assignment(session, seat.id)
    if assignment is None or assignment.status != AssignmentStatus.REDEEMED:
        raise Conflict(f"Seat {seat.id} has no learner to take it from.", code="seat_not_available")
    enrollment = (
        session.get(Enrollment, assignment.enrollment_id) if assignment.enrollment_id else None
    )
    if enrollment is not None:
        ensure_unassignable(enrollment.id, EnrollmentStatus(enrollment.status))
        end_enrollment(session, enrollment, assignment, outcome)
    end_assignment(
        session, assignment, AssignmentStatus.ENDED, from_status=AssignmentStatus.REDEEMED
    )
    seat_writes.transition(session, seat, SeatMove.UNASSIGN)
    _record(
        session,
        actor,
        seat,
        "seat.unassigned",
        assignment.email,
        before={"email": assignment.email, "enrollment_id": assignment.enrollment_id},
        after={"status": seat.status, "outcome": outcome.value, "reason": reason},
    )


def end_enrollment(
    session: Session, enrollment: Enrollment, assignment: Assignment, outcome: UnassignOutcome
) -> None:
    """Rule 20: expire (keep the record, end access), drop, or destroy a live enrollment.

    Conditional on the enrollment still being live, so a completion reported meanwhile wins
    and the unassign answers 409 instead of ending a completed course.
    """
    live = Enrollment.status.in_([s.value for s in LIVE])
    if outcome is UnassignOutcome.DESTROY:
        session.execute(
            update(Assignment).where(Assignment.id == assignment.id).values(enrollment_id=None)
        )
        changed = session.execute(
            delete(Enrollment)
            .where(Enrollment.id == enrollment.id, live)
            .execution_options(synchronize_session=False)
        ).rowcount
    else:
        now = utcnow()
        changed = session.execute(
            update(Enrollment)
            .where(Enrollment.id == enrollment.id, live)
            .values(status=OUTCOME_STATUS[outcome].value, ended_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    if changed != 1:
        raise Conflict(
            f"Enrollment {enrollment.id} was completed or ended meanwhile.",
            code="enrollment_completed",
        )
    session.expire(enrollment)


# --- use cases -----------------------------------------------------------------------------


@contextmanager
def _assigner_seat(
    db: Database, caller: str | None, store_slug: str, seat_id: str
) -> Iterator[tuple[Session, Store, Actor, Seat]]:
    """One transaction on a seat the caller may assign (404 if invisible, 403 if only seen)."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        seat = visible_seat(session, store, actor, seat_id)
        ensure_may_assign(session, actor, seat)
        yield session, store, actor, seat


def email_redemption_link(
    db: Database,
    caller: str | None,
    store_slug: str,
    seat_id: str,
    *,
    email: str,
    base_url: str,
    message: str | None = None,
    owner_group_id: str | None = None,
    course_sku: str | None = None,
) -> SeatView:
    """Email a redemption link for an available seat to any address."""
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        send_link(
            session,
            store,
            actor,
            seat,
            email=email,
            base_url=base_url,
            message=message,
            owner_group_id=owner_group_id,
            course_sku=course_sku,
        )
        return seat_view(session, seat)


def resend_redemption_link(
    db: Database, caller: str | None, store_slug: str, seat_id: str, *, base_url: str
) -> SeatView:
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        resend_link(session, store, actor, seat, base_url=base_url)
        return seat_view(session, seat)


def cancel_redemption_link(
    db: Database, caller: str | None, store_slug: str, seat_id: str
) -> SeatView:
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        cancel_link(session, store, actor, seat)
        return seat_view(session, seat)


def unassign_seat(
    db: Database,
    caller: str | None,
    store_slug: str,
    seat_id: str,
    *,
    outcome: UnassignOutcome,
    reason: str | None = None,
) -> SeatView:
    """Take an assigned seat back (``seats.manage``, or agents where the store allows it)."""
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        unassign(session, store, actor, seat, outcome=outcome, reason=reason)
        return seat_view(session, seat)


def transfer_seat(
    db: Database,
    caller: str | None,
    store_slug: str,
    seat_id: str,
    *,
    email: str,
    mode: str,
    outcome: UnassignOutcome,
    base_url: str,
    course_sku: str | None = None,
) -> SeatView:
    """Unassign and assign again, atomically: either both happen or neither.

    The new learner gets the same course as the old one unless ``course_sku`` says otherwise.
    """
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        previous = live_assignment(session, seat.id)
        if course_sku is None and previous is not None and previous.course_product_id:
            course_product = session.get(Product, previous.course_product_id)
            course_sku = course_product.sku if course_product else None
        unassign(session, store, actor, seat, outcome=outcome, reason="transfer")
        if mode == "instant":
            session.flush()  # the unassign's ORM changes go out before the Core statements
            assign_instantly(
                session.connection(), store, actor, seat, email=email, course_sku=course_sku
            )
        else:
            send_link(
                session, store, actor, seat, email=email, base_url=base_url, course_sku=course_sku
            )
        return seat_view(session, seat)
