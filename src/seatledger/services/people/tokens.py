"""A person's tokens and sessions (rule 48): list them, revoke one or all; an admin with
``store.manage`` revokes a customer's.

Tokens and sessions are rows of ``api_tokens`` (``kind`` 'api' or 'session'); revoking one
deletes its row, so the next request made with it is refused (401 ``invalid_token``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import ApiToken
from seatledger.db.pagination import Page, paginate
from seatledger.domain.errors import PermissionDenied, Unauthenticated, not_found
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.people.access import Credential
from seatledger.services.people.customers import find_customer


@dataclass(frozen=True)
class TokenView:
    """A token or session as its owner sees it: never the secret, nor its hash."""

    id: str
    kind: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool


def list_tokens(
    db: Database, credential: Credential | None, *, limit: int = 50, cursor: str | None = None
) -> Page[TokenView]:
    """The caller's unexpired tokens and sessions, oldest first; ``current`` marks the one
    this request came with."""
    caller = _signed_in(credential)
    with db.read() as session:
        query = select(ApiToken).where(
            ApiToken.user_id == caller.user_id, ApiToken.expires_at > utcnow()
        )
        page = paginate(session, query, ApiToken.id, limit=limit, cursor=cursor)
    views = [_view(row, current=row.id == caller.token_id) for row in page.items]
    return Page(views, page.next_cursor)


def revoke_token(db: Database, credential: Credential | None, token_id: str) -> None:
    """Revoke one of the caller's own tokens or sessions (the current one too); another
    person's answers 404 ``token_not_found``, exactly like a missing one."""
    caller = _signed_in(credential)
    with db.write() as session:
        deleted = session.execute(
            delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == caller.user_id)
        )
        if changed_rows(deleted) == 0:
            raise not_found("token", token_id)


def revoke_all_tokens(db: Database, credential: Credential | None) -> int:
    """Revoke every token and session of the caller, the current one included: how many."""
    caller = _signed_in(credential)
    with db.write() as session:
        return revoke_user_tokens(session, caller.user_id)


def revoke_customer_sessions(
    db: Database, caller: str | None, store_slug: str, customer_id: str
) -> int:
    """Sign a customer of this store out everywhere: every token and session of theirs
    (``store.manage``); how many. A customer of another store is not found (404)."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        customer, user = find_customer(session, store.id, customer_id)
        if user.is_owner and not actor.is_owner:
            raise PermissionDenied(
                "Only an installation owner signs an installation owner out.",
                code="permission_denied",
            )
        revoked = revoke_user_tokens(session, user.id)
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="customer.sessions_revoked",
            entity="customer",
            entity_id=customer.id,
            after={"revoked": revoked},
            learner_email=user.email,
        )
        return revoked


def revoke_user_tokens(session: Session, user_id: str, *, keep: str | None = None) -> int:
    """Delete a user's tokens and sessions, all but ``keep`` (a row id), in the caller's
    transaction: how many were live (expired rows go too but are not counted)."""
    query = delete(ApiToken).where(ApiToken.user_id == user_id)
    if keep is not None:
        query = query.where(ApiToken.id != keep)
    now = utcnow()
    expiries = session.scalars(query.returning(ApiToken.expires_at)).all()
    return sum(1 for expires_at in expiries if expires_at > now)


def _signed_in(credential: Credential | None) -> Credential:
    if credential is None:
        raise Unauthenticated()
    return credential


def _view(row: ApiToken, *, current: bool) -> TokenView:
    return TokenView(
        id=row.id,
        kind=row.kind,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        current=current,
    )
