"""Money: exact amounts in minor units of the store's currency; decimal strings at the edges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from seatledger.domain.errors import Invalid

# ISO 4217 currencies whose minor unit is not the cent.
MINOR_UNIT_DIGITS = {"JPY": 0, "KRW": 0, "VND": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3}
MAX_AMOUNT_MINOR = 10**15


def digits(currency: str) -> int:
    return MINOR_UNIT_DIGITS.get(currency, 2)


def parse_amount(text: str, currency: str) -> int:
    """'149.00' -> 14900 (for USD); refuses floats' leftovers, negatives and extra digits."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        raise Invalid(f"'{text}' is not an amount like '149.00'.", code="invalid_price") from None
    if not value.is_finite() or value < 0:
        raise Invalid("An amount is a non-negative decimal like '149.00'.", code="invalid_price")
    minor = value.scaleb(digits(currency))
    if minor != minor.to_integral_value():
        raise Invalid(
            f"{currency} amounts have at most {digits(currency)} decimal places.",
            code="invalid_price",
        )
    if minor > MAX_AMOUNT_MINOR:
        raise Invalid("The amount is too large.", code="invalid_price")
    return int(minor)


def format_amount(minor: int, currency: str) -> str:
    """14900 -> '149.00' (for USD)."""
    places = digits(currency)
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}"
