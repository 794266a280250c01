from __future__ import annotations

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, CursorQuery, EmailQuery, IdPath, LimitQuery, StorePath
from seatledger.api.schemas import (
    AdminGrantPublic,
    AdminGrantUpdate,
    CustomerCreate,
    CustomerPublic,
    MePublic,
    Page,
    StoreCreate,
    StorePublic,
    StoreUpdate,
)
from seatledger.db.models import Store
from seatledger.db.pagination import page_of
from seatledger.dependencies import DatabaseDep
from seatledger.services.people import admins, customers
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


@router.post("/{store}/customers", status_code=201, response_model=CustomerPublic)
def sign_up(store: StorePath, body: CustomerCreate, database: DatabaseDep) -> CustomerPublic:
    """Register as a customer of this store."""
    view = customers.sign_up(
        database, store, email=body.email, name=body.name, password=body.password
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
