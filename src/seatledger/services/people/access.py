"""Who the caller is: token authentication and the caller's standing inside a store."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, literal_column, or_, select, update
from sqlalchemy.orm import Session

from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import (
    AdminPermission,
    AgentGrant,
    ApiKey,
    ApiToken,
    Customer,
    Store,
    User,
)
from seatledger.domain.actor import ANONYMOUS, Actor
from seatledger.domain.api_keys import ApiKeyCaller, key_permissions
from seatledger.domain.errors import NotFound, PermissionDenied, Unauthenticated
from seatledger.domain.permissions import (
    ALL_PERMISSIONS,
    Permission,
    effective_permissions,
)
from seatledger.domain.tokens import API_TOKEN, LAST_USED_GRANULARITY, is_stale_use
from seatledger.domain.tokens import hash_token as hash_token

# Statements built once (docs/adr/0014): every authenticated request runs them.
_TOKEN = select(ApiToken.id, ApiToken.user_id, ApiToken.expires_at, ApiToken.last_used_at).where(
    ApiToken.token_hash == bindparam("token_hash"), ApiToken.kind == bindparam("kind")
)
_TOUCH = (
    update(ApiToken)
    .where(
        ApiToken.id == bindparam("token_id"),
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < bindparam("stale_before")),
    )
    .values(last_used_at=bindparam("used_at"))
)


class Credential(NamedTuple):
    """Who is calling, and with which token or session (its row id, never the secret)."""

    user_id: str
    token_id: str


def authenticate(db: Database, secret: str, *, kind: str = API_TOKEN) -> Credential:
    """The user holding this unexpired credential of ``kind``; 401 ``invalid_token``
    otherwise, also for a session id sent as an API token and the other way round."""
    with db.read_once() as connection:
        row = connection.execute(_TOKEN, {"token_hash": hash_token(secret), "kind": kind}).first()
    now = utcnow()
    if row is None or row.expires_at <= now:
        raise Unauthenticated(
            "The API token is unknown or has expired: ask for a new one at /api/v1/auth/token.",
            code="invalid_token",
        )
    if is_stale_use(row.last_used_at, now):
        _touch(db, row.id, now)
    return Credential(str(row.user_id), str(row.id))


def _touch(db: Database, token_id: str, now: datetime, statement: Any = _TOUCH) -> None:
    """Write down the use: once a minute at most, and the first of racing requests wins."""
    stale_before = now - LAST_USED_GRANULARITY
    with db.write_core() as connection:
        connection.execute(
            statement, {"token_id": token_id, "stale_before": stale_before, "used_at": now}
        )


_KEY = select(ApiKey.id, ApiKey.expires_at, ApiKey.revoked_at, ApiKey.last_used_at).where(
    ApiKey.key_hash == bindparam("key_hash")
)
_TOUCH_KEY = (
    update(ApiKey)
    .where(
        ApiKey.id == bindparam("token_id"),
        or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < bindparam("stale_before")),
    )
    .values(last_used_at=bindparam("used_at"))
)


def authenticate_key(db: Database, secret: str) -> ApiKeyCaller:
    """The API key (rule 31) with this secret, unless revoked or expired: 401
    ``invalid_token`` otherwise. What it may do is read per store (``actor_in_store``)."""
    with db.read_once() as connection:
        row = connection.execute(_KEY, {"key_hash": hash_token(secret)}).first()
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= now)
    ):
        raise Unauthenticated("The API key is unknown, revoked or expired.", code="invalid_token")
    if is_stale_use(row.last_used_at, now):
        _touch(db, row.id, now, _TOUCH_KEY)
    return ApiKeyCaller(row.id)


def authenticate_token(db: Database, token: str) -> str:
    """The id of the user holding this unexpired API token; 401 ``invalid_token`` otherwise."""
    return authenticate(db, token).user_id


def find_store(session: Session, store_slug: str) -> Store:
    store = session.scalar(select(Store).where(Store.slug == store_slug))
    if store is None:
        raise _store_not_found(store_slug)
    return store


def _store_not_found(store_slug: str) -> NotFound:
    return NotFound(f"No store with slug '{store_slug}' exists.", code="store_not_found")


class StoreAccess(NamedTuple):
    store: Store
    actor: Actor


def enter_store(session: Session, caller: str | None, store_slug: str) -> StoreAccess:
    """The store and the caller's standing in it (anonymous when ``caller`` is None)."""
    store = find_store(session, store_slug)
    return StoreAccess(store, actor_in_store(session, caller, store.id))


# The caller's standing in one query: their user, their customer record in the store, and
# that customer's admin permissions and agent grants folded into comma-separated lists (ids
# and permission names hold no commas). The separator is written into the SQL, not bound
# at each execution.
_COMMA: Any = literal_column("','")
_STANDING = (
    User.id.label("user_id"),
    User.is_owner,
    Customer.id.label("customer_id"),
    select(func.aggregate_strings(AdminPermission.permission, _COMMA))
    .where(AdminPermission.customer_id == Customer.id)
    .scalar_subquery()
    .label("permissions"),
    select(func.aggregate_strings(AgentGrant.group_id, _COMMA))
    .where(AgentGrant.customer_id == Customer.id)
    .scalar_subquery()
    .label("grants"),
)
_ACTOR_IN_STORE = (
    select(*_STANDING)
    .select_from(User)
    .outerjoin(
        Customer, and_(Customer.user_id == User.id, Customer.store_id == bindparam("store_id"))
    )
    .where(User.id == bindparam("user_id"))
)
_STORE_AND_ACTOR = (
    select(
        Store.id.label("store_id"),
        Store.name.label("store_name"),
        Store.settings.label("store_settings"),
        *_STANDING,
    )
    .select_from(Store)
    .outerjoin(User, User.id == bindparam("user_id"))
    .outerjoin(Customer, and_(Customer.user_id == User.id, Customer.store_id == Store.id))
    .where(Store.slug == bindparam("store_slug"))
)


def actor_in_store(session: Session, caller: str | None, store_id: str) -> Actor:
    if caller is None:
        return ANONYMOUS
    if isinstance(caller, ApiKeyCaller):
        return _key_actor(session.execute(_KEY_STANDING, {"key_id": caller}).first(), store_id)
    row = session.execute(_ACTOR_IN_STORE, {"user_id": caller, "store_id": store_id}).first()
    return _actor(row)


class StoreRef(NamedTuple):
    """What a Core use case needs of its store."""

    id: str
    name: str
    settings: dict[str, Any]


def enter_store_core(
    connection: Connection, caller: str | None, store_slug: str
) -> tuple[StoreRef, Actor]:
    """``enter_store`` in one query on a Core connection: the same refusals in the same order."""
    row = connection.execute(
        _STORE_AND_ACTOR, {"user_id": caller, "store_slug": store_slug}
    ).first()
    if row is None:
        raise _store_not_found(store_slug)
    store = StoreRef(row.store_id, row.store_name, row.store_settings or {})
    if isinstance(caller, ApiKeyCaller):
        key = connection.execute(_KEY_STANDING, {"key_id": caller}).first()
        return store, _key_actor(key, store.id)
    return store, ANONYMOUS if caller is None else _actor(row if row.user_id else None)


# An API key and the standing of the person who created it, in the key's own store.
_KEY_STANDING = (
    select(
        ApiKey.id.label("key_id"),
        ApiKey.store_id.label("key_store_id"),
        ApiKey.permissions.label("key_permissions"),
        ApiKey.agent_group_ids.label("key_groups"),
        *_STANDING,
    )
    .select_from(ApiKey)
    .join(User, User.id == ApiKey.created_by)
    .outerjoin(Customer, and_(Customer.user_id == User.id, Customer.store_id == ApiKey.store_id))
    .where(ApiKey.id == bindparam("key_id"))
)


def _key_actor(row: Any, store_id: str) -> Actor:
    """What an API key may do in the store entered: nothing outside its own store; in it,
    its permissions that its creator still holds, its agent groups, and only while its
    creator still manages the store (docs/adr/0025)."""
    if row is None:
        raise Unauthenticated("The API key no longer exists.", code="invalid_token")
    if row.key_store_id != store_id:
        return Actor(user_id=None, api_key_id=row.key_id)  # an outsider, like any other
    if row.is_owner:
        creator = ALL_PERMISSIONS
    elif row.customer_id is None:
        creator = frozenset()
    else:
        creator = effective_permissions(_split(row.permissions))
    if Permission.STORE_MANAGE not in creator:
        raise Unauthenticated(
            "The API key's creator no longer manages this store, so the key no longer works.",
            code="invalid_token",
        )
    return Actor(
        user_id=None,
        granted_permissions=key_permissions(row.key_permissions or [], creator),
        agent_grant_group_ids=frozenset(row.key_groups or []),
        api_key_id=row.key_id,
        on_behalf_of=row.customer_id or row.user_id,
    )


def _actor(row: Any) -> Actor:
    if row is None:
        raise Unauthenticated(
            "The account behind this token no longer exists.", code="invalid_token"
        )
    if row.customer_id is None:
        return Actor(user_id=row.user_id, is_owner=row.is_owner)
    return Actor(
        user_id=row.user_id,
        customer_id=row.customer_id,
        is_owner=row.is_owner,
        granted_permissions=frozenset(Permission(p) for p in _split(row.permissions)),
        agent_grant_group_ids=frozenset(_split(row.grants)),
    )


def _split(folded: str | None) -> list[str]:
    return folded.split(",") if folded else []


def require_signed_in(actor: Actor) -> None:
    if actor.is_anonymous:
        raise Unauthenticated()


def require_customer(actor: Actor) -> None:
    """Refuse anonymous callers (401), users not registered in this store and API keys of
    another store (403)."""
    require_signed_in(actor)
    if actor.is_api_key and actor.on_behalf_of is not None:
        return  # a key of this store: its permissions say what it may do
    if actor.customer_id is None and not actor.is_owner:
        raise PermissionDenied(
            "You are not registered in this store: sign up first.", code="not_a_customer"
        )


def require_person(actor: Actor) -> None:
    """Refuse API keys (403 ``api_key_not_allowed``) where only a person may act."""
    if actor.is_api_key:
        raise api_key_refused()


def api_key_refused() -> PermissionDenied:
    return PermissionDenied(
        "An API key cannot do this: sign in as a person with the permission it needs.",
        code="api_key_not_allowed",
    )
