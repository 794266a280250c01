"""Products: what a seat is a seat of."""

from __future__ import annotations

from enum import StrEnum


class ProductKind(StrEnum):
    FIXED = "fixed"  # one course
    OPEN_ENDED = "open_ended"  # the assigner or learner picks one of the product's fixed options
