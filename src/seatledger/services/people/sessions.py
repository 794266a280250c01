"""Browser sessions (rule 48): an opaque session id, stored only as its SHA-256.

A session is a row of ``api_tokens`` of kind 'session': listed, revoked and expired like an
API token, but never accepted as one (nor an API token as a session), so what the cookie
holds opens no API (docs/adr/0021).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import ApiToken
from seatledger.domain.tokens import SESSION, hash_token, new_token
from seatledger.services.people import access, accounts
from seatledger.services.rate_limiting import ClientLimits

SESSION_TTL = timedelta(hours=12)


def start_session(
    db: Database, *, email: str, password: str, limits: ClientLimits | None = None
) -> str:
    """A new session id for a correct email and password; 401 ``invalid_credentials``, or
    429 ``rate_limited`` with ``limits`` (rule 47).

    The password is verified (argon2, slow on purpose) between a read and a short write, so
    no write transaction, nor SQLite's writer turn, waits on it.
    """
    user_id = accounts.signing_in(db, email=email, password=password, limits=limits)
    session_id = new_token()
    with db.write() as session:
        session.add(
            ApiToken(
                user_id=user_id,
                token_hash=hash_token(session_id),
                kind=SESSION,
                expires_at=utcnow() + SESSION_TTL,
            )
        )
    return session_id


def session_user(db: Database, session_id: str) -> access.Credential:
    """The user and row of a live session; 401 ``invalid_token`` when it is unknown, expired,
    revoked or not a session at all."""
    return access.authenticate(db, session_id, kind=SESSION)


def end_session(db: Database, session_id: str) -> None:
    """Sign out: forget the session; an unknown one is already forgotten."""
    with db.write() as session:
        session.execute(
            delete(ApiToken).where(
                ApiToken.token_hash == hash_token(session_id), ApiToken.kind == SESSION
            )
        )
