"""Password hashing with argon2id (argon2-cffi's PasswordHasher)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# SEATLEDGER_PASSWORD_HASHING=cheapest keeps argon2id but with the library's cheapest
# parameters: for the test suite only, where thousands of sign-ups would otherwise dominate.
_PROFILE = (
    profiles.CHEAPEST
    if os.environ.get("SEATLEDGER_PASSWORD_HASHING") == "cheapest"
    else profiles.RFC_9106_LOW_MEMORY
)
_hasher = PasswordHasher.from_parameters(_PROFILE)
# Verified against when an email is unknown, so a wrong email costs the same time.
_DUMMY_HASH = _hasher.hash("seatledger-no-such-user")

# Rule 47, after NIST SP 800-63B: length is what makes a password strong; no composition rules.
MIN_PASSWORD_LENGTH = 10
# Long enough for any passphrase or manager-made password, short enough that hashing one is
# not a way to burn the server's CPU.
MAX_PASSWORD_LENGTH = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; takes the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
