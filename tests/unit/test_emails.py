from __future__ import annotations

import pytest

from seatledger.domain.emails import mask_email, normalize_email
from seatledger.domain.errors import Invalid


def test_addresses_compare_case_insensitively() -> None:
    assert normalize_email("  Jane.DOE@Example.COM ") == "jane.doe@example.com"


@pytest.mark.parametrize("address", ["plain", "a@", "@b.com", "two@@example.com", "x@localhost"])
def test_invalid_addresses_are_refused_with_a_code(address: str) -> None:
    with pytest.raises(Invalid) as caught:
        normalize_email(address)

    assert caught.value.code == "invalid_email"


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane.doe@example.com", "j******e@example.com"),
        ("ab@example.com", "a*b@example.com"),
        ("a@example.com", "a*@example.com"),
    ],
)
def test_masking_hides_the_local_part(address: str, masked: str) -> None:
    assert mask_email(address) == masked
