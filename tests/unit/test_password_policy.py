"""Rule 47's password policy, without a database: what is refused and why."""

from __future__ import annotations

import pytest

from seatledger.domain.errors import Invalid
from seatledger.services.people import password_policy
from seatledger.services.people.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

EMAIL = "Jane.Doe@Example.com"


def reason(password: str, **context: object) -> str | None:
    return password_policy.weakness(
        password, email=EMAIL, name="Jane Doe", store_names=["Acme Training", "acme"], **context
    )


@pytest.mark.parametrize(
    ("password", "because"),
    [
        ("password", "at least 10 characters"),
        ("12345678", "at least 10 characters"),
        ("aaaaaaaa", "at least 10 characters"),
        (" " * 8, "at least 10 characters"),
        ("x" * (MIN_PASSWORD_LENGTH - 1), "at least 10 characters"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "at most 1024 characters"),
        ("a" * 12, "repeats the same few characters"),
        (" " * 12, "repeats the same few characters"),
        ("abcabcabcabc", "repeats the same few characters"),
        ("jane.doe@example.com", "your email address"),
        ("JANE.DOE@EXAMPLE.COM", "your email address"),
        ("jane-doe-jane", None),
        ("Jane Doe Doe", None),
        ("Acme Training", "the store's name"),
        ("ACME-TRAINING", "the store's name"),
        ("password123", "on a list of commonly used passwords"),
        ("PASSWORD123", "on a list of commonly used passwords"),
        ("1234567890", "on a list of commonly used passwords"),
        ("qwertyuiop", "on a list of commonly used passwords"),
        ("correct-horse-battery", None),
        ("ten chars!", None),
        ("x" * 3 + "y" * 7, None),
    ],
)
def test_each_check_names_itself(password: str, because: str | None) -> None:
    found = reason(password)

    if because is None:
        assert found is None
    else:
        assert found is not None and because in found


def test_the_local_part_of_the_email_is_refused_too() -> None:
    found = password_policy.weakness("marguerite.fontaine", email="Marguerite.Fontaine@x.org")

    assert found is not None and "your email address" in found


def test_the_name_is_refused() -> None:
    found = password_policy.weakness("Pat Q. Personable", email="p@x.org", name="pat q personable")

    assert found is not None and "your name" in found


def test_a_name_of_symbols_only_does_not_refuse_a_password_of_symbols() -> None:
    assert password_policy.weakness("!@#$%^&*()-+", email="p@x.org", name="--") is None


def test_the_exact_minimum_and_maximum_lengths_are_accepted() -> None:
    assert password_policy.weakness("n7#Kq9vLp2", email="p@x.org") is None
    assert password_policy.weakness("n7#Kq9vLp2" * 102 + "abcd", email="p@x.org") is None


def test_a_refusal_is_weak_password_with_the_reason() -> None:
    with pytest.raises(Invalid) as refused:
        password_policy.check_password_strength("password", email="p@x.org")

    assert refused.value.code == "weak_password"
    assert refused.value.message == "Choose a password of at least 10 characters."


def test_the_common_list_is_read_once() -> None:
    assert password_policy.common_passwords() is password_policy.common_passwords()
    assert len(password_policy.common_passwords()) > 20_000
