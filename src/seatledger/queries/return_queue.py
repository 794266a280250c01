"""The admin console's return-request queue: pending requests first, with their seats.

Read-only (``refunds.manage``, the permission that decides them); deciding stays in
``returns.decide``. Pending requests run oldest first (first come, first served), decided
ones newest first, and one cursor walks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from seatledger.db import seat_queries
from seatledger.db.engine import Database
from seatledger.db.models import (
    Assignment,
    Order,
    Product,
    ReturnRequest,
    ReturnRequestSeat,
    Seat,
)
from seatledger.db.pagination import decode_cursor, encode_cursor
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Invalid
from seatledger.domain.money import format_amount
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.permissions import Permission
from seatledger.domain.returns import ReturnRequestStatus
from seatledger.domain.seats import SeatStatus
from seatledger.queries.order_desk import customer_names
from seatledger.services.people import access
from seatledger.services.storefront.stores import settings_of

STATUSES = tuple(status.value for status in ReturnRequestStatus)
PENDING, DECIDED = "p", "d"


@dataclass(frozen=True)
class QueuedSeat:
    id: str
    sku: str
    status: str
    previous_status: str
    price: str
    order_id: str
    order_number: int
    paid_by_invoice: bool
    learner_email: str | None


@dataclass(frozen=True)
class QueuedRequest:
    id: str
    status: str
    refund: bool
    reason: str
    comment: str | None
    requester_name: str
    requester_email: str
    created_at: datetime
    decision: str | None
    note: str | None
    decided_at: datetime | None
    decided_by_email: str | None
    amount: str
    currency: str
    seats: list[QueuedSeat]

    @property
    def is_pending(self) -> bool:
        return self.status == ReturnRequestStatus.PENDING

    @property
    def has_learners(self) -> bool:
        """Some seat was assigned when returned: approving ends its learner's enrollment."""
        return any(seat.previous_status == SeatStatus.ASSIGNED for seat in self.seats)

    @property
    def paid_by_invoice(self) -> bool:
        return any(seat.paid_by_invoice for seat in self.seats)


@dataclass(frozen=True)
class ReturnQueue:
    requests: list[QueuedRequest]
    next_cursor: str | None
    pending_count: int


def list_queue(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    status: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> ReturnQueue:
    """Return requests with seats, requester and amount, pending first (``refunds.manage``)."""
    if status is not None and status not in STATUSES:
        raise Invalid(
            f"A return request is {', '.join(STATUSES)}; got '{status}'.", code="invalid_status"
        )
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.REFUNDS_MANAGE)
        base = select(ReturnRequest).where(ReturnRequest.store_id == store.id)
        found, next_cursor = _pending_first(session, base, status, limit=limit, cursor=cursor)
        pending = session.scalar(
            select(func.count())
            .select_from(ReturnRequest)
            .where(
                ReturnRequest.store_id == store.id,
                ReturnRequest.status == ReturnRequestStatus.PENDING.value,
            )
        )
        currency = settings_of(store).currency
        views = _views(session, actor, found, currency)
        return ReturnQueue(views, next_cursor, pending or 0)


def _pending_first(
    session: Session,
    base: Select[ReturnRequest],
    status: str | None,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[ReturnRequest], str | None]:
    """One page: pending requests oldest first, then decided ones newest first."""
    phase, after = PENDING, None
    if cursor:
        token = decode_cursor(cursor)
        phase, after = token[0], token[1:]
    found: list[ReturnRequest] = []
    if phase == PENDING and status in (None, ReturnRequestStatus.PENDING):
        query = base.where(ReturnRequest.status == ReturnRequestStatus.PENDING.value)
        if after:
            query = query.where(ReturnRequest.id > after)
        found = list(session.scalars(query.order_by(ReturnRequest.id).limit(limit + 1)))
        if len(found) > limit:
            return found[:limit], encode_cursor(PENDING + found[limit - 1].id)
    if phase == PENDING:  # past the pending requests, or not asked for them
        phase, after = DECIDED, None
    if phase == DECIDED and status != ReturnRequestStatus.PENDING:
        query = base.where(
            ReturnRequest.status == status
            if status
            else ReturnRequest.status != ReturnRequestStatus.PENDING.value
        )
        if after:
            query = query.where(ReturnRequest.id < after)
        wanted = limit - len(found)
        found += list(session.scalars(query.order_by(ReturnRequest.id.desc()).limit(wanted + 1)))
        if len(found) > limit:
            return found[:limit], encode_cursor(DECIDED + found[limit - 1].id)
    return found, None


def _views(
    session: Session, actor: Actor, found: list[ReturnRequest], currency: str
) -> list[QueuedRequest]:
    seats = _seats(session, actor, [r.id for r in found])
    people = customer_names(
        session, {r.requester_id for r in found} | {r.decided_by for r in found if r.decided_by}
    )
    views = []
    for request in found:
        mine = seats.get(request.id, [])
        name, email = people.get(request.requester_id, ("", ""))
        views.append(
            QueuedRequest(
                id=request.id,
                status=request.status,
                refund=request.refund,
                reason=request.reason,
                comment=request.comment,
                requester_name=name,
                requester_email=email,
                created_at=request.created_at,
                decision=request.decision,
                note=request.note,
                decided_at=request.decided_at,
                decided_by_email=people.get(request.decided_by or "", ("", None))[1],
                amount=format_amount(sum(price for _, price in mine), currency),
                currency=currency,
                seats=[seat for seat, _ in mine],
            )
        )
    return views


def _seats(
    session: Session, actor: Actor, request_ids: list[str]
) -> dict[str, list[tuple[QueuedSeat, int]]]:
    """Request id -> its seats with their prices in minor units; the learner only where the
    caller may see the seat (``seats.view``, as ``GET /seats`` shows it)."""
    rows = session.execute(
        select(ReturnRequestSeat, Seat, Product.sku, Order)
        .join(Seat, Seat.id == ReturnRequestSeat.seat_id)
        .join(Product, Product.id == Seat.product_id)
        .join(Order, Order.id == Seat.order_id)
        .where(ReturnRequestSeat.request_id.in_(request_ids))
        .order_by(ReturnRequestSeat.request_id, Seat.id)
    ).all()
    visible = session.scalars(
        select(Seat.id).where(
            Seat.id.in_([seat.id for _, seat, _, _ in rows]), seat_queries.visible_to(actor)
        )
    )
    learners = _last_learners(session, list(visible))
    by_request: dict[str, list[tuple[QueuedSeat, int]]] = {}
    for link, seat, sku, order in rows:
        queued = QueuedSeat(
            id=seat.id,
            sku=sku,
            status=seat.status,
            previous_status=link.previous_status,
            price=format_amount(seat.price_minor, order.currency),
            order_id=order.id,
            order_number=order.number,
            paid_by_invoice=order.payment_method == PaymentMethod.INVOICE,
            learner_email=learners.get(seat.id),
        )
        by_request.setdefault(link.request_id, []).append((queued, seat.price_minor))
    return by_request


def _last_learners(session: Session, seat_ids: list[str]) -> dict[str, str]:
    """Each seat's most recent assignment's email (the learner it was taken back from)."""
    rows = session.execute(
        select(Assignment.seat_id, Assignment.email)
        .where(Assignment.seat_id.in_(seat_ids))
        .order_by(Assignment.assigned_at, Assignment.id)
    )
    return {seat_id: email for seat_id, email in rows}
