"""The gateway interface, and the two built-in gateways: invoice and the test card.

A real gateway implements ``PaymentGateway`` and is added to ``GATEWAYS``.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Protocol

from seatledger.domain.errors import Conflict, Invalid, PaymentFailed
from seatledger.domain.orders import PaymentMethod, PaymentStatus

DECLINING_TEST_CARD = "4000000000000002"


@dataclass(frozen=True)
class PaymentResult:
    status: PaymentStatus
    reference: str | None = None
    card_last4: str | None = None


class PaymentGateway(Protocol):
    method: PaymentMethod

    def start(
        self, *, amount_minor: int, currency: str, card_number: str | None, capture: bool
    ) -> PaymentResult:
        """Begin paying: capture now, authorize only, or (invoice) wait. Declines raise."""

    def capture(self, *, reference: str | None, amount_minor: int) -> None:
        """Take the money of an authorized payment (or record an invoice as paid)."""

    def void(self, *, reference: str | None) -> None:
        """Release an authorization; nothing is taken."""

    def refund(self, *, reference: str | None, amount_minor: int) -> RefundResult:
        """Give money back; says when someone must also act in an outside payment console."""


@dataclass(frozen=True)
class RefundResult:
    reference: str | None
    external_action_required: bool


class InvoiceGateway:
    """A purchase order: nothing is charged; an admin marks the invoice paid."""

    method = PaymentMethod.INVOICE

    def start(
        self, *, amount_minor: int, currency: str, card_number: str | None, capture: bool
    ) -> PaymentResult:
        if card_number is not None:
            raise Invalid("Invoices take no card number.", code="unexpected_card_number")
        return PaymentResult(status=PaymentStatus.UNPAID)

    def capture(self, *, reference: str | None, amount_minor: int) -> None:
        return None

    def void(self, *, reference: str | None) -> None:
        raise Conflict("An invoice has no authorization to void; cancel it.", code="not_authorized")

    def refund(self, *, reference: str | None, amount_minor: int) -> RefundResult:
        # The money came by bank transfer: someone must send it back outside seatledger.
        return RefundResult(reference=None, external_action_required=True)


# A card number as the test gateway takes it: 16 ASCII digits, spaces anywhere.
CARD_NUMBER_PATTERN = r"^ *(?:[0-9] *){16}$"
_CARD_NUMBER = re.compile(CARD_NUMBER_PATTERN)


def card_digits(card_number: str) -> str:
    """The 16 digits of a test card number; 422 ``invalid_card_number`` otherwise."""
    if not _CARD_NUMBER.fullmatch(card_number):
        raise Invalid("A test card number has 16 digits.", code="invalid_card_number")
    return card_number.replace(" ", "")


@dataclass
class TestCardGateway:
    """The built-in test gateway: any 16-digit number passes except the declining one."""

    method = PaymentMethod.TEST_CARD
    ledger: list[tuple[str, str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self, *, amount_minor: int, currency: str, card_number: str | None, capture: bool
    ) -> PaymentResult:
        number = card_digits(card_number or "")
        if number == DECLINING_TEST_CARD:
            raise PaymentFailed(
                "The card was declined; no payment was taken.", code="payment_declined"
            )
        reference = f"test_{secrets.token_hex(8)}"
        self._record("capture" if capture else "authorize", reference, amount_minor)
        status = PaymentStatus.PAID if capture else PaymentStatus.AUTHORIZED
        return PaymentResult(status=status, reference=reference, card_last4=number[-4:])

    def capture(self, *, reference: str | None, amount_minor: int) -> None:
        self._record("capture", reference or "", amount_minor)

    def void(self, *, reference: str | None) -> None:
        self._record("void", reference or "", 0)

    def refund(self, *, reference: str | None, amount_minor: int) -> RefundResult:
        refund_reference = f"test_refund_{secrets.token_hex(8)}"
        self._record("refund", reference or "", amount_minor)
        return RefundResult(reference=refund_reference, external_action_required=False)

    def _record(self, action: str, reference: str, amount_minor: int) -> None:
        with self._lock:
            self.ledger.append((action, reference, amount_minor))


GATEWAYS: dict[PaymentMethod, PaymentGateway] = {
    PaymentMethod.INVOICE: InvoiceGateway(),
    PaymentMethod.TEST_CARD: TestCardGateway(),
}


def gateway_for(method: PaymentMethod | str) -> PaymentGateway:
    return GATEWAYS[PaymentMethod(method)]
