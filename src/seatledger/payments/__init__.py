"""Payment gateways behind one small interface (SPEC.md rule 8)."""

from seatledger.payments.gateway import PaymentGateway, PaymentResult, gateway_for

__all__ = ["PaymentGateway", "PaymentResult", "gateway_for"]
