"""Money: exact amounts in minor units of the store's currency; decimal strings at the edges.

Every amount (a unit price, a line total, an order total) stays below a trillion (10**12)
whole units of its currency: at most 999,999,999,999.99 in a two-decimal currency, and at
most 10**15 - 1 minor units in any currency. That fits a 64-bit integer column more than
9,000 times over (so sums of many orders still fit) and is exact in a double-precision
float, which is what JavaScript clients parse numbers into. Checked here, before any
arithmetic reaches the database (docs/adr/0022-input-rules-and-money-bounds.md).
"""

from __future__ import annotations

import re

from seatledger.domain.errors import Invalid

# ISO 4217 currencies whose minor unit is not the cent.
MINOR_UNIT_DIGITS = {"JPY": 0, "KRW": 0, "VND": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3}
MAX_WHOLE_DIGITS = 12  # an amount is below 10**12 whole units of its currency
MAX_FRACTION_DIGITS = max(MINOR_UNIT_DIGITS.values())
# The written form of an amount in any currency: ASCII digits only ("١٢٣" is not a price).
AMOUNT_PATTERN = rf"^[0-9]{{1,{MAX_WHOLE_DIGITS}}}(\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?$"
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_AMOUNT = re.compile(AMOUNT_PATTERN)


def digits(currency: str) -> int:
    return MINOR_UNIT_DIGITS.get(currency, 2)


def max_amount_minor(currency: str) -> int:
    """The largest amount in ``currency``, in minor units: 99,999,999,999,999 for USD."""
    return int(10 ** (MAX_WHOLE_DIGITS + digits(currency))) - 1


def parse_amount(text: str, currency: str) -> int:
    """'149.00' -> 14900 (for USD); refuses signs, exponents, non-ASCII digits, more decimal
    places than the currency has (``invalid_price``) and amounts past the bound
    (``amount_too_large``)."""
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise Invalid(
            f"{text!r} is not an amount like '149.00' (ASCII digits and one dot).",
            code="invalid_price",
        )
    whole, _, fraction = text.partition(".")
    places = digits(currency)
    if len(fraction.rstrip("0")) > places:
        raise Invalid(
            f"{currency} amounts have at most {places} decimal places.", code="invalid_price"
        )
    whole = whole.lstrip("0")
    if len(whole) > MAX_WHOLE_DIGITS:  # decided on the text: no huge number is ever built
        raise _too_large("A price", currency)
    minor = int(whole or "0") * 10**places + int(fraction[:places].ljust(places, "0") or "0")
    return check_amount(minor, currency, what="A price")


def check_written_amount(text: str) -> str:
    """``text`` if it is written as an amount of some currency (``AMOUNT_PATTERN``); which
    currency takes it is decided with the store's (``parse_amount``)."""
    if _AMOUNT.fullmatch(text):
        return text
    if _DECIMAL.fullmatch(text) and len(text.partition(".")[2]) <= MAX_FRACTION_DIGITS:
        raise Invalid(
            f"An amount has at most {MAX_WHOLE_DIGITS} digits before the dot.",
            code="amount_too_large",
        )
    raise Invalid(
        f"{text!r} is not an amount like '149.00' (ASCII digits, at most one dot and "
        f"{MAX_FRACTION_DIGITS} decimal places).",
        code="invalid_price",
    )


def check_amount(minor: int, currency: str, *, what: str = "An amount") -> int:
    """``minor`` if it is within the bound; 422 ``amount_too_large`` naming the bound otherwise."""
    if minor > max_amount_minor(currency):
        raise _too_large(what, currency, f" This one is {format_amount(minor, currency)}.")
    return minor


def _too_large(what: str, currency: str, detail: str = "") -> Invalid:
    bound = format_amount(max_amount_minor(currency), currency)
    return Invalid(f"{what} is at most {bound} {currency}.{detail}", code="amount_too_large")


def format_amount(minor: int, currency: str) -> str:
    """14900 -> '149.00' (for USD)."""
    places = digits(currency)
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}"
