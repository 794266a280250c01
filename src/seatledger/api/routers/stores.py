from __future__ import annotations

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, CursorQuery, EmailQuery, IdPath, LimitQuery, StorePath
from seatledger.api.errors import RATE_LIMITED
from seatledger.api.schemas import (
    AdminGrantPublic,
    AdminGrantUpdate,
    CustomerCreate,
    CustomerPublic,
    MePublic,
    Page,
    RevokedPublic,
    StoreCreate,
    StorePublic,
    StoreUpdate,
)
from seatledger.db.models import Store
from seatledger.db.pagination import page_of
from seatledger.dependencies import ClientLimitsDep, DatabaseDep
from seatledger.services.people import admins, customers, tokens
from seatledger.services.storefront import stores

router = APIRouter(prefix="/api/v1/stores", tags=["stores"])


def _store(store: Store) -> StorePublic:
    settings = stores.settings_of(store)
    return StorePublic(
        id=store.id,
        slug=store.slug,
        name=store.name,
        currency=settings.currency,
        settings=settings,
        created_at=store.created_at,
    )


@router.post("", status_code=201, response_model=StorePublic)
def create_store(body: StoreCreate, database: DatabaseDep, caller: CallerDep) -> StorePublic:
    """Create a store (installation owners)."""
    return _store(
        stores.create_store(
            database,
            caller,
            slug=body.slug,
            name=body.name,
            currency=body.currency,
            settings=body.settings,
        )
    )


@router.get("/{store}", response_model=StorePublic)
def get_store(store: StorePath, database: DatabaseDep, caller: CallerDep) -> StorePublic:
    return _store(stores.get_store(database, caller, store))


@router.patch("/{store}", response_model=StorePublic)
def update_store(
    store: StorePath, body: StoreUpdate, database: DatabaseDep, caller: CallerDep
) -> StorePublic:
    """Rename the store or change settings (``store.manage``)."""
    return _store(
        stores.update_store(database, caller, store, name=body.name, settings=body.settings)
    )


@router.post(
    "/{store}/customers", status_code=201, response_model=CustomerPublic, responses=RATE_LIMITED
)
def sign_up(
    store: StorePath, body: CustomerCreate, database: DatabaseDep, limits: ClientLimitsDep
) -> CustomerPublic:
    """Register as a customer of this store (sign-ups per address are rate limited)."""
    view = customers.sign_up(
        database,
        store,
        email=body.email,
        name=body.name,
        password=body.password,
        limits=limits,
    )
    return CustomerPublic.model_validate(view)


@router.get("/{store}/customers", response_model=Page[CustomerPublic])
def list_customers(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    email: EmailQuery = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[CustomerPublic]:
    page = customers.list_customers(
        database, caller, store, email=email, limit=limit, cursor=cursor
    )
    return Page[CustomerPublic](
        items=[CustomerPublic.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.delete("/{store}/customers/{customer_id}/sessions", response_model=RevokedPublic)
def revoke_customer_sessions(
    store: StorePath, customer_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> RevokedPublic:
    """Sign a customer out everywhere: revoke all their tokens and sessions (``store.manage``)."""
    revoked = tokens.revoke_customer_sessions(database, caller, store, customer_id)
    return RevokedPublic(revoked=revoked)


@router.get("/{store}/me", response_model=MePublic)
def me(store: StorePath, database: DatabaseDep, caller: CallerDep) -> MePublic:
    return MePublic.model_validate(customers.me(database, caller, store))


@router.get("/{store}/admins", response_model=Page[AdminGrantPublic])
def list_admins(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[AdminGrantPublic]:
    """Every customer holding an admin permission (``store.manage``), by customer id."""
    grants = admins.list_admins(database, caller, store)
    page = page_of(grants, key=lambda grant: grant.customer_id, limit=limit, cursor=cursor)
    return Page[AdminGrantPublic](
        items=[AdminGrantPublic.model_validate(a) for a in page.items],
        next_cursor=page.next_cursor,
    )


@router.put("/{store}/admins/{customer_id}", response_model=AdminGrantPublic)
def set_admin_permissions(
    store: StorePath,
    customer_id: IdPath,
    body: AdminGrantUpdate,
    database: DatabaseDep,
    caller: CallerDep,
) -> AdminGrantPublic:
    """Replace a customer's admin permissions (an empty list removes them all)."""
    grant = admins.set_permissions(database, caller, store, customer_id, body.permissions)
    return AdminGrantPublic.model_validate(grant)
