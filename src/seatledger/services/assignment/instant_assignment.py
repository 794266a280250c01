"""Instant assignment (rule 14): an available seat goes to an existing customer at once.

The busiest write of the API, so it runs as statements built once on the unit of work's Core
connection, reads each thing once and answers from what it holds (docs/adr/0014). The rules,
refusals, audit event, mail and counters are those of every other seat use case; the seat
still moves through ``db.seat_writes.transition``, the one writer of a seat's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import new_id, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Customer, Enrollment, Store, User
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import normalize_email
from seatledger.domain.enrollments import EnrollmentStatus
from seatledger.domain.errors import Conflict, Invalid
from seatledger.domain.money import format_amount
from seatledger.domain.seats import SeatMove
from seatledger.mail.outbox import queue_email_core
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.seating.seats import (
    AssignmentView,
    SeatView,
    ensure_may_assign,
    group_choice,
    visible_seat_core,
)
from seatledger.services.storefront.courses import course_of, product_by_sku

_LEARNER = (
    select(Customer.id, Customer.name)
    .join(User, User.id == Customer.user_id)
    .where(Customer.store_id == bindparam("store_id"), User.email == bindparam("email"))
)
_INSERT_ASSIGNMENT = insert(Assignment)
_INSERT_ENROLLMENT = insert(Enrollment)


@dataclass(frozen=True)
class InstantAssignment:
    """What an instant assignment changed: the seat's state and owner group, and its records."""

    status: str
    owner_group_id: str | None
    assignment: AssignmentView
    enrollment_id: str


def assign_instantly(
    connection: Connection,
    store: Store | access.StoreRef,
    actor: Actor,
    seat: Any,
    *,
    email: str,
    owner_group_id: str | None = None,
    course_sku: str | None = None,
) -> InstantAssignment:
    """Rule 14: the seat goes to an existing customer at once, as a live enrollment.

    ``seat`` is a loaded ``Seat`` (kept in step) or a row of ``visible_seat_core``; a caller
    working through an ORM session flushes it and passes ``session.connection()``.
    """
    address = normalize_email(email)
    learner = connection.execute(_LEARNER, {"store_id": store.id, "email": address}).first()
    if learner is None:
        raise Invalid(
            f"No customer with the email {address} is registered in this store; send a "
            "redemption link instead.",
            code="unknown_customer",
        )
    course = course_of(connection, seat.product_id)
    chosen = course.pick(course_sku)
    if chosen is None:
        raise Invalid(
            f"Choose the course for this seat: one of {', '.join(course.options)}.",
            code="course_required",
        )
    group = _group_choice(connection, store, actor, owner_group_id)
    to_group = seat.owner_group_id if group is seat_writes.UNCHANGED else group
    status = seat_writes.transition(connection, seat, SeatMove.ASSIGN, owner_group_id=group)
    course_product = (
        course.product
        if chosen == course.product.sku
        else product_by_sku(connection, store.id, chosen)
    )
    now = utcnow()
    assignment = AssignmentView(
        email=address,
        learner_id=learner.id,
        owner_group_id=to_group,
        mode="instant",
        status=AssignmentStatus.REDEEMED.value,
        course_sku=chosen,
        assigned_at=now,
        redeemed_at=now,
        link_expires_at=None,
    )
    assignment_id, enrollment_id = new_id(), new_id()
    connection.execute(
        _INSERT_ASSIGNMENT,
        {
            "id": assignment_id,
            "store_id": store.id,
            "seat_id": seat.id,
            "email": address,
            "learner_id": learner.id,
            "owner_group_id": to_group,
            "course_product_id": course_product.id,
            "mode": assignment.mode,
            "status": assignment.status,
            "assigned_by": actor.audit_id,
            "assigned_at": now,
            "redeemed_at": now,
            "enrollment_id": enrollment_id,
        },
    )
    _enroll(connection, seat, assignment_id, enrollment_id, learner.id, course_product.id)
    audit.record_core(
        connection,
        store_id=seat.store_id,
        actor=actor,
        action="seat.assigned",
        entity="seat",
        entity_id=seat.id,
        seat_id=seat.id,
        order_id=seat.order_id,
        group_id=to_group,
        learner_email=address,
        after={
            "status": status.value,
            "email": address,
            "owner_group_id": to_group,
            "course": chosen,
            "mode": "instant",
        },
    )
    queue_email_core(
        connection,
        store_id=store.id,
        to=address,
        template="assignment_notice",
        context={
            "store_name": store.name,
            "course_name": course_product.name,
            "learner_name": learner.name,
        },
    )
    return InstantAssignment(status.value, to_group, assignment, enrollment_id)


def _group_choice(
    connection: Connection, store: Any, actor: Actor, owner_group_id: str | None
) -> Any:
    if owner_group_id is None:
        return seat_writes.UNCHANGED
    # Rare (the call names an owner group): the ORM checks, in this transaction.
    with Session(bind=connection) as session:
        return group_choice(session, store, actor, owner_group_id)


def _enroll(
    connection: Any,
    seat: Any,
    assignment_id: str,
    enrollment_id: str,
    customer_id: str,
    course_product_id: str,
) -> None:
    """A live enrollment for the learner; 409 ``already_enrolled`` when one is live (rule 17).

    No savepoint: the refusal ends the whole use case, whose transaction rolls back.
    """
    try:
        connection.execute(
            _INSERT_ENROLLMENT,
            {
                "id": enrollment_id,
                "store_id": seat.store_id,
                "customer_id": customer_id,
                "product_id": course_product_id,
                "seat_id": seat.id,
                "assignment_id": assignment_id,
                "status": EnrollmentStatus.NOT_STARTED.value,
            },
        )
    except IntegrityError:
        raise Conflict(
            "This learner already has a live enrollment in this course.", code="already_enrolled"
        ) from None


def assign_seat(
    db: Database,
    caller: str | None,
    store_slug: str,
    seat_id: str,
    *,
    email: str,
    owner_group_id: str | None = None,
    course_sku: str | None = None,
) -> SeatView:
    """Give an available seat to an existing customer at once (404 if invisible, 403 if only
    seen); the answer is built from what the transaction read and wrote."""
    with db.write_core() as connection:
        store, actor = access.enter_store_core(connection, caller, store_slug)
        seat = visible_seat_core(connection, store.id, actor, seat_id)
        lineage = seat.lineage.split(",") if seat.lineage else []
        ensure_may_assign(connection, actor, seat, lineage=lineage)
        done = assign_instantly(
            connection,
            store,
            actor,
            seat,
            email=email,
            owner_group_id=owner_group_id,
            course_sku=course_sku,
        )
    return SeatView(
        id=seat.id,
        status=done.status,
        owner_group_id=done.owner_group_id,
        order_id=seat.order_id,
        order_line_id=seat.order_line_id,
        product_id=seat.product_id,
        sku=seat.sku,
        price=format_amount(seat.price_minor, seat.currency),
        currency=seat.currency,
        buyer_id=seat.buyer_id,
        redeem_by=seat.redeem_by,
        created_at=seat.created_at,
        updated_at=seat.updated_at,  # as read before the move, as it always answered (ADR 0014)
        assignment=done.assignment,
        enrollment_id=done.enrollment_id,
    )
