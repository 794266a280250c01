"""The password policy (rule 47), after NIST SP 800-63B: long enough, not the person's own
words, not a commonly used password; no composition rules (docs/adr/0021).

It applies wherever a password is chosen: sign-up (API and pages), ``create-owner`` and a
password change. Signing in never checks it, so an older, shorter password still works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from seatledger.domain.errors import Invalid
from seatledger.services.people.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

# One to three characters said again and again ("aaaaaaaaaa", "abababababab", ten spaces).
_REPEATED = re.compile(r"(.{1,3})\1+", re.DOTALL)
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords of zxcvbn's frequency lists, lower-cased; read once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # imported on first use: ~40 ms

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def weakness(
    password: str, *, email: str, name: str | None = None, store_names: Iterable[str] = ()
) -> str | None:
    """Why ``password`` may not be chosen (a sentence), or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    if _REPEATED.fullmatch(password):
        return "The password repeats the same few characters: choose one harder to guess."
    address = email.strip().casefold()
    own_words = [
        ("your email address", address),
        ("your email address", address.partition("@")[0]),
        ("your name", name or ""),
        *(("the store's name", store) for store in store_names),
    ]
    mine = _squashed(password)
    for what, word in own_words:
        if _squashed(word) and mine == _squashed(word):
            return f"The password may not be {what}: choose another."
    if password.strip().casefold() in common_passwords():
        return "The password is on a list of commonly used passwords: choose one harder to guess."
    return None


def check_password_strength(
    password: str, *, email: str, name: str | None = None, store_names: Iterable[str] = ()
) -> None:
    """Refuse a weak password: 422 ``weak_password`` with the reason."""
    problem = weakness(password, email=email, name=name, store_names=store_names)
    if problem is not None:
        raise weak_password(problem)


def weak_password(problem: str) -> Invalid:
    return Invalid(problem, code="weak_password")


def _squashed(text: str) -> str:
    """Lower case without spaces or punctuation: "Acme Training" and "acme-training" match."""
    return _NOT_ALPHANUMERIC.sub("", text.casefold())
