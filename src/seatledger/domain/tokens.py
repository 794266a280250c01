"""Secret tokens (API tokens, redemption links): at least 128 random bits; only hashes kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

# The kinds of bearer credential (``api_tokens.kind``): an API token, sent as
# ``Authorization: Bearer``, and a browser session's id, kept in the session cookie. Each is
# accepted only where it belongs.
API_TOKEN = "api"
SESSION = "session"
TOKEN_KINDS = (API_TOKEN, SESSION)

# ``last_used_at`` is written at most once a minute per credential: enough to tell a stale
# token from a busy one, without a write on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)

# What a token looks like (new_token makes 43 of these characters); anything else is refused
# before any lookup.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


def new_token() -> str:
    """256 random bits, URL-safe (rule 15 asks for at least 128)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What is stored and looked up instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_stale_use(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a use at ``now`` should be written down as the credential's last use."""
    return last_used_at is None or now - last_used_at >= LAST_USED_GRANULARITY
