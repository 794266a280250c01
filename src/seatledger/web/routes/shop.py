"""Pages: the storefront, checkout and the buyer's own orders."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import DomainError
from seatledger.domain.orders import PaymentMethod
from seatledger.inputs import LINE, parse_whole_number
from seatledger.services.organization import groups
from seatledger.services.purchasing import orders
from seatledger.services.purchasing.checkout import LineRequest, place_order
from seatledger.services.storefront import catalog, stores
from seatledger.web import session
from seatledger.web.pages import CustomerPageDep, StorePage, StorePageDep, redirect, render
from seatledger.web.routes import page_router

router = page_router()

NO_GROUP = ""


@router.get("/stores/{store}")
def storefront(request: Request, page: StorePageDep, database: DatabaseDep) -> Response:
    products = [p for p in catalog.list_products(database, page.slug) if p.published]
    return render(request, "shop/storefront.html", page=page, products=products)


def _group_choices(database: DatabaseDep, page: StorePage) -> list[tuple[str, str]]:
    """``(id, name)`` of the active groups the viewer may buy for (rules 1-2)."""
    if page.can("orders.manage") and page.can("groups.view"):
        listed = groups.list_groups(database, page.viewer, page.slug, active=True, limit=500)
        return sorted(((g.id, g.name) for g in listed.items), key=lambda pair: pair[1])
    if page.me is None or page.me.customer is None:
        return []
    managed = groups.customer_groups(database, page.viewer, page.slug, page.me.customer.id)
    return sorted(
        ((m.group.id, m.group.name) for m in managed if m.group.active), key=lambda p: p[1]
    )


def _checkout_page(
    request: Request,
    page: StorePage,
    database: DatabaseDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    settings = stores.settings_of(stores.get_store(database, page.viewer, page.slug))
    products = [p for p in catalog.list_products(database, page.slug) if p.published]
    values = {
        "sku": "",
        "quantity": "1",
        "group": "",
        "payment": PaymentMethod.TEST_CARD.value,
        "card": "",
    }
    values.update(form or {})
    return render(
        request,
        "shop/checkout.html",
        status_code=status_code,
        page=page,
        products=products,
        group_choices=_group_choices(database, page),
        groupless_allowed=settings.allow_groupless_checkout,
        max_quantity=settings.max_quantity_per_line,
        form=values,
        error=error,
        idempotency_key=secrets.token_urlsafe(16),
    )


@router.get("/stores/{store}/checkout")
def checkout_form(
    request: Request, page: CustomerPageDep, database: DatabaseDep, sku: str = ""
) -> Response:
    return _checkout_page(request, page, database, form={"sku": sku})


@router.post("/stores/{store}/checkout")
def checkout(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    sku: Annotated[str, Form(max_length=100), LINE],
    quantity: Annotated[str, Form(max_length=12), LINE],
    group: Annotated[str, Form(max_length=64), LINE] = NO_GROUP,
    payment: Annotated[str, Form(max_length=20), LINE] = PaymentMethod.TEST_CARD.value,
    card: Annotated[str, Form(max_length=40), LINE] = "",
    idempotency_key: Annotated[str, Form(max_length=64), LINE] = "",
) -> Response:
    form = {"sku": sku, "quantity": quantity, "group": group, "payment": payment, "card": ""}
    try:
        count = parse_whole_number(quantity)
    except ValueError:
        return _checkout_page(
            request,
            page,
            database,
            status_code=422,
            error="Enter a whole number of seats.",
            form=form,
        )
    try:
        method = PaymentMethod(payment)
    except ValueError:
        return _checkout_page(
            request, page, database, status_code=422, error="Choose card or invoice.", form=form
        )
    try:
        order = place_order(
            database,
            page.viewer,
            page.slug,
            lines=[LineRequest(sku, count)],
            purchasing_group_id=group or None,
            payment_method=method,
            card_number=card.replace(" ", "") or None,
            idempotency_key=idempotency_key or None,
        )
    except DomainError as refusal:
        return _checkout_page(
            request, page, database, status_code=422, error=refusal.message, form=form
        )
    session.flash(request, f"Order {order.number} is placed: {order.payment_status}.")
    return redirect(f"/stores/{page.slug}/orders/{order.id}")


@router.get("/stores/{store}/orders")
def my_orders(
    request: Request, page: CustomerPageDep, database: DatabaseDep, cursor: str | None = None
) -> Response:
    listed = orders.list_orders(database, page.viewer, page.slug, cursor=cursor, mine=True)
    return render(
        request, "shop/orders.html", page=page, orders=listed.items, next_cursor=listed.next_cursor
    )


@router.get("/stores/{store}/orders/{order_id}")
def my_order(
    request: Request, page: CustomerPageDep, database: DatabaseDep, order_id: str
) -> Response:
    order = orders.get_order(database, page.viewer, page.slug, order_id)
    group_names = dict(_group_choices(database, page))
    return render(request, "shop/order.html", page=page, order=order, group_names=group_names)
