"""The browser session: a signed cookie holding an API token and a CSRF secret.

Signing in issues an ordinary API token (only its hash is stored) and keeps it in the
session cookie, which Starlette signs with ``SEATLEDGER_SECRET_KEY``; signing out deletes
the token, so a copied cookie dies with it. Every form carries the session's CSRF token
and every unsafe request must send it back (form field ``csrf_token`` or header
``X-CSRF-Token``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from seatledger.db.engine import Database
from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import PermissionDenied, Unauthenticated
from seatledger.services.people import access, accounts
from seatledger.services.rate_limiting import ClientLimits

SESSION_COOKIE = "seatledger_session"
SESSION_TTL = timedelta(hours=12)
SESSION_MAX_AGE = int(SESSION_TTL.total_seconds())
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
    token, _ = accounts.issue_token(
        database, email=email, password=password, ttl=SESSION_TTL, limits=limits
    )
    request.session.clear()
    request.session["token"] = token
    csrf_token(request)


def sign_out(request: Request, database: Database) -> None:
    token = request.session.get("token")
    if isinstance(token, str):
        accounts.revoke_token(database, token)
    request.session.clear()


def current_user(request: Request, database: DatabaseDep) -> str | None:
    """The signed-in user's id, or None; an expired or revoked session is forgotten."""
    token = request.session.get("token")
    if not isinstance(token, str):
        return None
    try:
        return access.authenticate_token(database, token)
    except Unauthenticated:
        request.session.pop("token", None)
        return None


def flash(request: Request, message: str, kind: str = "success") -> None:
    """A message shown once on the next page."""
    # Set the key again: the session saves only keys assigned, not lists changed in place,
    # so a second flash before the next page would otherwise be lost.
    request.session["flashes"] = [*request.session.get("flashes", []), [kind, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in request.session.pop("flashes", [])]


ViewerDep = Annotated[str | None, Depends(current_user)]
