"""Products: what a seat is a seat of."""

from __future__ import annotations

import re
from enum import StrEnum

from seatledger.domain.errors import Invalid

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_SKU = re.compile(SKU_PATTERN)


def check_sku(sku: str) -> str:
    """A SKU is 1-64 letters, digits, dots, dashes or underscores; 422 ``invalid_sku``."""
    if not _SKU.fullmatch(sku):
        raise Invalid(
            "A SKU is 1-64 letters, digits, dots, dashes or underscores.", code="invalid_sku"
        )
    return sku


class ProductKind(StrEnum):
    FIXED = "fixed"  # one course
    OPEN_ENDED = "open_ended"  # the assigner or learner picks one of the product's fixed options
