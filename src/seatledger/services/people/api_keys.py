"""API keys for machine clients (rule 31): create one (the key shown once), list, revoke.

Only a person holding ``store.manage`` manages keys; a key never does, whatever it holds, so
a leaked key cannot make more. A key holds a subset of its creator's permissions and/or the
agent role on groups its creator can hand seats out in. Decisions: docs/adr/0025.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db import group_closure
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import ApiKey, Customer, PurchasingGroup, User
from seatledger.db.pagination import Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.api_keys import NAME_MAX, new_key
from seatledger.domain.errors import Invalid, PermissionDenied, not_found
from seatledger.domain.permissions import Permission, effective_permissions
from seatledger.domain.tokens import hash_token
from seatledger.services.audit_trail import audit
from seatledger.services.people import access


@dataclass(frozen=True)
class ApiKeyView:
    """A key as its store's admins see it: never the key, nor its hash."""

    id: str
    name: str
    permissions: list[str]
    agent_group_ids: list[str]
    created_by: str
    created_by_email: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: ``key`` is shown here and never again."""

    view: ApiKeyView
    key: str


def create_key(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    name: str,
    permissions: Iterable[str] = (),
    agent_group_ids: Iterable[str] = (),
    expires_at: datetime | None = None,
) -> NewApiKey:
    """Make a key of this store (``store.manage``, a person): 201 with the key, once. Who
    may is checked first, so a stranger learns nothing from the body's refusals."""
    with db.write() as session:
        store, actor = _manager(session, caller, store_slug)
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise Invalid(
                f"An API key needs a name of 1-{NAME_MAX} characters.", code="name_required"
            )
        wanted = sorted({_permission(p).value for p in permissions})
        groups = sorted(set(agent_group_ids))
        if not wanted and not groups:
            raise Invalid(
                "Give the key at least one permission or one group to act as agent of.",
                code="api_key_empty",
            )
        now = utcnow()
        if expires_at is not None and expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)  # read as UTC, like the API's dates
        if expires_at is not None and expires_at <= now:
            raise Invalid("An API key's expiry must be in the future.", code="invalid_expiry")
        beyond = sorted(set(effective_permissions(wanted)) - actor.permissions)
        if beyond:
            raise PermissionDenied(
                f"A key cannot hold what you do not: you lack {', '.join(beyond)}.",
                code="api_key_exceeds_creator",
            )
        _check_groups(session, store.id, actor, groups)
        key = new_key()
        row = ApiKey(
            store_id=store.id,
            name=name,
            key_hash=hash_token(key),
            permissions=wanted,
            agent_group_ids=groups,
            created_by=_creator_user_id(session, actor),
            created_at=now,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="api_key.created",
            entity="api_key",
            entity_id=row.id,
            after=_snapshot(row),
        )
        return NewApiKey(_view(row, _email(session, row.created_by)), key)


def list_keys(
    db: Database, caller: str | None, store_slug: str, *, limit: int = 50, cursor: str | None = None
) -> Page[ApiKeyView]:
    """The store's keys not revoked (expired ones too), oldest first (``store.manage``)."""
    with db.read() as session:
        store, _ = _manager(session, caller, store_slug)
        query = select(ApiKey).where(ApiKey.store_id == store.id, ApiKey.revoked_at.is_(None))
        page = paginate(session, query, ApiKey.id, limit=limit, cursor=cursor)
        creators = {row.created_by for row in page.items}
        emails = {
            str(user_id): str(email)
            for user_id, email in session.execute(
                select(User.id, User.email).where(User.id.in_(creators))
            )
        }
        return Page(
            [_view(row, emails.get(row.created_by)) for row in page.items], page.next_cursor
        )


def revoke_key(db: Database, caller: str | None, store_slug: str, key_id: str) -> None:
    """Revoke a key (``store.manage``): the next request made with it is refused (401)."""
    with db.write() as session:
        store, actor = _manager(session, caller, store_slug)
        revoked = session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.store_id == store.id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if changed_rows(revoked) == 0:
            raise not_found("API key", key_id)
        row = session.get(ApiKey, key_id)
        assert row is not None
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="api_key.revoked",
            entity="api_key",
            entity_id=key_id,
            before=_snapshot(row),
        )


def _manager(session: Session, caller: str | None, store_slug: str) -> access.StoreAccess:
    entered = access.enter_store(session, caller, store_slug)
    access.require_customer(entered.actor)
    access.require_person(entered.actor)
    entered.actor.require(Permission.STORE_MANAGE)
    return entered


def _check_groups(session: Session, store_id: str, actor: Actor, group_ids: list[str]) -> None:
    """Each group is the store's, and one the creator hands seats out in: any group with
    ``seats.manage``, else a group they are agent of (or below one)."""
    if not group_ids:
        return
    found = set(
        session.scalars(
            select(PurchasingGroup.id).where(
                PurchasingGroup.store_id == store_id, PurchasingGroup.id.in_(group_ids)
            )
        )
    )
    for group_id in group_ids:
        if group_id not in found:
            raise not_found("purchasing group", group_id)
    if actor.has(Permission.SEATS_MANAGE):
        return
    reach = group_closure.agent_reach_ids(session, actor.agent_grant_group_ids)
    outside = [group_id for group_id in group_ids if group_id not in reach]
    if outside:
        raise PermissionDenied(
            "A key can act as agent only of groups you hand seats out in: "
            f"not {', '.join(outside)}.",
            code="api_key_exceeds_creator",
        )


def _permission(text: str) -> Permission:
    try:
        return Permission(text)
    except ValueError:
        raise Invalid(f"'{text}' is not an admin permission.", code="unknown_permission") from None


def _creator_user_id(session: Session, actor: Actor) -> str:
    if actor.user_id is not None:
        return actor.user_id
    user_id = session.scalar(select(Customer.user_id).where(Customer.id == actor.customer_id))
    assert user_id is not None
    return str(user_id)


def _email(session: Session, user_id: str) -> str | None:
    return session.scalar(select(User.email).where(User.id == user_id))


def _snapshot(row: ApiKey) -> dict[str, object]:
    return {
        "name": row.name,
        "permissions": list(row.permissions),
        "agent_group_ids": list(row.agent_group_ids),
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


def _view(row: ApiKey, email: str | None) -> ApiKeyView:
    return ApiKeyView(
        id=row.id,
        name=row.name,
        permissions=list(row.permissions),
        agent_group_ids=list(row.agent_group_ids),
        created_by=row.created_by,
        created_by_email=email,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
    )
