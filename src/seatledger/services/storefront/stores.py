"""Stores and their settings."""

from __future__ import annotations

from seatledger.db.base import utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Store
from seatledger.domain.errors import Conflict, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.domain.store_settings import StoreSettings, StoreSettingsPatch, check_slug
from seatledger.services.audit_trail import audit
from seatledger.services.people import access


def settings_of(store: Store) -> StoreSettings:
    return StoreSettings.model_validate(store.settings or {})


def _snapshot(store: Store) -> dict[str, object]:
    return {"slug": store.slug, "name": store.name, "settings": dict(store.settings)}


def create_store(
    db: Database,
    caller: str | None,
    *,
    slug: str,
    name: str,
    currency: str | None = None,
    settings: StoreSettingsPatch | None = None,
) -> Store:
    """Create a store (installation owners only)."""
    check_slug(slug)
    patch = settings or StoreSettingsPatch()
    if currency is not None:
        patch = patch.model_copy(update={"currency": currency})
    effective = patch.apply_to(StoreSettings())
    with db.write() as session:
        actor = access.actor_in_store(session, caller, store_id="")
        access.require_signed_in(actor)
        if not actor.is_owner:
            raise PermissionDenied("Only an installation owner can create stores.")
        store = Store(slug=slug, name=name, settings=effective.model_dump(mode="json"))
        add_unique(
            session,
            store,
            Conflict(f"The slug '{slug}' is already taken.", code="slug_taken"),
        )
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="store.created",
            entity="store",
            entity_id=store.id,
            after=_snapshot(store),
        )
    return store


def get_store(db: Database, caller: str | None, store_slug: str) -> Store:
    """The store with its settings, for its customers."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        return store


def update_store(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    name: str | None = None,
    settings: StoreSettingsPatch | None = None,
) -> Store:
    """Rename a store or change its settings (``store.manage``)."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        before = _snapshot(store)
        if name is not None:
            store.name = name
        if settings is not None:
            store.settings = settings.apply_to(settings_of(store)).model_dump(mode="json")
        after = _snapshot(store)
        if after != before:
            store.updated_at = utcnow()
            audit.record(
                session,
                store_id=store.id,
                actor=actor,
                action="store.updated",
                entity="store",
                entity_id=store.id,
                before=before,
                after=after,
            )
    return store
