"""Payment gateways behind one small interface (rule 8, docs/rules.md)."""

from seatledger.payments.gateway import PaymentGateway, PaymentResult, gateway_for

__all__ = ["PaymentGateway", "PaymentResult", "gateway_for"]
