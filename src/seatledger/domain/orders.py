"""Orders and payments (rules 8-12, docs/rules.md): states, the tables of allowed moves,
quantities.

An order and its payment each have a state and a table of moves; a refused move raises a
``Conflict`` whose code and sentence are the ones the API has always answered.
"""

from __future__ import annotations

from enum import StrEnum

from seatledger.domain.errors import Conflict, Invalid


class OrderStatus(StrEnum):
    PENDING = "pending"  # waiting for payment: an unpaid invoice or an authorized card
    PAID = "paid"  # payment captured; seats exist
    CANCELLED = "cancelled"  # cancelled or voided before payment; no seats


class OrderMove(StrEnum):
    PAY = "pay"  # the payment was captured (or the invoice marked paid): seats come into being
    CANCEL = "cancel"  # given up before payment, its card authorization voided with it


ORDER_TRANSITIONS: dict[tuple[OrderStatus, OrderMove], OrderStatus] = {
    (OrderStatus.PENDING, OrderMove.PAY): OrderStatus.PAID,
    (OrderStatus.PENDING, OrderMove.CANCEL): OrderStatus.CANCELLED,
}

# Why an order refuses a move, by the state it is in: (code, sentence naming the order).
ORDER_REFUSALS: dict[tuple[OrderStatus, OrderMove], tuple[str, str]] = {
    (OrderStatus.PAID, OrderMove.PAY): ("order_already_paid", "Order {id} is already paid."),
    (OrderStatus.CANCELLED, OrderMove.PAY): ("order_cancelled", "Order {id} is cancelled."),
    (OrderStatus.PAID, OrderMove.CANCEL): (
        "order_already_paid",
        "Order {id} is paid; return or refund its seats instead.",
    ),
    (OrderStatus.CANCELLED, OrderMove.CANCEL): (
        "order_cancelled",
        "Order {id} is already cancelled.",
    ),
}


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"  # invoice sent, waiting for an admin to mark it paid
    AUTHORIZED = "authorized"  # card authorized, to be captured or voided by an admin
    PAID = "paid"  # captured
    VOIDED = "voided"  # authorization released; nothing was taken
    PARTIALLY_REFUNDED = "partially_refunded"  # some of what was paid went back
    REFUNDED = "refunded"  # everything that was paid went back


class PaymentMove(StrEnum):
    AUTHORIZE = "authorize"  # checkout: the card is authorized, to be captured later
    CAPTURE = "capture"  # the card is captured (at checkout or later) or the invoice marked paid
    VOID = "void"  # the card authorization is released
    REFUND_IN_PART = "refund_in_part"  # money goes back; the refunds stay below what was paid
    REFUND_IN_FULL = "refund_in_full"  # money goes back; the refunds reach what was paid


PAYMENT_TRANSITIONS: dict[tuple[PaymentStatus, PaymentMove], PaymentStatus] = {
    (PaymentStatus.UNPAID, PaymentMove.AUTHORIZE): PaymentStatus.AUTHORIZED,
    (PaymentStatus.UNPAID, PaymentMove.CAPTURE): PaymentStatus.PAID,
    (PaymentStatus.AUTHORIZED, PaymentMove.CAPTURE): PaymentStatus.PAID,
    (PaymentStatus.AUTHORIZED, PaymentMove.VOID): PaymentStatus.VOIDED,
    (PaymentStatus.PAID, PaymentMove.REFUND_IN_PART): PaymentStatus.PARTIALLY_REFUNDED,
    (PaymentStatus.PAID, PaymentMove.REFUND_IN_FULL): PaymentStatus.REFUNDED,
    (
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentMove.REFUND_IN_PART,
    ): PaymentStatus.PARTIALLY_REFUNDED,
    (PaymentStatus.PARTIALLY_REFUNDED, PaymentMove.REFUND_IN_FULL): PaymentStatus.REFUNDED,
    # Free seats of a fully refunded order are refunded for nothing; the payment stays refunded.
    (PaymentStatus.REFUNDED, PaymentMove.REFUND_IN_FULL): PaymentStatus.REFUNDED,
}

# What the gateway's answer at checkout does to the new order's unpaid payment.
CHECKOUT_MOVES = {
    PaymentStatus.AUTHORIZED: PaymentMove.AUTHORIZE,
    PaymentStatus.PAID: PaymentMove.CAPTURE,
}

PAID_STATES = frozenset(
    {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)
REFUNDS = frozenset({PaymentMove.REFUND_IN_PART, PaymentMove.REFUND_IN_FULL})


class PaymentMethod(StrEnum):
    INVOICE = "invoice"
    TEST_CARD = "test_card"


def order_from_states(move: OrderMove) -> frozenset[OrderStatus]:
    """The states an order may be in for ``move`` (used in conditional UPDATEs)."""
    return frozenset(state for state, m in ORDER_TRANSITIONS if m == move)


def payment_from_states(move: PaymentMove) -> frozenset[PaymentStatus]:
    """The states a payment may be in for ``move`` (used in conditional UPDATEs)."""
    return frozenset(state for state, m in PAYMENT_TRANSITIONS if m == move)


CAPTURABLE = payment_from_states(PaymentMove.CAPTURE)


def next_order_status(order_id: str, current: OrderStatus, move: OrderMove) -> OrderStatus:
    """The order's state after ``move``; otherwise 409 with the code ``ORDER_REFUSALS`` gives."""
    try:
        return ORDER_TRANSITIONS[(current, move)]
    except KeyError:
        code, sentence = ORDER_REFUSALS[(current, move)]
        raise Conflict(sentence.format(id=order_id), code=code) from None


def next_payment_status(order_id: str, current: PaymentStatus, move: PaymentMove) -> PaymentStatus:
    """The payment's state after ``move``; otherwise 409 naming the order and why."""
    try:
        return PAYMENT_TRANSITIONS[(current, move)]
    except KeyError:
        raise _payment_refusal(order_id, current, move) from None


def _payment_refusal(order_id: str, current: PaymentStatus, move: PaymentMove) -> Conflict:
    if move in REFUNDS and current not in PAID_STATES:
        return Conflict(
            f"Order {order_id} is not paid; cancel or void it instead.", code="order_not_paid"
        )
    if move in REFUNDS:  # more back than was paid; the refund's conditional UPDATE says it first
        return Conflict(
            "This refund would pass what was paid for the order.", code="refund_exceeds_paid"
        )
    if move is PaymentMove.VOID and current is PaymentStatus.UNPAID:
        return Conflict(
            "Only an authorized card payment can be voided; cancel the order.",
            code="not_authorized",
        )
    if current is PaymentStatus.AUTHORIZED:  # authorized twice: checkout authorizes only once
        return Conflict(f"Order {order_id} is already authorized.", code="order_already_authorized")
    # Otherwise the payment is voided or paid: word it as the order that payment implies.
    order = OrderStatus.CANCELLED if current is PaymentStatus.VOIDED else OrderStatus.PAID
    order_move = OrderMove.CANCEL if move is PaymentMove.VOID else OrderMove.PAY
    code, sentence = ORDER_REFUSALS[(order, order_move)]
    return Conflict(sentence.format(id=order_id), code=code)


def payment_after_checkout(
    order_id: str, current: PaymentStatus, answer: PaymentStatus
) -> PaymentStatus:
    """The payment after the gateway's ``answer`` at checkout: an invoice stays unpaid, a card
    is authorized, or captured at once."""
    if answer is current:
        return current
    return next_payment_status(order_id, current, CHECKOUT_MOVES[answer])


def payment_after_capture(
    order_id: str, status: OrderStatus, payment: PaymentStatus
) -> PaymentStatus:
    """The payment's state once captured; refused while the order is cancelled or paid."""
    next_order_status(order_id, status, OrderMove.PAY)
    return next_payment_status(order_id, payment, PaymentMove.CAPTURE)


def states_after_cancel(
    order_id: str, status: OrderStatus, payment: PaymentStatus, *, void: bool
) -> tuple[OrderStatus, PaymentStatus]:
    """The order's and the payment's states once cancelled: an authorized card is voided with
    the order; ``void`` asks for that and is refused when there is no authorization."""
    cancelled = next_order_status(order_id, status, OrderMove.CANCEL)
    if payment is PaymentStatus.UNPAID and not void:
        return cancelled, payment
    return cancelled, next_payment_status(order_id, payment, PaymentMove.VOID)


def payment_after_refund(order_id: str, payment: PaymentStatus, *, in_full: bool) -> PaymentStatus:
    """The payment's state after a refund; ``in_full`` when the refunds reach what was paid."""
    move = PaymentMove.REFUND_IN_FULL if in_full else PaymentMove.REFUND_IN_PART
    return next_payment_status(order_id, payment, move)


MAX_LINES = 50


def check_quantity(quantity: object, *, maximum: int) -> int:
    """A whole number from 1 to the store's per-line limit; 422 ``invalid_quantity`` otherwise."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= maximum:
        raise Invalid(
            f"A quantity is a whole number from 1 to {maximum:,}; got {quantity!r}.",
            code="invalid_quantity",
        )
    return quantity
