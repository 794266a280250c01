"""Orders: checkout, capture, void, cancel, and reading them back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from seatledger.db import counters, group_closure, seat_counts
from seatledger.db.base import new_id, new_ids, utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, Order, OrderLine, Product, PurchasingGroup, Seat, Store
from seatledger.db.pagination import Page, paginate
from seatledger.domain import group_tree
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied, not_found
from seatledger.domain.money import format_amount
from seatledger.domain.orders import (
    CAPTURABLE,
    MAX_LINES,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    check_quantity,
    ensure_cancellable,
    ensure_capturable,
)
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatStatus
from seatledger.payments import gateway_for
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.people.customers import find_customer
from seatledger.services.storefront.stores import settings_of


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int


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


def _view(session: Session, order: Order) -> OrderView:
    lines = session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_number)
    )
    money = lambda minor: format_amount(minor, order.currency)  # noqa: E731
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


def _snapshot(order: Order) -> dict[str, Any]:
    return {"status": order.status, "payment_status": order.payment_status}


def _record(session: Session, actor: Actor, order: Order, action: str, **change: Any) -> None:
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


def place_order(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    lines: list[LineRequest],
    purchasing_group_id: str | None,
    payment_method: PaymentMethod,
    card_number: str | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> OrderView:
    """Check out: validate, take payment, and create the seats when the payment is captured.

    The same ``idempotency_key`` from the same buyer returns the first order, also when the
    requests race: a unique constraint decides, not a read-then-write.
    """
    fingerprint = _fingerprint(
        lines, purchasing_group_id, payment_method, card_number, on_behalf_of
    )
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        buyer_id = _buyer(session, store, actor, on_behalf_of)
        if idempotency_key is not None:
            existing = _order_by_key(session, store.id, buyer_id, idempotency_key)
            if existing is not None:
                return _replay(session, existing, fingerprint)
        settings = settings_of(store)
        _check_group(
            session,
            store,
            actor,
            purchasing_group_id,
            groupless_allowed=settings.allow_groupless_checkout,
        )
        priced = _price_lines(session, store, lines, maximum=settings.max_quantity_per_line)
        order = Order(
            id=new_id(),
            store_id=store.id,
            number=counters.next_value(session, store.id, "order"),
            buyer_id=buyer_id,
            placed_by=actor.audit_id,
            purchasing_group_id=purchasing_group_id,
            status=OrderStatus.PENDING,
            payment_status=PaymentStatus.UNPAID,
            payment_method=payment_method.value,
            currency=settings.currency,
            total_minor=sum(line.quantity * line.unit_price_minor for line in priced),
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
        )
        try:
            add_unique(session, order, Conflict(code="idempotency_race"))
        except Conflict:  # a concurrent request with this key committed first
            existing = _order_by_key(session, store.id, buyer_id, idempotency_key or "")
            assert existing is not None
            return _replay(session, existing, fingerprint)
        for number, line in enumerate(priced, start=1):
            line.order_id, line.line_number = order.id, number
        session.add_all(priced)
        result = gateway_for(payment_method).start(
            amount_minor=order.total_minor,
            currency=order.currency,
            card_number=card_number,
            capture=settings.card_capture == "immediate",
        )
        order.payment_status, order.payment_reference, order.card_last4 = (
            result.status.value,
            result.reference,
            result.card_last4,
        )
        _record(
            session,
            actor,
            order,
            "order.placed",
            after={
                **_snapshot(order),
                "total": format_amount(order.total_minor, order.currency),
                "lines": [[line.sku, line.quantity] for line in priced],
                "buyer_id": buyer_id,
            },
        )
        if result.status is PaymentStatus.PAID:
            _mark_paid(session, actor, order, priced)
        session.flush()
        return _view(session, order)


def _fingerprint(*parts: Any) -> str:
    text = json.dumps(
        parts, default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o), sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _order_by_key(session: Session, store_id: str, buyer_id: str, key: str) -> Order | None:
    return session.scalar(
        select(Order).where(
            Order.store_id == store_id, Order.buyer_id == buyer_id, Order.idempotency_key == key
        )
    )


def _replay(session: Session, order: Order, fingerprint: str) -> OrderView:
    if order.request_fingerprint != fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used for a different order.",
            code="idempotency_key_reused",
        )
    return _view(session, order)


def _buyer(session: Session, store: Store, actor: Actor, on_behalf_of: str | None) -> str:
    if on_behalf_of is None:
        if actor.customer_id is None:
            raise Invalid("Name the customer to buy for in 'on_behalf_of'.", code="buyer_required")
        return actor.customer_id
    actor.require(Permission.ORDERS_MANAGE)
    customer, _ = find_customer(session, store.id, on_behalf_of)
    return customer.id


def _check_group(
    session: Session, store: Store, actor: Actor, group_id: str | None, *, groupless_allowed: bool
) -> None:
    """Rules 1-2: a group the buyer is agent of, or none where the store allows it."""
    if group_id is None:
        if not groupless_allowed:
            raise Invalid(
                "This store needs a purchasing group on every order.", code="group_required"
            )
        return
    group = session.get(PurchasingGroup, group_id)
    lineage = (
        group_closure.lineage(session, group_id) if group and group.store_id == store.id else []
    )
    may_buy = actor.has(Permission.ORDERS_MANAGE) or group_tree.is_agent_of(
        lineage, actor.agent_grant_group_ids
    )
    if not lineage or not may_buy:
        raise PermissionDenied(
            "You can only buy for purchasing groups you are agent of.", code="not_agent_of_group"
        )
    if group is not None and not group.active:
        raise Conflict("This purchasing group is deactivated.", code="group_inactive")


def _price_lines(
    session: Session, store: Store, lines: list[LineRequest], *, maximum: int
) -> list[OrderLine]:
    if not lines:
        raise Invalid("An order needs at least one line.", code="lines_required")
    if len(lines) > MAX_LINES:
        raise Invalid(f"An order has at most {MAX_LINES} lines.", code="too_many_lines")
    skus = {line.sku for line in lines}
    products = {
        p.sku: p
        for p in session.scalars(
            select(Product).where(
                Product.store_id == store.id, Product.sku.in_(skus), Product.published.is_(True)
            )
        )
    }
    priced = []
    for line in lines:
        product = products.get(line.sku)
        if product is None:
            raise Invalid(f"No product with SKU '{line.sku}' is for sale here.", code="unknown_sku")
        quantity = check_quantity(line.quantity, maximum=maximum)
        priced.append(
            OrderLine(
                id=new_id(),
                product_id=product.id,
                sku=product.sku,
                quantity=quantity,
                unit_price_minor=product.price_minor,
            )
        )
    return priced


def _mark_paid(session: Session, actor: Actor, order: Order, lines: list[OrderLine]) -> None:
    """Rule 9: seats come into being once, at capture, exactly ``quantity`` per line."""
    now = utcnow()
    order.status, order.payment_status, order.paid_at = OrderStatus.PAID, PaymentStatus.PAID, now
    _record(
        session,
        actor,
        order,
        "order.paid",
        before={"payment_status": "pending"},
        after=_snapshot(order),
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
            "action": "seat.created", "entity": "seat", "before": None,
            "after": {"status": "available", "owner_group_id": common["owner_group_id"],
                      "sku": line.sku},
            "order_id": order.id, "group_id": order.purchasing_group_id, "learner_email": None,
        }  # fmt: skip
        events += [
            {**event, "id": event_id, "entity_id": seat_id, "seat_id": seat_id}
            for event_id, seat_id in zip(new_ids(line.quantity), seat_ids, strict=True)
        ]
    if seats:
        # Core executemany, not the ORM unit of work: 10,000 seats commit in well under a second.
        connection = session.connection()
        connection.execute(insert(Seat.__table__), seats)
        connection.execute(insert(AuditEvent.__table__), events)
        seat_counts.apply(session, seat_counts.created(seats))


def visible_order(session: Session, store: Store, actor: Actor, order_id: str) -> Order:
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
        return _view(session, visible_order(session, store, actor, order_id))


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
        return Page([_view(session, order) for order in page.items], page.next_cursor)


def capture_order(db: Database, caller: str | None, store_slug: str, order_id: str) -> OrderView:
    """Capture an authorized card or mark an invoice paid (``orders.manage``); seats appear."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        order = visible_order(session, store, actor, order_id)
        actor.require(Permission.ORDERS_MANAGE)
        ensure_capturable(order.id, PaymentStatus(order.payment_status), OrderStatus(order.status))
        claimed = session.execute(
            update(Order)
            .where(
                Order.id == order.id,
                Order.status == OrderStatus.PENDING.value,
                Order.payment_status.in_([s.value for s in CAPTURABLE]),
            )
            .values(payment_status=PaymentStatus.PAID.value)
        ).rowcount
        if claimed != 1:  # a concurrent capture or cancel won
            session.refresh(order)
            ensure_capturable(
                order.id, PaymentStatus(order.payment_status), OrderStatus(order.status)
            )
        gateway_for(order.payment_method).capture(
            reference=order.payment_reference, amount_minor=order.total_minor
        )
        lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
        _mark_paid(session, actor, order, lines)
        return _view(session, order)


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
        before = _snapshot(order)
        ensure_cancellable(order.id, PaymentStatus(order.payment_status), OrderStatus(order.status))
        authorized = order.payment_status == PaymentStatus.AUTHORIZED
        if void and not authorized:
            raise Conflict(
                "Only an authorized card payment can be voided; cancel the order.",
                code="not_authorized",
            )
        claimed = session.execute(
            update(Order)
            .where(
                Order.id == order.id,
                Order.status == OrderStatus.PENDING.value,
                Order.payment_status == order.payment_status,
            )
            .values(status=OrderStatus.CANCELLED.value)
        ).rowcount
        if claimed != 1:
            session.refresh(order)
            ensure_cancellable(
                order.id, PaymentStatus(order.payment_status), OrderStatus(order.status)
            )
        if authorized:
            gateway_for(order.payment_method).void(reference=order.payment_reference)
            order.payment_status = PaymentStatus.VOIDED.value
        order.status, order.cancelled_at = OrderStatus.CANCELLED.value, utcnow()
        _record(
            session,
            actor,
            order,
            "order.voided" if authorized else "order.cancelled",
            before=before,
            after=_snapshot(order),
        )
        return _view(session, order)
