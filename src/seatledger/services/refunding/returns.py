"""Return requests (rules 20-23): agents ask to take seats back, admins decide."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import changed_rows, new_id, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import (
    Enrollment,
    Order,
    ReturnRequest,
    ReturnRequestSeat,
    Seat,
    Store,
)
from seatledger.db.pagination import DEFAULT_LIMIT, Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.enrollments import LIVE as LIVE_ENROLLMENTS
from seatledger.domain.enrollments import EnrollmentStatus, UnassignOutcome
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied, not_found
from seatledger.domain.permissions import Permission
from seatledger.domain.returns import (
    ReturnDecision,
    ReturnRequestStatus,
    already_decided,
    decision_for,
    from_states,
    next_status,
)
from seatledger.domain.seats import SeatMove, SeatStatus
from seatledger.mail.outbox import queue_email_to_customer
from seatledger.services.assignment.unassign import (
    end_assignment,
    end_enrollment,
    live_assignment,
)
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.refunding.refunds import refund_in_session
from seatledger.services.seating.seats import ensure_may_assign, visible_seat
from seatledger.services.storefront.stores import settings_of

MAX_SEATS = 1_000


@dataclass(frozen=True)
class ReturnRequestView:
    id: str
    status: str
    refund: bool
    reason: str
    comment: str | None
    seat_ids: list[str]
    requester_id: str
    decision: str | None
    note: str | None
    created_at: datetime
    decided_at: datetime | None


def request_view(session: Session, request: ReturnRequest) -> ReturnRequestView:
    """A return request as the API and the agent portal show it."""
    seat_ids = list(
        session.scalars(
            select(ReturnRequestSeat.seat_id).where(ReturnRequestSeat.request_id == request.id)
        )
    )
    return ReturnRequestView(
        id=request.id,
        status=request.status,
        refund=request.refund,
        reason=request.reason,
        comment=request.comment,
        seat_ids=sorted(seat_ids),
        requester_id=request.requester_id,
        decision=request.decision,
        note=request.note,
        created_at=request.created_at,
        decided_at=request.decided_at,
    )


def request_return(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    seat_ids: list[str] | None = None,
    order_id: str | None = None,
    refund: bool,
    reason: str,
    comment: str | None = None,
) -> ReturnRequestView:
    """Ask for seats back (available or assigned), listed or as a whole order."""
    if not reason.strip():
        raise Invalid("Give a reason for the return.", code="reason_required")
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        if actor.customer_id is None:  # an installation owner acting without a customer record
            raise PermissionDenied(
                "Return requests are filed by the store's customers; sign up in this store first.",
                code="not_a_customer",
            )
        settings = settings_of(store)
        if not settings.returns_enabled:
            raise Invalid("This store does not take returns.", code="returns_disabled")
        seats = _seats_to_return(session, store, actor, seat_ids, order_id)
        _check_window(session, seats, settings.return_window_days)
        request = ReturnRequest(
            id=new_id(),
            store_id=store.id,
            requester_id=actor.customer_id,
            status=ReturnRequestStatus.PENDING.value,
            refund=refund,
            reason=reason.strip(),
            comment=comment,
        )
        session.add(request)
        for seat in seats:
            if seat.status == SeatStatus.RETURN_PENDING:
                raise Conflict(
                    f"Seat {seat.id} already has a pending return request.", code="request_pending"
                )
            previous = seat.status
            seat_writes.transition(session, seat, SeatMove.REQUEST_RETURN)
            session.add(
                ReturnRequestSeat(request_id=request.id, seat_id=seat.id, previous_status=previous)
            )
            audit.record(
                session,
                store_id=store.id,
                actor=actor,
                action="seat.return_requested",
                entity="seat",
                entity_id=seat.id,
                seat_id=seat.id,
                order_id=seat.order_id,
                group_id=seat.owner_group_id,
                before={"status": previous},
                after={"status": seat.status, "request_id": request.id},
            )
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="return.requested",
            entity="return_request",
            entity_id=request.id,
            after={"seats": len(seats), "refund": refund, "reason": request.reason},
        )
        return request_view(session, request)


def _seats_to_return(
    session: Session, store: Store, actor: Actor, seat_ids: list[str] | None, order_id: str | None
) -> list[Seat]:
    if order_id is not None:
        ids = list(
            session.scalars(
                select(Seat.id)
                .where(
                    Seat.order_id == order_id,
                    Seat.store_id == store.id,
                    Seat.status.in_([SeatStatus.AVAILABLE.value, SeatStatus.ASSIGNED.value]),
                )
                .order_by(Seat.id)
            )
        )
    else:
        ids = list(dict.fromkeys(seat_ids or []))
    if not ids:
        raise Invalid(
            "Name the seats to return, or an order with seats to return.", code="seats_required"
        )
    if len(ids) > MAX_SEATS:
        raise Invalid(f"At most {MAX_SEATS:,} seats per request.", code="too_many_seats")
    seats = [visible_seat(session, store, actor, seat_id) for seat_id in ids]
    for seat in seats:
        ensure_may_assign(session, actor, seat)
    return seats


def _check_window(session: Session, seats: list[Seat], window_days: int) -> None:
    """Rule 22: within ``return_window_days`` of payment."""
    paid = dict(
        session.execute(
            select(Order.id, Order.paid_at).where(Order.id.in_({s.order_id for s in seats}))
        ).all()
    )
    now = utcnow()
    for order_id, paid_at in paid.items():
        if paid_at is None or paid_at + timedelta(days=window_days) < now:
            raise Invalid(
                f"Order {order_id} was paid more than {window_days} days ago; returns are closed.",
                code="return_window_closed",
            )


def list_requests(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    status: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[ReturnRequestView]:
    """The caller's own requests, or every request for ``refunds.manage``; oldest first."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(ReturnRequest).where(ReturnRequest.store_id == store.id)
        if not actor.has(Permission.REFUNDS_MANAGE):
            query = query.where(ReturnRequest.requester_id == actor.customer_id)
        if status is not None:
            query = query.where(ReturnRequest.status == status)
        page = paginate(session, query, ReturnRequest.id, limit=limit, cursor=cursor)
        return Page([request_view(session, r) for r in page.items], page.next_cursor)


def decide(
    db: Database,
    caller: str | None,
    store_slug: str,
    request_id: str,
    *,
    approve: bool,
    refund: bool | None = None,
    outcome: UnassignOutcome = UnassignOutcome.EXPIRE,
    note: str | None = None,
) -> ReturnRequestView:
    """Rule 23: approve as reclaim or refund, or deny with a note; a request is decided once."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        request = session.get(ReturnRequest, request_id)
        if request is None or request.store_id != store.id:
            raise not_found("return request", request_id)
        actor.require(Permission.REFUNDS_MANAGE)
        with_refund = request.refund if refund is None else refund
        decision = decision_for(approve=approve, refund=with_refund)
        decided = next_status(request.id, ReturnRequestStatus(request.status), decision)
        claimed = changed_rows(
            session.execute(
                update(ReturnRequest)
                .where(
                    ReturnRequest.id == request.id,
                    ReturnRequest.status.in_([state.value for state in from_states(decision)]),
                )
                .values(
                    status=decided.value,
                    decision=decision.value,
                    note=note,
                    decided_by=actor.audit_id,
                    decided_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
        )
        if claimed != 1:  # a concurrent decision won
            raise already_decided(request.id)
        session.refresh(request)
        rows = session.execute(
            select(Seat, ReturnRequestSeat.previous_status)
            .join(ReturnRequestSeat, ReturnRequestSeat.seat_id == Seat.id)
            .where(ReturnRequestSeat.request_id == request.id)
            .order_by(Seat.id)
        ).all()
        if approve:
            _approve(
                session,
                store,
                actor,
                [(seat, previous) for seat, previous in rows],
                with_refund,
                outcome,
                note,
            )
        else:
            for seat, previous in rows:
                move = (
                    SeatMove.DENY_RETURN
                    if previous == SeatStatus.ASSIGNED
                    else SeatMove.DENY_RETURN_UNUSED
                )
                seat_writes.transition(session, seat, move)
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="return.approved" if approve else "return.denied",
            entity="return_request",
            entity_id=request.id,
            after={"decision": decision.value, "note": note, "seats": len(rows)},
        )
        _mail_requester(session, store, request, len(rows))
        return request_view(session, request)


def _approve(
    session: Session,
    store: Store,
    actor: Actor,
    seats: list[tuple[Seat, str]],
    refund: bool,
    outcome: UnassignOutcome,
    note: str | None,
) -> None:
    for seat, previous in seats:
        if previous == SeatStatus.ASSIGNED:
            _take_back(session, seat, outcome)
    if not refund:
        for seat, _ in seats:
            seat_writes.transition(session, seat, SeatMove.APPROVE_RECLAIM)
        return
    by_order: dict[str, list[Seat]] = defaultdict(list)
    for seat, _ in seats:
        by_order[seat.order_id].append(seat)
    for order_id, order_seats in by_order.items():
        order = session.get(Order, order_id)
        assert order is not None
        refund_in_session(session, store, actor, order, order_seats, SeatMove.APPROVE_REFUND, note)


def _take_back(session: Session, seat: Seat, outcome: UnassignOutcome) -> None:
    """End the learner's assignment and live enrollment of a returned seat (rule 20)."""
    assignment = live_assignment(session, seat.id)
    if assignment is None:
        return
    enrollment = (
        session.get(Enrollment, assignment.enrollment_id) if assignment.enrollment_id else None
    )
    if enrollment is not None and EnrollmentStatus(enrollment.status) in LIVE_ENROLLMENTS:
        end_enrollment(session, enrollment, assignment, outcome)
    end_assignment(
        session, assignment, AssignmentStatus.ENDED, from_status=AssignmentStatus.REDEEMED
    )


def _mail_requester(
    session: Session, store: Store, request: ReturnRequest, seat_count: int
) -> None:
    queue_email_to_customer(
        session,
        store_id=store.id,
        customer_id=request.requester_id,
        template="return_decided",
        context={
            "store_name": store.name,
            "decision": ReturnRequestStatus(request.status).value,
            "refund": request.decision == ReturnDecision.REFUND,
            "note": request.note,
            "seat_count": seat_count,
        },
    )
