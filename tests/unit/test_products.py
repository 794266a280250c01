"""Unit tests of the product vocabulary (no database)."""

from __future__ import annotations

from typing import get_args

from seatledger.api.schemas import ProductCreate
from seatledger.domain.products import ProductKind


def test_product_kinds_are_the_words_stored_and_shown() -> None:
    assert [kind.value for kind in ProductKind] == ["fixed", "open_ended"]


def test_the_api_accepts_exactly_the_product_kinds() -> None:
    accepted = get_args(ProductCreate.model_fields["kind"].annotation)

    assert set(accepted) == set(ProductKind)


def test_a_product_kind_compares_equal_to_its_stored_word() -> None:
    assert ProductKind("open_ended") is ProductKind.OPEN_ENDED
    assert ProductKind.FIXED == "fixed"
