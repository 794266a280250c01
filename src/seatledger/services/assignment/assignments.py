"""Giving seats to learners, one seat per call: assign now, email a link, resend or cancel it,
unassign, transfer (rules 13-21).

Each function is one transaction on a seat the caller may assign (404 when they cannot see it,
403 when they only see it). Hand-outs go through the one assignment path (``handout``); every
seat move through ``db.seat_writes``, a conditional UPDATE, so concurrent requests on one
seat have exactly one winner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from seatledger.db.assignment_writer import Written
from seatledger.db.engine import Database
from seatledger.db.models import Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.assignment_plan import Handout, Mode
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.domain.money import format_amount
from seatledger.domain.visibility import ensure_may_assign_seat
from seatledger.services.assignment import handout, links
from seatledger.services.assignment.unassign import live_assignment, unassign
from seatledger.services.people import access
from seatledger.services.seating.seats import (
    AssignmentView,
    SeatView,
    ensure_may_assign,
    seat_view,
    visible_seat,
    visible_seat_core,
)
from seatledger.services.storefront.courses import course_by_id


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
    """Rule 14: give an available seat to an existing customer at once, as an enrollment."""
    return _hand_out(
        db,
        caller,
        store_slug,
        seat_id,
        Mode.INSTANT,
        email=email,
        owner_group_id=owner_group_id,
        course_sku=course_sku,
    )


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
    """Rules 14-15: email a redemption link for an available seat to any address."""
    return _hand_out(
        db,
        caller,
        store_slug,
        seat_id,
        Mode.EMAIL,
        email=email,
        base_url=base_url,
        message=message,
        owner_group_id=owner_group_id,
        course_sku=course_sku,
    )


def _hand_out(
    db: Database, caller: str | None, store_slug: str, seat_id: str, mode: Mode, **request: Any
) -> SeatView:
    """The busiest write of the API: prebuilt statements on a Core connection, the answer built
    from what the transaction read and wrote (docs/adr/0014)."""
    with db.write_core() as connection:
        store, actor = access.enter_store_core(connection, caller, store_slug)
        seat = visible_seat_core(connection, store.id, actor, seat_id)
        lineage = seat.lineage.split(",") if seat.lineage else []
        ensure_may_assign_seat(actor, lineage=lineage, buyer_id=seat.buyer_id)
        done, written = handout.give_one(connection, store, actor, seat, mode, **request)
    return _answer(seat, done, written)


def _answer(seat: Any, done: Handout, written: Written) -> SeatView:
    instant = done.mode is Mode.INSTANT
    return SeatView(
        id=seat.id,
        status=done.status.value,
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
        assignment=AssignmentView(
            email=done.email,
            learner_id=done.learner.customer_id if instant and done.learner else None,
            owner_group_id=done.owner_group_id,
            mode=done.mode.value,
            status=done.assignment_status.value,
            course_sku=done.course.sku if done.course else None,
            assigned_at=written.at,
            redeemed_at=written.at if instant else None,
            link_expires_at=done.link_expires_at,
        ),
        enrollment_id=written.enrollment_id,
    )


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


def resend_redemption_link(
    db: Database, caller: str | None, store_slug: str, seat_id: str, *, base_url: str
) -> SeatView:
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        links.resend_link(session, store, actor, seat, base_url=base_url)
        return seat_view(session, seat)


def cancel_redemption_link(
    db: Database, caller: str | None, store_slug: str, seat_id: str
) -> SeatView:
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        links.cancel_link(session, store, actor, seat)
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
    """Unassign and hand out again, atomically: either both happen or neither.

    The new learner gets the same course as the old one unless ``course_sku`` says otherwise.
    """
    with _assigner_seat(db, caller, store_slug, seat_id) as (session, store, actor, seat):
        previous = live_assignment(session, seat.id)
        if course_sku is None and previous is not None:
            course = course_by_id(session, previous.course_product_id)
            course_sku = course.sku if course else None
        unassign(session, store, actor, seat, outcome=outcome, reason="transfer")
        session.flush()  # the unassign's ORM changes go out before the hand-out's statements
        handout.give_one(
            session.connection(),
            store,
            actor,
            seat,
            Mode(mode),
            email=email,
            course_sku=course_sku,
            base_url=base_url,
        )
        session.expire(seat)
        return seat_view(session, seat)
