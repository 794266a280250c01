"""Orders read back: the view of an order, who may see one, and the lists.

Checkout is in ``checkout``; capture, void and cancel are in ``payments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db.engine import Database
from seatledger.db.models import Order, OrderLine, Store
from seatledger.db.pagination import Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.errors import not_found
from seatledger.domain.money import format_amount
from seatledger.domain.orders import OrderStatus
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access


@dataclass(frozen=True)
class OrderLineView:
    line_number: int
    sku: str
    product_id: str
    quantity: int
    unit_price: str
    line_total: str


@dataclass(frozen=True)
class OrderView:
    id: str
    number: int
    status: str
    payment_status: str
    payment_method: str
    total: str
    refunded: str
    currency: str
    purchasing_group_id: str | None
    buyer_id: str
    placed_by: str | None
    card_last4: str | None
    created_at: datetime
    paid_at: datetime | None
    lines: list[OrderLineView]


def order_view(session: Session, order: Order) -> OrderView:
    """An order with its lines, money as decimal strings, as the API and the pages show it."""
    lines = session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_number)
    )

    def money(minor: int) -> str:
        return format_amount(minor, order.currency)

    return OrderView(
        id=order.id,
        number=order.number,
        status=order.status,
        payment_status=order.payment_status,
        payment_method=order.payment_method,
        total=money(order.total_minor),
        refunded=money(order.refunded_minor),
        currency=order.currency,
        purchasing_group_id=order.purchasing_group_id,
        buyer_id=order.buyer_id,
        placed_by=order.placed_by,
        card_last4=order.card_last4,
        created_at=order.created_at,
        paid_at=order.paid_at,
        lines=[
            OrderLineView(
                line.line_number,
                line.sku,
                line.product_id,
                line.quantity,
                money(line.unit_price_minor),
                money(line.unit_price_minor * line.quantity),
            )
            for line in lines
        ],
    )


def snapshot(order: Order) -> dict[str, Any]:
    """The order's states, for the before and after of an audit event."""
    return {"status": order.status, "payment_status": order.payment_status}


def record_change(session: Session, actor: Actor, order: Order, action: str, **change: Any) -> None:
    """One audit event about ``order``, in the caller's transaction."""
    audit.record(
        session,
        store_id=order.store_id,
        actor=actor,
        action=action,
        entity="order",
        entity_id=order.id,
        order_id=order.id,
        group_id=order.purchasing_group_id,
        **change,
    )


def visible_order(session: Session, store: Store, actor: Actor, order_id: str) -> Order:
    """The order if the caller bought it or holds ``orders.view``; 404 otherwise."""
    access.require_customer(actor)
    order = session.get(Order, order_id)
    if order is None or order.store_id != store.id:
        raise not_found("order", order_id)
    if order.buyer_id != actor.customer_id and not actor.has(Permission.ORDERS_VIEW):
        raise not_found("order", order_id)
    return order


def get_order(db: Database, caller: str | None, store_slug: str, order_id: str) -> OrderView:
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        return order_view(session, visible_order(session, store, actor, order_id))


def list_orders(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    status: OrderStatus | None = None,
    purchasing_group_id: str | None = None,
    mine: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[OrderView]:
    """Every order for ``orders.view``; the caller's own orders otherwise (or when ``mine``)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(Order).where(Order.store_id == store.id)
        if mine or not actor.has(Permission.ORDERS_VIEW):
            query = query.where(Order.buyer_id == actor.customer_id)
        if status is not None:
            query = query.where(Order.status == status.value)
        if purchasing_group_id is not None:
            query = query.where(Order.purchasing_group_id == purchasing_group_id)
        page = paginate(session, query, Order.id, limit=limit, cursor=cursor)
        return Page([order_view(session, order) for order in page.items], page.next_cursor)
