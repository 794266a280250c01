"""Payments of placed orders: capture (when the seats come into being), void and cancel.

Each use case claims the order with a conditional UPDATE from the states its move allows, so
of a concurrent capture and cancel exactly one wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_counts
from seatledger.db.base import changed_rows, new_ids, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, Order, OrderLine, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.orders import (
    OrderMove,
    OrderStatus,
    PaymentMove,
    PaymentStatus,
    next_order_status,
    order_from_states,
    payment_after_capture,
    payment_from_states,
    states_after_cancel,
)
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatStatus
from seatledger.payments import gateway_for
from seatledger.services.people import access
from seatledger.services.purchasing.orders import (
    OrderView,
    order_view,
    record_change,
    snapshot,
    visible_order,
)
from seatledger.services.storefront.stores import settings_of


def capture_order(db: Database, caller: str | None, store_slug: str, order_id: str) -> OrderView:
    """Capture an authorized card or mark an invoice paid (``orders.manage``); seats appear."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        order = visible_order(session, store, actor, order_id)
        actor.require(Permission.ORDERS_MANAGE)
        captured = _captured(order)
        claimed = changed_rows(
            session.execute(
                update(Order)
                .where(
                    Order.id == order.id,
                    Order.status.in_(_values(order_from_states(OrderMove.PAY))),
                    Order.payment_status.in_(_values(payment_from_states(PaymentMove.CAPTURE))),
                )
                .values(payment_status=captured.value)
            )
        )
        if claimed != 1:  # a concurrent capture or cancel won
            session.refresh(order)
            _captured(order)
        order.payment_status = captured.value
        gateway_for(order.payment_method).capture(
            reference=order.payment_reference, amount_minor=order.total_minor
        )
        lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
        mark_paid(session, actor, order, lines)
        return order_view(session, order)


def _captured(order: Order) -> PaymentStatus:
    return payment_after_capture(
        order.id, OrderStatus(order.status), PaymentStatus(order.payment_status)
    )


def _values(states: Iterable[StrEnum]) -> list[str]:
    return sorted(state.value for state in states)


def void_order(db: Database, caller: str | None, store_slug: str, order_id: str) -> OrderView:
    """Release an authorized card payment (``orders.manage``); no seats are ever created."""
    return _end_unpaid(db, caller, store_slug, order_id, void=True)


def cancel_order(db: Database, caller: str | None, store_slug: str, order_id: str) -> OrderView:
    """Cancel an unpaid order (``orders.manage``, or its buyer); an authorization is voided."""
    return _end_unpaid(db, caller, store_slug, order_id, void=False)


def _end_unpaid(
    db: Database, caller: str | None, store_slug: str, order_id: str, *, void: bool
) -> OrderView:
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        order = visible_order(session, store, actor, order_id)
        if void or order.buyer_id != actor.customer_id:
            actor.require(Permission.ORDERS_MANAGE)
        before = snapshot(order)
        cancelled, payment = _cancelled(order, void=void)
        claimed = changed_rows(
            session.execute(
                update(Order)
                .where(
                    Order.id == order.id,
                    Order.status.in_(_values(order_from_states(OrderMove.CANCEL))),
                    Order.payment_status == order.payment_status,
                )
                .values(status=cancelled.value)
            )
        )
        if claimed != 1:
            session.refresh(order)
            _cancelled(order, void=void)
        voided = payment is PaymentStatus.VOIDED
        if voided:
            gateway_for(order.payment_method).void(reference=order.payment_reference)
            order.payment_status = payment.value
        order.status, order.cancelled_at = cancelled.value, utcnow()
        record_change(
            session,
            actor,
            order,
            "order.voided" if voided else "order.cancelled",
            before=before,
            after=snapshot(order),
        )
        return order_view(session, order)


def _cancelled(order: Order, *, void: bool) -> tuple[OrderStatus, PaymentStatus]:
    return states_after_cancel(
        order.id, OrderStatus(order.status), PaymentStatus(order.payment_status), void=void
    )


def mark_paid(session: Session, actor: Actor, order: Order, lines: list[OrderLine]) -> None:
    """Rule 9: seats come into being once, at capture, exactly ``quantity`` per line.

    The payment is already captured; the order becomes paid and its seats are created.
    """
    now = utcnow()
    order.status = next_order_status(order.id, OrderStatus(order.status), OrderMove.PAY)
    order.paid_at = now
    record_change(
        session,
        actor,
        order,
        "order.paid",
        before={"payment_status": "pending"},
        after=snapshot(order),
    )
    session.flush()
    _create_seats(session, actor, order, lines, now)


def _create_seats(
    session: Session, actor: Actor, order: Order, lines: list[OrderLine], now: datetime
) -> None:
    """One seat row and one ``seat.created`` audit event per unit, in bulk."""
    days = settings_of(session.get(Store, order.store_id)).seat_redeem_within_days  # type: ignore[arg-type]
    common = {
        "redeem_by": now + timedelta(days=days) if days else None,
        "store_id": order.store_id, "order_id": order.id, "created_at": now,
        "buyer_id": order.buyer_id, "owner_group_id": order.purchasing_group_id,
    }  # fmt: skip
    seats: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for line in lines:
        seat_ids = new_ids(line.quantity)
        seat = {
            **common, "order_line_id": line.id, "product_id": line.product_id,
            "price_minor": line.unit_price_minor, "status": SeatStatus.AVAILABLE.value,
            "updated_at": now,
        }  # fmt: skip
        seats += [{**seat, "id": seat_id} for seat_id in seat_ids]
        event = {
            "store_id": order.store_id, "at": now, "actor_id": actor.audit_id,
            "actor_api_key_id": actor.api_key_id,
            "action": "seat.created", "entity": "seat", "before": None,
            "after": {"status": SeatStatus.AVAILABLE.value,
                      "owner_group_id": common["owner_group_id"], "sku": line.sku},
            "order_id": order.id, "group_id": order.purchasing_group_id, "learner_email": None,
        }  # fmt: skip
        events += [
            {**event, "id": event_id, "entity_id": seat_id, "seat_id": seat_id}
            for event_id, seat_id in zip(new_ids(line.quantity), seat_ids, strict=True)
        ]
    if seats:
        # Core executemany, not the ORM unit of work: 10,000 seats commit in well under a second.
        connection = session.connection()
        connection.execute(insert(Seat), seats)
        connection.execute(insert(AuditEvent), events)
        seat_counts.apply(session, seat_counts.created(seats))
