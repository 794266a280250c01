from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, IdQuery, LimitQuery, StorePath
from seatledger.api.schemas import OrderCreate, OrderPublic, Page, RefundCreate, RefundPublic
from seatledger.dependencies import DatabaseDep
from seatledger.domain.orders import OrderStatus, PaymentMethod
from seatledger.inputs import LINE
from seatledger.services.purchasing import checkout, orders, payments
from seatledger.services.refunding import refunds

router = APIRouter(prefix="/api/v1/stores/{store}/orders", tags=["orders"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Retrying with the same key returns the same order instead of a new one.",
    ),
    LINE,
]


@router.post(
    "",
    status_code=201,
    response_model=OrderPublic,
    responses={402: {"description": "The card was declined (payment_declined)."}},
)
def place_order(
    store: StorePath,
    body: OrderCreate,
    database: DatabaseDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> OrderPublic:
    """Check out. Seats are created when the payment is captured."""
    order = checkout.place_order(
        database,
        caller,
        store,
        lines=[checkout.LineRequest(line.sku, line.quantity) for line in body.lines],
        purchasing_group_id=body.purchasing_group_id,
        payment_method=PaymentMethod(body.payment.method),
        card_number=body.payment.card_number,
        on_behalf_of=body.on_behalf_of,
        idempotency_key=idempotency_key,
    )
    return OrderPublic.model_validate(order)


@router.get("", response_model=Page[OrderPublic])
def list_orders(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    status: OrderStatus | None = None,
    purchasing_group_id: IdQuery = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[OrderPublic]:
    """Every order for ``orders.view``; the caller's own orders otherwise."""
    page = orders.list_orders(
        database,
        caller,
        store,
        status=status,
        purchasing_group_id=purchasing_group_id,
        limit=limit,
        cursor=cursor,
    )
    return Page[OrderPublic](
        items=[OrderPublic.model_validate(o) for o in page.items], next_cursor=page.next_cursor
    )


@router.get("/{order_id}", response_model=OrderPublic)
def get_order(
    store: StorePath, order_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OrderPublic:
    return OrderPublic.model_validate(orders.get_order(database, caller, store, order_id))


@router.post("/{order_id}/capture", response_model=OrderPublic)
def capture_order(
    store: StorePath, order_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OrderPublic:
    """Capture an authorized card or mark an invoice paid (``orders.manage``): the seats appear."""
    return OrderPublic.model_validate(payments.capture_order(database, caller, store, order_id))


@router.post("/{order_id}/void", response_model=OrderPublic)
def void_order(
    store: StorePath, order_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OrderPublic:
    """Release an authorized card payment (``orders.manage``)."""
    return OrderPublic.model_validate(payments.void_order(database, caller, store, order_id))


@router.post("/{order_id}/cancel", response_model=OrderPublic)
def cancel_order(
    store: StorePath, order_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OrderPublic:
    """Cancel an unpaid order (``orders.manage``, or the buyer)."""
    return OrderPublic.model_validate(payments.cancel_order(database, caller, store, order_id))


@router.post("/{order_id}/refunds", status_code=201, response_model=RefundPublic)
def refund_seats(
    store: StorePath, order_id: IdPath, body: RefundCreate, database: DatabaseDep, caller: CallerDep
) -> RefundPublic:
    """Refund available seats of a paid order (``refunds.manage``); they leave the pool."""
    view = refunds.refund_seats(
        database, caller, store, order_id, seat_ids=body.seat_ids, note=body.note
    )
    return RefundPublic.model_validate(view)
