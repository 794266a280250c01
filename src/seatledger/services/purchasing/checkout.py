"""Checkout: validate the lines and the group, price them, take payment, and make the order.

The seats come into being when the payment is captured (``payments.mark_paid``), at once for
a card captured at checkout.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db import counters, group_closure
from seatledger.db.base import new_id
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Order, OrderLine, Product, PurchasingGroup, Store
from seatledger.domain import group_tree
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied
from seatledger.domain.money import check_amount, format_amount
from seatledger.domain.orders import (
    MAX_LINES,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    check_quantity,
    payment_after_checkout,
)
from seatledger.domain.permissions import Permission
from seatledger.payments import gateway_for
from seatledger.services.people import access
from seatledger.services.people.customers import find_customer
from seatledger.services.purchasing.orders import OrderView, order_view, record_change, snapshot
from seatledger.services.purchasing.payments import mark_paid
from seatledger.services.storefront.stores import settings_of


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int


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
        priced = _price_lines(
            session,
            store,
            lines,
            maximum=settings.max_quantity_per_line,
            currency=settings.currency,
        )
        total = check_amount(
            sum(line.quantity * line.unit_price_minor for line in priced),
            settings.currency,
            what="An order's total",
        )
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
            total_minor=total,
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
        answer = _start_payment(
            order, payment_method, card_number, capture=settings.card_capture == "immediate"
        )
        record_change(
            session,
            actor,
            order,
            "order.placed",
            after={
                **snapshot(order),
                "total": format_amount(order.total_minor, order.currency),
                "lines": [[line.sku, line.quantity] for line in priced],
                "buyer_id": buyer_id,
            },
        )
        if answer is PaymentStatus.PAID:
            mark_paid(session, actor, order, priced)
        session.flush()
        return order_view(session, order)


def _start_payment(
    order: Order, method: PaymentMethod, card_number: str | None, *, capture: bool
) -> PaymentStatus:
    """Ask the gateway to start paying (a decline raises); the payment moves as it answers."""
    result = gateway_for(method).start(
        amount_minor=order.total_minor,
        currency=order.currency,
        card_number=card_number,
        capture=capture,
    )
    order.payment_status = payment_after_checkout(
        order.id, PaymentStatus(order.payment_status), result.status
    ).value
    order.payment_reference, order.card_last4 = result.reference, result.card_last4
    return result.status


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
    return order_view(session, order)


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
    session: Session, store: Store, lines: list[LineRequest], *, maximum: int, currency: str
) -> list[OrderLine]:
    """The lines priced at today's prices; each line's total is within the money bound."""
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
        check_amount(
            quantity * product.price_minor,
            currency,
            what=f"The total of the line for '{product.sku}'",
        )
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
