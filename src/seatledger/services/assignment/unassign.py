"""Taking a seat back from its learner (rules 20-21): the assignment ends, the enrollment ends
with the outcome the actor chose, the seat is available again. Also the shared steps that end
assignments and enrollments for returns (``services/refunding/returns``) and transfers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.models import Assignment, Enrollment, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import LIVE as LIVE_ASSIGNMENTS
from seatledger.domain.assignments import AssignmentStatus
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
from seatledger.services.audit_trail import audit
from seatledger.services.storefront.stores import settings_of


def live_assignment(session: Session, seat_id: str) -> Assignment | None:
    return session.scalar(
        select(Assignment).where(
            Assignment.seat_id == seat_id, Assignment.status.in_(LIVE_ASSIGNMENTS)
        )
    )


def record_seat_event(
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


def end_assignment(
    session: Session, assignment: Assignment, status: str, *, from_status: str
) -> None:
    changed = changed_rows(
        session.execute(
            update(Assignment)
            .where(Assignment.id == assignment.id, Assignment.status == from_status)
            .values(status=status, ended_at=utcnow())
        )
    )
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
    record_seat_event(
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
        changed = changed_rows(
            session.execute(
                delete(Enrollment)
                .where(Enrollment.id == enrollment.id, live)
                .execution_options(synchronize_session=False)
            )
        )
    else:
        now = utcnow()
        changed = changed_rows(
            session.execute(
                update(Enrollment)
                .where(Enrollment.id == enrollment.id, live)
                .values(status=OUTCOME_STATUS[outcome].value, ended_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        )
    if changed != 1:
        raise Conflict(
            f"Enrollment {enrollment.id} was completed or ended meanwhile.",
            code="enrollment_completed",
        )
    session.expire(enrollment)
