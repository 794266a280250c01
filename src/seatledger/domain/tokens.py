"""Secret tokens (API tokens, redemption links): at least 128 random bits; only hashes kept."""

from __future__ import annotations

import hashlib
import secrets

# What a token looks like (new_token makes 43 of these characters); anything else is refused
# before any lookup.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


def new_token() -> str:
    """256 random bits, URL-safe (rule 15 asks for at least 128)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What is stored and looked up instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
