"""The browser session: a signed cookie holding an opaque session id and a CSRF secret.

Signing in starts a session (``services/people/sessions``): a random id whose SHA-256 is a
row of kind 'session', never an API token, so the cookie, which Starlette signs with
``SEATLEDGER_SECRET_KEY`` but does not encrypt, opens no API even when read (rule 48,
docs/adr/0021). Signing out deletes the row, so a copied cookie dies with it. Every form
carries the session's CSRF token and every unsafe request must send it back (form field
``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request

from seatledger.db.engine import Database
from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import PermissionDenied, Unauthenticated
from seatledger.services.people import sessions
from seatledger.services.people.access import Credential
from seatledger.services.rate_limiting import ClientLimits

SESSION_COOKIE = "seatledger_session"
SESSION_KEY = "sid"  # the cookie's field holding the session id
SESSION_MAX_AGE = int(sessions.SESSION_TTL.total_seconds())
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request that does not carry this session's CSRF token (403)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        field = form.get("csrf_token")
        sent = field if isinstance(field, str) else None
    expected = request.session.get("csrf")
    if not (isinstance(expected, str) and sent and secrets.compare_digest(sent, expected)):
        raise PermissionDenied(
            "This form has expired or did not come from this site: reload the page and try again.",
            code="csrf_failed",
        )


def sign_in(
    request: Request,
    database: Database,
    *,
    email: str,
    password: str,
    limits: ClientLimits | None = None,
) -> None:
    """Check the pair, then start a fresh session (new CSRF token: no session fixation)."""
    session_id = sessions.start_session(database, email=email, password=password, limits=limits)
    request.session.clear()
    request.session[SESSION_KEY] = session_id
    csrf_token(request)


def sign_out(request: Request, database: Database) -> None:
    session_id = request.session.get(SESSION_KEY)
    if isinstance(session_id, str):
        sessions.end_session(database, session_id)
    request.session.clear()


def is_signed_in(request: Request) -> bool:
    """Whether the cookie names a session (checked against the database by ``current_user``)."""
    return isinstance(request.session.get(SESSION_KEY), str)


def current_credential(request: Request, database: DatabaseDep) -> Credential | None:
    """The signed-in user and their session's row, or None; an expired or revoked session is
    forgotten. Looked up once per request."""
    if hasattr(request.state, "credential"):
        return request.state.credential  # type: ignore[no-any-return]
    credential = None
    session_id = request.session.get(SESSION_KEY)
    if isinstance(session_id, str):
        try:
            credential = sessions.session_user(database, session_id)
        except Unauthenticated:
            request.session.pop(SESSION_KEY, None)
    request.state.credential = credential
    return credential


def current_user(request: Request, database: DatabaseDep) -> str | None:
    """The signed-in user's id, or None."""
    credential = current_credential(request, database)
    return credential.user_id if credential else None


def flash(request: Request, message: str, kind: str = "success") -> None:
    """A message shown once on the next page."""
    # Set the key again: the session saves only keys assigned, not lists changed in place,
    # so a second flash before the next page would otherwise be lost.
    request.session["flashes"] = [*request.session.get("flashes", []), [kind, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in request.session.pop("flashes", [])]


ViewerDep = Annotated[str | None, Depends(current_user)]
CredentialDep = Annotated[Credential | None, Depends(current_credential)]
