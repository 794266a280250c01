"""Refunds of unused seats (rule 24): money back, seats out of the pool, never over-refunded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import changed_rows, new_id, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Order, Refund, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, Invalid
from seatledger.domain.money import format_amount
from seatledger.domain.orders import PAID_STATES, PaymentStatus, payment_after_refund
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatMove
from seatledger.mail.outbox import queue_email_to_customer
from seatledger.payments import gateway_for
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.purchasing.orders import visible_order

MAX_SEATS_PER_REFUND = 10_000


@dataclass(frozen=True)
class RefundView:
    id: str
    order_id: str
    amount: str
    currency: str
    seat_ids: list[str]
    payment_status: str
    external_action_required: bool


def refund_seats(
    db: Database,
    caller: str | None,
    store_slug: str,
    order_id: str,
    *,
    seat_ids: list[str],
    note: str | None = None,
) -> RefundView:
    """Refund available seats of a paid order (``refunds.manage``).

    Each seat leaves the pool through the conditional seat move, so a seat refunded twice in
    parallel is paid once; the order's refunded total rises by a conditional UPDATE that can
    never pass what was paid.
    """
    wanted = list(dict.fromkeys(seat_ids))
    if not wanted:
        raise Invalid("Name the seats to refund.", code="seats_required")
    if len(wanted) > MAX_SEATS_PER_REFUND:
        raise Invalid(f"At most {MAX_SEATS_PER_REFUND:,} seats per refund.", code="too_many_seats")
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        order = visible_order(session, store, actor, order_id)
        actor.require(Permission.REFUNDS_MANAGE)
        if order.payment_status not in PAID_STATES:
            raise Conflict(
                f"Order {order.id} is not paid; cancel or void it instead.", code="order_not_paid"
            )
        seats = {
            s.id: s
            for s in session.scalars(
                select(Seat).where(Seat.id.in_(wanted), Seat.order_id == order.id)
            )
        }
        missing = [seat_id for seat_id in wanted if seat_id not in seats]
        if missing:
            raise Invalid(
                f"Seat {missing[0]} is not a seat of order {order.id}.", code="seat_not_in_order"
            )
        return refund_in_session(
            session,
            store,
            actor,
            order,
            [seats[seat_id] for seat_id in wanted],
            SeatMove.REFUND,
            note,
        )


def refund_in_session(
    session: Session,
    store: Store,
    actor: Actor,
    order: Order,
    seats: list[Seat],
    move: SeatMove,
    note: str | None,
) -> RefundView:
    """Move ``seats`` out of the pool with ``move`` and pay their prices back, in the caller's
    transaction (direct refunds, and return requests approved with a refund)."""
    for seat in seats:
        seat_writes.transition(session, seat, move)
    amount = sum(seat.price_minor for seat in seats)
    raised = changed_rows(
        session.execute(
            update(Order)
            .where(Order.id == order.id, Order.refunded_minor + amount <= Order.total_minor)
            .values(refunded_minor=Order.refunded_minor + amount)
            .execution_options(synchronize_session=False)
        )
    )
    if raised != 1:
        raise Conflict(
            "This refund would pass what was paid for the order.", code="refund_exceeds_paid"
        )
    session.refresh(order)
    before = order.payment_status
    order.payment_status = payment_after_refund(
        order.id, PaymentStatus(before), in_full=order.refunded_minor == order.total_minor
    ).value
    result = gateway_for(order.payment_method).refund(
        reference=order.payment_reference, amount_minor=amount
    )
    seat_ids = [seat.id for seat in seats]
    refund = Refund(
        id=new_id(),
        store_id=store.id,
        order_id=order.id,
        amount_minor=amount,
        seat_ids=seat_ids,
        note=note,
        external_action_required=result.external_action_required,
        gateway_reference=result.reference,
        created_by=actor.audit_id,
        created_at=utcnow(),
    )
    session.add(refund)
    money = format_amount(amount, order.currency)
    audit.record(
        session,
        store_id=store.id,
        actor=actor,
        action="order.refunded",
        entity="order",
        entity_id=order.id,
        order_id=order.id,
        group_id=order.purchasing_group_id,
        before={"payment_status": before},
        after={
            "payment_status": order.payment_status,
            "amount": money,
            "seats": len(seats),
            "refund_id": refund.id,
        },
    )
    for seat in seats:
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="seat.refunded",
            entity="seat",
            entity_id=seat.id,
            seat_id=seat.id,
            order_id=order.id,
            group_id=seat.owner_group_id,
            after={"status": seat.status, "refund_id": refund.id},
        )
    _mail_buyer(session, store, order, money, len(seats), result.external_action_required)
    return RefundView(
        id=refund.id,
        order_id=order.id,
        amount=money,
        currency=order.currency,
        seat_ids=seat_ids,
        payment_status=order.payment_status,
        external_action_required=result.external_action_required,
    )


def _mail_buyer(
    session: Session, store: Store, order: Order, money: str, seat_count: int, external: bool
) -> None:
    queue_email_to_customer(
        session,
        store_id=store.id,
        customer_id=order.buyer_id,
        template="refund_issued",
        context={
            "store_name": store.name,
            "order_number": order.number,
            "amount": money,
            "currency": order.currency,
            "seat_count": seat_count,
            "external_action_required": external,
        },
    )
