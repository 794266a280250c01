"""API keys for machine clients (rule 31): the secret's shape, and what a key may hold.

A key is ``slk_`` and 256 random bits; the prefix lets secret scanners recognize a leaked
key and lets the API tell a key from a person's token before any lookup. Only its SHA-256
is stored (``domain.tokens.hash_token``). Decisions: docs/adr/0025.
"""

from __future__ import annotations

from collections.abc import Iterable

from seatledger.domain.permissions import Permission, effective_permissions
from seatledger.domain.tokens import new_token

KEY_PREFIX = "slk_"
NAME_MAX = 100


def new_key() -> str:
    return KEY_PREFIX + new_token()


def is_api_key(secret: str) -> bool:
    return secret.startswith(KEY_PREFIX)


class ApiKeyCaller(str):
    """The caller of a request made with an API key: the key's row id, as a caller string.

    Use cases take the caller as ``str | None`` (a user id); an ``ApiKeyCaller`` passes
    through them unchanged, and ``services.people.access`` turns it into the key's ``Actor``
    instead of a person's. It is never a user id, so no use case mistakes it for a learner
    or a buyer.
    """

    __slots__ = ()

    @property
    def key_id(self) -> str:
        return str(self)


def key_permissions(
    granted: Iterable[str], creator_permissions: frozenset[Permission]
) -> frozenset[Permission]:
    """What a key may do now: what it was given, and only while its creator still holds it."""
    return effective_permissions(granted) & creator_permissions
