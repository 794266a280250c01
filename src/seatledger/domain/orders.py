"""Orders and payments: statuses, quantities, totals (rules 8-12, docs/rules.md)."""

from __future__ import annotations

from enum import StrEnum

from seatledger.domain.errors import Conflict, Invalid


class OrderStatus(StrEnum):
    PENDING = "pending"  # waiting for payment: an unpaid invoice or an authorized card
    PAID = "paid"  # payment captured; seats exist
    CANCELLED = "cancelled"  # cancelled or voided before payment; no seats


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"  # invoice sent, waiting for an admin to mark it paid
    AUTHORIZED = "authorized"  # card authorized, to be captured or voided by an admin
    PAID = "paid"  # captured
    VOIDED = "voided"  # authorization released; nothing was taken
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    INVOICE = "invoice"
    TEST_CARD = "test_card"


CAPTURABLE = frozenset({PaymentStatus.UNPAID, PaymentStatus.AUTHORIZED})
PAID_STATES = frozenset(
    {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)

MAX_LINES = 50


def check_quantity(quantity: object, *, maximum: int) -> int:
    """A whole number from 1 to the store's per-line limit; 422 ``invalid_quantity`` otherwise."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= maximum:
        raise Invalid(
            f"A quantity is a whole number from 1 to {maximum:,}; got {quantity!r}.",
            code="invalid_quantity",
        )
    return quantity


def ensure_capturable(order_id: str, status: PaymentStatus, order_status: OrderStatus) -> None:
    if order_status is OrderStatus.CANCELLED:
        raise Conflict(f"Order {order_id} is cancelled.", code="order_cancelled")
    if status in PAID_STATES:
        raise Conflict(f"Order {order_id} is already paid.", code="order_already_paid")


def ensure_cancellable(order_id: str, status: PaymentStatus, order_status: OrderStatus) -> None:
    if order_status is OrderStatus.CANCELLED:
        raise Conflict(f"Order {order_id} is already cancelled.", code="order_cancelled")
    if status in PAID_STATES:
        raise Conflict(
            f"Order {order_id} is paid; return or refund its seats instead.",
            code="order_already_paid",
        )
