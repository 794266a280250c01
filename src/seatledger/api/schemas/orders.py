"""Orders, their payment, and refunds of their seats."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from seatledger.api.schemas.common import Id, PublicModel, RequestBody, Sku
from seatledger.domain.orders import MAX_LINES, check_quantity
from seatledger.domain.store_settings import MAX_QUANTITY_PER_LINE, WholeNumber
from seatledger.inputs import LINES, Rule
from seatledger.payments.gateway import CARD_NUMBER_PATTERN, card_digits

QUANTITY = Rule(
    None,
    lambda quantity: check_quantity(quantity, maximum=MAX_QUANTITY_PER_LINE),
    schema={"minimum": 1, "maximum": MAX_QUANTITY_PER_LINE},
)
CARD_NUMBER = Rule(CARD_NUMBER_PATTERN, card_digits)


class OrderLineCreate(RequestBody):
    sku: Sku
    quantity: Annotated[
        WholeNumber,
        Field(description="From 1 to the store's per-line limit (1,000,000 at most)."),
        QUANTITY,
    ]


class PaymentCreate(RequestBody):
    method: Literal["invoice", "test_card"]
    card_number: Annotated[str, Field(max_length=40), CARD_NUMBER] | None = Field(
        default=None, description="16 digits (spaces are ignored); for `test_card` only."
    )


class OrderCreate(RequestBody):
    lines: list[OrderLineCreate] = Field(min_length=1, max_length=MAX_LINES)
    purchasing_group_id: Id | None
    payment: PaymentCreate
    on_behalf_of: Id | None = None


class OrderLinePublic(PublicModel):
    line_number: int
    sku: str
    product_id: str
    quantity: int
    unit_price: str
    line_total: str


class OrderPublic(PublicModel):
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
    lines: list[OrderLinePublic]


class RefundCreate(RequestBody):
    seat_ids: list[Id] = Field(min_length=1, max_length=10_000)
    note: Annotated[str, Field(max_length=2000), LINES] | None = None


class RefundPublic(PublicModel):
    id: str
    order_id: str
    amount: str
    currency: str
    seat_ids: list[str]
    payment_status: str
    external_action_required: bool = Field(
        description="True when someone must also send the money back outside seatledger."
    )
