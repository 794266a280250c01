"""Unit tests of the order and payment state tables (no database).

Every (state, move) pair of each table is tried: the allowed ones land where the rule says,
every other one is refused with the code (and sentence) the API has always answered.
"""

from __future__ import annotations

import itertools

import pytest

from seatledger.domain.errors import Conflict
from seatledger.domain.orders import (
    CAPTURABLE,
    ORDER_TRANSITIONS,
    PAID_STATES,
    PAYMENT_TRANSITIONS,
    OrderMove,
    OrderStatus,
    PaymentMove,
    PaymentStatus,
    next_order_status,
    next_payment_status,
    order_from_states,
    payment_after_capture,
    payment_after_checkout,
    payment_after_refund,
    payment_from_states,
    states_after_cancel,
)

Pending, Paid, Cancelled = OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.CANCELLED
Unpaid, Authorized, Captured, Voided, Partly, Refunded = (
    PaymentStatus.UNPAID,
    PaymentStatus.AUTHORIZED,
    PaymentStatus.PAID,
    PaymentStatus.VOIDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
Authorize, Capture, Void, InPart, InFull = (
    PaymentMove.AUTHORIZE,
    PaymentMove.CAPTURE,
    PaymentMove.VOID,
    PaymentMove.REFUND_IN_PART,
    PaymentMove.REFUND_IN_FULL,
)

# The rules, written out.
ORDER_ALLOWED = {
    (Pending, OrderMove.PAY): Paid,
    (Pending, OrderMove.CANCEL): Cancelled,
}
ORDER_REFUSED = {
    (Paid, OrderMove.PAY): ("order_already_paid", "Order o1 is already paid."),
    (Cancelled, OrderMove.PAY): ("order_cancelled", "Order o1 is cancelled."),
    (Paid, OrderMove.CANCEL): (
        "order_already_paid",
        "Order o1 is paid; return or refund its seats instead.",
    ),
    (Cancelled, OrderMove.CANCEL): ("order_cancelled", "Order o1 is already cancelled."),
}
PAYMENT_ALLOWED = {
    (Unpaid, Authorize): Authorized,
    (Unpaid, Capture): Captured,
    (Authorized, Capture): Captured,
    (Authorized, Void): Voided,
    (Captured, InPart): Partly,
    (Captured, InFull): Refunded,
    (Partly, InPart): Partly,
    (Partly, InFull): Refunded,
    (Refunded, InFull): Refunded,  # free seats of a fully refunded order
}
ALREADY_PAID = ("order_already_paid", "Order o1 is already paid.")
PAID_NOT_VOIDABLE = ("order_already_paid", "Order o1 is paid; return or refund its seats instead.")
NOT_PAID = ("order_not_paid", "Order o1 is not paid; cancel or void it instead.")
PAYMENT_REFUSED = {
    (Unpaid, Void): (
        "not_authorized",
        "Only an authorized card payment can be voided; cancel the order.",
    ),
    (Unpaid, InPart): NOT_PAID,
    (Unpaid, InFull): NOT_PAID,
    (Authorized, Authorize): ("order_already_authorized", "Order o1 is already authorized."),
    (Authorized, InPart): NOT_PAID,
    (Authorized, InFull): NOT_PAID,
    (Voided, Authorize): ("order_cancelled", "Order o1 is cancelled."),
    (Voided, Capture): ("order_cancelled", "Order o1 is cancelled."),
    (Voided, Void): ("order_cancelled", "Order o1 is already cancelled."),
    (Voided, InPart): NOT_PAID,
    (Voided, InFull): NOT_PAID,
    **{(paid, Authorize): ALREADY_PAID for paid in (Captured, Partly, Refunded)},
    **{(paid, Capture): ALREADY_PAID for paid in (Captured, Partly, Refunded)},
    **{(paid, Void): PAID_NOT_VOIDABLE for paid in (Captured, Partly, Refunded)},
    (Refunded, InPart): (
        "refund_exceeds_paid",
        "This refund would pass what was paid for the order.",
    ),
}


def test_the_tables_are_the_rules() -> None:
    assert ORDER_TRANSITIONS == ORDER_ALLOWED
    assert PAYMENT_TRANSITIONS == PAYMENT_ALLOWED


def test_every_pair_is_either_allowed_or_refused_for_a_reason() -> None:
    orders = set(itertools.product(OrderStatus, OrderMove))
    payments = set(itertools.product(PaymentStatus, PaymentMove))

    assert ORDER_ALLOWED.keys() | ORDER_REFUSED.keys() == orders
    assert not ORDER_ALLOWED.keys() & ORDER_REFUSED.keys()
    assert PAYMENT_ALLOWED.keys() | PAYMENT_REFUSED.keys() == payments
    assert not PAYMENT_ALLOWED.keys() & PAYMENT_REFUSED.keys()


@pytest.mark.parametrize(("state", "move"), list(itertools.product(OrderStatus, OrderMove)))
def test_every_order_move_in_every_state(state: OrderStatus, move: OrderMove) -> None:
    if (state, move) in ORDER_ALLOWED:
        assert next_order_status("o1", state, move) is ORDER_ALLOWED[(state, move)]
    else:
        with pytest.raises(Conflict) as refused:
            next_order_status("o1", state, move)
        assert (refused.value.code, refused.value.message) == ORDER_REFUSED[(state, move)]


@pytest.mark.parametrize(("state", "move"), list(itertools.product(PaymentStatus, PaymentMove)))
def test_every_payment_move_in_every_state(state: PaymentStatus, move: PaymentMove) -> None:
    if (state, move) in PAYMENT_ALLOWED:
        assert next_payment_status("o1", state, move) is PAYMENT_ALLOWED[(state, move)]
    else:
        with pytest.raises(Conflict) as refused:
            next_payment_status("o1", state, move)
        assert (refused.value.code, refused.value.message) == PAYMENT_REFUSED[(state, move)]


def test_the_conditional_updates_claim_from_the_tables_states() -> None:
    assert order_from_states(OrderMove.PAY) == {Pending}
    assert order_from_states(OrderMove.CANCEL) == {Pending}
    assert payment_from_states(Capture) == CAPTURABLE == {Unpaid, Authorized}
    assert payment_from_states(Void) == {Authorized}
    assert payment_from_states(InFull) == PAID_STATES


@pytest.mark.parametrize(
    ("answer", "payment"),
    [(Unpaid, Unpaid), (Authorized, Authorized), (Captured, Captured)],
)
def test_checkout_moves_the_new_payment_as_the_gateway_answers(
    answer: PaymentStatus, payment: PaymentStatus
) -> None:
    assert payment_after_checkout("o1", Unpaid, answer) is payment


@pytest.mark.parametrize(
    ("order", "payment", "outcome"),
    [
        (Pending, Unpaid, Captured),  # an invoice marked paid
        (Pending, Authorized, Captured),  # a card captured
        (Cancelled, Unpaid, ("order_cancelled", "Order o1 is cancelled.")),
        (Cancelled, Voided, ("order_cancelled", "Order o1 is cancelled.")),
        (Paid, Captured, ALREADY_PAID),
        (Paid, Refunded, ALREADY_PAID),
        (Pending, Captured, ALREADY_PAID),  # paid, the order not yet: a capture in flight
    ],
)
def test_capture(
    order: OrderStatus, payment: PaymentStatus, outcome: PaymentStatus | tuple[str, str]
) -> None:
    if isinstance(outcome, PaymentStatus):
        assert payment_after_capture("o1", order, payment) is outcome
    else:
        with pytest.raises(Conflict) as refused:
            payment_after_capture("o1", order, payment)
        assert (refused.value.code, refused.value.message) == outcome


@pytest.mark.parametrize(
    ("order", "payment", "void", "outcome"),
    [
        (Pending, Unpaid, False, (Cancelled, Unpaid)),  # an invoice given up
        (Pending, Authorized, False, (Cancelled, Voided)),  # the card is released with it
        (Pending, Authorized, True, (Cancelled, Voided)),
        (
            Pending,
            Unpaid,
            True,
            ("not_authorized", "Only an authorized card payment can be voided; cancel the order."),
        ),
        (Cancelled, Unpaid, False, ("order_cancelled", "Order o1 is already cancelled.")),
        (Cancelled, Voided, True, ("order_cancelled", "Order o1 is already cancelled.")),
        (Paid, Captured, False, PAID_NOT_VOIDABLE),
        (Paid, Partly, True, PAID_NOT_VOIDABLE),
    ],
)
def test_cancel_and_void(
    order: OrderStatus,
    payment: PaymentStatus,
    void: bool,
    outcome: tuple[OrderStatus, PaymentStatus] | tuple[str, str],
) -> None:
    if isinstance(outcome[0], OrderStatus):
        assert states_after_cancel("o1", order, payment, void=void) == outcome
    else:
        with pytest.raises(Conflict) as refused:
            states_after_cancel("o1", order, payment, void=void)
        assert (refused.value.code, refused.value.message) == outcome


@pytest.mark.parametrize(
    ("payment", "in_full", "after"),
    [
        (Captured, False, Partly),
        (Captured, True, Refunded),
        (Partly, False, Partly),
        (Partly, True, Refunded),
        (Refunded, True, Refunded),
    ],
)
def test_a_refund_leaves_the_payment_partly_or_fully_refunded(
    payment: PaymentStatus, in_full: bool, after: PaymentStatus
) -> None:
    assert payment_after_refund("o1", payment, in_full=in_full) is after


def test_states_are_the_words_stored_and_shown() -> None:
    assert [s.value for s in OrderStatus] == ["pending", "paid", "cancelled"]
    assert [s.value for s in PaymentStatus] == [
        "unpaid",
        "authorized",
        "paid",
        "voided",
        "partially_refunded",
        "refunded",
    ]
