from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _full_validator(address: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


plain_addresses = st.from_regex(
    r"\A[a-zA-Z0-9][a-zA-Z0-9._+-]{0,20}@[a-zA-Z0-9-]{1,12}(\.[a-zA-Z0-9-]{1,12}){0,2}\.[a-zA-Z]{2,6}\Z"
)


@given(plain_addresses)
def test_the_fast_path_agrees_with_the_full_validator(address: str) -> None:
    expected = _full_validator(address)
    try:
        actual: str | None = normalize_email(address)
    except Invalid:
        actual = None

    assert actual == expected


@pytest.mark.parametrize(
    "address",
    ["a..b@example.com", "a.@example.com", ".a@example.com", "a@-x.com", "a@x-.com", "a@x.test"],
)
def test_tricky_addresses_are_refused(address: str) -> None:
    with pytest.raises(Invalid):
        normalize_email(address)
