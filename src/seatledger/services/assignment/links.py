"""Redemption links once they are out (rule 15): resend (a fresh token, the old one dead) and
cancel (the seat is available again). Sending a link is a hand-out (``handout.give_one``)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.models import Assignment, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.errors import Conflict
from seatledger.domain.seats import SeatMove
from seatledger.domain.tokens import hash_token, new_token
from seatledger.mail.outbox import queue_email
from seatledger.services.assignment.handout import link_ttl, sender_name
from seatledger.services.assignment.unassign import (
    end_assignment,
    live_assignment,
    record_seat_event,
)
from seatledger.services.storefront.courses import course_by_id, course_of


def pending_link(session: Session, seat: Seat) -> Assignment:
    assignment = live_assignment(session, seat.id)
    if assignment is None or assignment.status != AssignmentStatus.PENDING:
        raise Conflict(f"Seat {seat.id} has no redemption link out.", code="no_pending_link")
    return assignment


def resend_link(
    session: Session, store: Store, actor: Actor, seat: Seat, *, base_url: str
) -> Assignment:
    """Rule 15: a fresh token and expiry for the same seat and address; the old token dies."""
    assignment = pending_link(session, seat)
    now = utcnow()
    token, expires_at = new_token(), now + link_ttl(store)
    changed = changed_rows(
        session.execute(
            update(Assignment)
            .where(Assignment.id == assignment.id, Assignment.status == AssignmentStatus.PENDING)
            # A fresh link: its reminders count from now (rule 33, docs/adr/0027).
            .values(
                token_hash=hash_token(token),
                link_expires_at=expires_at,
                link_sent_at=now,
                reminder_day=0,
                last_reminded_at=None,
            )
        )
    )
    if changed != 1:
        raise Conflict(f"Seat {seat.id} has no redemption link out.", code="no_pending_link")
    session.refresh(assignment)
    record_seat_event(
        session,
        actor,
        seat,
        "seat.link_resent",
        assignment.email,
        after={"link_expires_at": expires_at.isoformat()},
    )
    chosen = course_by_id(session, assignment.course_product_id)
    course_name = chosen.name if chosen else course_of(session, seat.product_id).product.name
    queue_email(
        session,
        store_id=store.id,
        to=assignment.email,
        template="redemption_link",
        context={
            "store_name": store.name,
            "course_name": course_name,
            "link_url": f"{base_url.rstrip('/')}/redeem/{token}",
            "expires_at": expires_at.strftime("%d %B %Y"),
            "sender_name": sender_name(session, actor),
            "message": assignment.message,
        },
    )
    return assignment


def cancel_link(
    session: Session, store: Store, actor: Actor, seat: Seat, *, notify: bool = True
) -> None:
    """Rule 15: the link dies and the seat is available again; the learner is told unless
    ``notify`` is false (an erased person gets no more mail, rule 49)."""
    assignment = pending_link(session, seat)
    end_assignment(
        session, assignment, AssignmentStatus.CANCELLED, from_status=AssignmentStatus.PENDING
    )
    seat_writes.transition(session, seat, SeatMove.CANCEL_LINK)
    record_seat_event(
        session,
        actor,
        seat,
        "seat.link_cancelled",
        assignment.email,
        before={"email": assignment.email},
        after={"status": seat.status},
    )
    if not notify:
        return
    queue_email(
        session,
        store_id=store.id,
        to=assignment.email,
        template="link_cancelled",
        context={
            "store_name": store.name,
            "course_name": course_of(session, seat.product_id).product.name,
        },
    )
