"""The admin console's order desk: orders with their names, lines, seats and refunds.

Read-only views for ``orders.view``; the changes (capture, void, cancel, refund) stay in
``orders`` and ``refunds``. Lists run newest first, so a busy store shows today's orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from seatledger.db import seat_queries
from seatledger.db.engine import Database
from seatledger.db.models import (
    Assignment,
    Customer,
    Order,
    OrderLine,
    Product,
    PurchasingGroup,
    Refund,
    Seat,
    User,
)
from seatledger.db.pagination import DEFAULT_LIMIT, Page, decode_cursor, encode_cursor, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import LIVE as LIVE_ASSIGNMENTS
from seatledger.domain.money import format_amount
from seatledger.domain.orders import CAPTURABLE, PAID_STATES, OrderStatus, PaymentStatus
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatStatus
from seatledger.services.people import access
from seatledger.services.purchasing.orders import visible_order


@dataclass(frozen=True)
class GroupChoice:
    id: str
    name: str


@dataclass(frozen=True)
class OrderRow:
    id: str
    number: int
    status: str
    payment_status: str
    payment_method: str
    total: str
    refunded: str
    currency: str
    created_at: datetime
    paid_at: datetime | None
    buyer_name: str
    buyer_email: str
    group_id: str | None
    group_name: str | None


@dataclass(frozen=True)
class OrderList:
    orders: list[OrderRow]
    next_cursor: str | None
    groups: list[GroupChoice]


@dataclass(frozen=True)
class LineRow:
    line_number: int
    sku: str
    product_name: str
    quantity: int
    unit_price: str
    line_total: str


@dataclass(frozen=True)
class SeatRow:
    id: str
    sku: str
    status: str
    price: str
    owner_group_name: str | None
    learner_email: str | None


@dataclass(frozen=True)
class RefundRow:
    id: str
    amount: str
    seat_count: int
    note: str | None
    external_action_required: bool
    created_at: datetime


@dataclass(frozen=True)
class OrderDetail:
    order: OrderRow
    card_last4: str | None
    placed_by_email: str | None
    not_refunded: str
    lines: list[LineRow]
    seat_counts: dict[str, int]
    seats: Page[SeatRow]
    refunds: list[RefundRow]
    sees_every_seat: bool  # seats.view; otherwise only the seats the caller may see are listed

    @property
    def is_pending(self) -> bool:
        return self.order.status == OrderStatus.PENDING

    @property
    def can_capture(self) -> bool:
        return self.is_pending and PaymentStatus(self.order.payment_status) in CAPTURABLE

    @property
    def can_void(self) -> bool:
        return self.is_pending and self.order.payment_status == PaymentStatus.AUTHORIZED

    @property
    def can_cancel(self) -> bool:
        return self.is_pending

    @property
    def can_refund(self) -> bool:
        paid = PaymentStatus(self.order.payment_status) in PAID_STATES
        return paid and self.seat_counts.get(SeatStatus.AVAILABLE.value, 0) > 0

    @property
    def seat_total(self) -> int:
        return sum(self.seat_counts.values())


def list_orders(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    status: OrderStatus | None = None,
    payment_status: PaymentStatus | None = None,
    purchasing_group_id: str | None = None,
    ungrouped: bool = False,
    buyer_email: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> OrderList:
    """Every order of the store, newest first, filtered (``orders.view``)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.ORDERS_VIEW)
        query = select(Order).where(Order.store_id == store.id)
        if status is not None:
            query = query.where(Order.status == status.value)
        if payment_status is not None:
            query = query.where(Order.payment_status == payment_status.value)
        if ungrouped:
            query = query.where(Order.purchasing_group_id.is_(None))
        elif purchasing_group_id:
            query = query.where(Order.purchasing_group_id == purchasing_group_id)
        if buyer_email:
            buyers = (
                select(Customer.id)
                .join(User, User.id == Customer.user_id)
                .where(Customer.store_id == store.id, User.email == buyer_email.strip().lower())
            )
            query = query.where(Order.buyer_id.in_(buyers))
        found, next_cursor = _newest_first(session, query, limit=limit, cursor=cursor)
        groups = [
            GroupChoice(id=group_id, name=name)
            for group_id, name in session.execute(
                select(PurchasingGroup.id, PurchasingGroup.name)
                .where(PurchasingGroup.store_id == store.id)
                .order_by(PurchasingGroup.name, PurchasingGroup.id)
            )
        ]
        return OrderList(_rows(session, found), next_cursor, groups)


def _newest_first(
    session: Session, query: Select[Order], *, limit: int, cursor: str | None
) -> tuple[list[Order], str | None]:
    if cursor:
        query = query.where(Order.id < decode_cursor(cursor))
    found = list(session.scalars(query.order_by(Order.id.desc()).limit(limit + 1)))
    if len(found) > limit:
        return found[:limit], encode_cursor(found[limit - 1].id)
    return found, None


def _rows(session: Session, found: list[Order]) -> list[OrderRow]:
    buyers = customer_names(session, {order.buyer_id for order in found})
    group_names = _group_names(session, {o.purchasing_group_id for o in found} - {None})
    rows = []
    for order in found:
        name, email = buyers.get(order.buyer_id, ("", ""))
        group_id = order.purchasing_group_id
        rows.append(
            OrderRow(
                id=order.id,
                number=order.number,
                status=order.status,
                payment_status=order.payment_status,
                payment_method=order.payment_method,
                total=format_amount(order.total_minor, order.currency),
                refunded=format_amount(order.refunded_minor, order.currency),
                currency=order.currency,
                created_at=order.created_at,
                paid_at=order.paid_at,
                buyer_name=name,
                buyer_email=email,
                group_id=group_id,
                group_name=group_names.get(group_id) if group_id else None,
            )
        )
    return rows


def customer_names(session: Session, ids: set[str]) -> dict[str, tuple[str, str]]:
    """Customer id -> (name, email); shared with the return queue."""
    rows = session.execute(
        select(Customer.id, Customer.name, User.email)
        .join(User, User.id == Customer.user_id)
        .where(Customer.id.in_(ids))
    )
    return {customer_id: (name, email) for customer_id, name, email in rows}


def _group_names(session: Session, ids: set[str | None]) -> dict[str | None, str]:
    rows = session.execute(
        select(PurchasingGroup.id, PurchasingGroup.name).where(PurchasingGroup.id.in_(ids))
    )
    return {group_id: name for group_id, name in rows}


def order_detail(
    db: Database,
    caller: str | None,
    store_slug: str,
    order_id: str,
    *,
    seat_status: SeatStatus | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> OrderDetail:
    """One order as the admin console shows it: lines, a page of seats, refunds."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        order = visible_order(session, store, actor, order_id)
        actor.require(Permission.ORDERS_VIEW)
        placed_by = None
        if order.placed_by and order.placed_by != order.buyer_id:  # bought on the buyer's behalf
            named = customer_names(session, {order.placed_by}).get(order.placed_by)
            placed_by = named[1] if named else None
        return OrderDetail(
            order=_rows(session, [order])[0],
            card_last4=order.card_last4,
            placed_by_email=placed_by,
            not_refunded=format_amount(order.total_minor - order.refunded_minor, order.currency),
            lines=_lines(session, order),
            seat_counts=_seat_counts(session, order.id),
            seats=_seats(session, order, actor, seat_status, limit=limit, cursor=cursor),
            refunds=_refunds(session, order),
            sees_every_seat=actor.has(Permission.SEATS_VIEW),
        )


def _lines(session: Session, order: Order) -> list[LineRow]:
    rows = session.execute(
        select(OrderLine, Product.name)
        .join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.line_number)
    )
    return [
        LineRow(
            line_number=line.line_number,
            sku=line.sku,
            product_name=name,
            quantity=line.quantity,
            unit_price=format_amount(line.unit_price_minor, order.currency),
            line_total=format_amount(line.unit_price_minor * line.quantity, order.currency),
        )
        for line, name in rows
    ]


def _seat_counts(session: Session, order_id: str) -> dict[str, int]:
    rows = session.execute(
        select(Seat.status, func.count()).where(Seat.order_id == order_id).group_by(Seat.status)
    )
    return {status: count for status, count in rows}


def _seats(
    session: Session,
    order: Order,
    actor: Actor,
    status: SeatStatus | None,
    *,
    limit: int,
    cursor: str | None,
) -> Page[SeatRow]:
    """The order's seats the caller may see, as ``GET /seats`` shows them (docs/rules.md,
    "Permissions"); ``refunds.manage`` also lists the available ones, which hold no learner,
    to refund them."""
    visible = seat_queries.visible_to(actor)
    if actor.has(Permission.REFUNDS_MANAGE):
        visible = or_(visible, Seat.status == SeatStatus.AVAILABLE.value)
    query = select(Seat).where(and_(Seat.order_id == order.id, visible))
    if status is not None:
        query = query.where(Seat.status == status.value)
    page = paginate(session, query, Seat.id, limit=limit, cursor=cursor)
    seats: list[Seat] = page.items
    skus = dict(
        session.execute(
            select(Product.id, Product.sku).where(Product.id.in_({s.product_id for s in seats}))
        ).all()
    )
    groups = _group_names(session, {s.owner_group_id for s in seats} - {None})
    learners = dict(
        session.execute(
            select(Assignment.seat_id, Assignment.email).where(
                Assignment.seat_id.in_([s.id for s in seats]),
                Assignment.status.in_(LIVE_ASSIGNMENTS),
            )
        ).all()
    )
    rows = [
        SeatRow(
            id=seat.id,
            sku=skus[seat.product_id],
            status=seat.status,
            price=format_amount(seat.price_minor, order.currency),
            owner_group_name=groups.get(seat.owner_group_id) if seat.owner_group_id else None,
            learner_email=learners.get(seat.id),
        )
        for seat in seats
    ]
    return Page(rows, page.next_cursor)


def _refunds(session: Session, order: Order) -> list[RefundRow]:
    refunds = session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id))
    return [
        RefundRow(
            id=refund.id,
            amount=format_amount(refund.amount_minor, order.currency),
            seat_count=len(refund.seat_ids),
            note=refund.note,
            external_action_required=refund.external_action_required,
            created_at=refund.created_at,
        )
        for refund in refunds
    ]
