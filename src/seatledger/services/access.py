"""Who the caller is: token authentication and the caller's standing inside a store."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import AdminPermission, AgentGrant, ApiToken, Customer, Store, User
from seatledger.domain.actor import ANONYMOUS, Actor
from seatledger.domain.errors import NotFound, PermissionDenied, Unauthenticated
from seatledger.domain.permissions import Permission


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate_token(db: Database, token: str) -> str:
    """The id of the user holding this unexpired API token; 401 ``invalid_token`` otherwise."""
    with db.read() as session:
        row = session.execute(
            select(ApiToken.user_id, ApiToken.expires_at).where(
                ApiToken.token_hash == hash_token(token)
            )
        ).first()
    if row is None or row.expires_at <= utcnow():
        raise Unauthenticated(
            "The API token is unknown or has expired: ask for a new one at /api/v1/auth/token.",
            code="invalid_token",
        )
    return str(row.user_id)


def find_store(session: Session, store_slug: str) -> Store:
    store = session.scalar(select(Store).where(Store.slug == store_slug))
    if store is None:
        raise NotFound(f"No store with slug '{store_slug}' exists.", code="store_not_found")
    return store


class StoreAccess(NamedTuple):
    store: Store
    actor: Actor


def enter_store(session: Session, caller: str | None, store_slug: str) -> StoreAccess:
    """The store and the caller's standing in it (anonymous when ``caller`` is None)."""
    store = find_store(session, store_slug)
    return StoreAccess(store, actor_in_store(session, caller, store.id))


def actor_in_store(session: Session, caller: str | None, store_id: str) -> Actor:
    if caller is None:
        return ANONYMOUS
    user = session.get(User, caller)
    if user is None:
        raise Unauthenticated(
            "The account behind this token no longer exists.", code="invalid_token"
        )
    customer_id = session.scalar(
        select(Customer.id).where(Customer.store_id == store_id, Customer.user_id == user.id)
    )
    if customer_id is None:
        return Actor(user_id=user.id, is_owner=user.is_owner)
    permissions = session.scalars(
        select(AdminPermission.permission).where(AdminPermission.customer_id == customer_id)
    )
    grants = session.scalars(
        select(AgentGrant.group_id).where(AgentGrant.customer_id == customer_id)
    )
    return Actor(
        user_id=user.id,
        customer_id=customer_id,
        is_owner=user.is_owner,
        granted_permissions=frozenset(Permission(p) for p in permissions),
        agent_grant_group_ids=frozenset(grants),
    )


def require_signed_in(actor: Actor) -> None:
    if actor.is_anonymous:
        raise Unauthenticated()


def require_customer(actor: Actor) -> None:
    """Refuse anonymous callers (401) and users not registered in this store (403)."""
    require_signed_in(actor)
    if actor.customer_id is None and not actor.is_owner:
        raise PermissionDenied(
            "You are not registered in this store: sign up first.", code="not_a_customer"
        )
