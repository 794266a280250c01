from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from seatledger.api.deps import CallerDep, CursorQuery, LimitQuery
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
def get_store(store: str, database: DatabaseDep, caller: CallerDep) -> StorePublic:
    return _store(stores.get_store(database, caller, store))


@router.patch("/{store}", response_model=StorePublic)
def update_store(
    store: str, body: StoreUpdate, database: DatabaseDep, caller: CallerDep
) -> StorePublic:
    """Rename the store or change settings (``store.manage``)."""
    return _store(
        stores.update_store(database, caller, store, name=body.name, settings=body.settings)
    )


@router.post(
    "/{store}/customers", status_code=201, response_model=CustomerPublic, responses=RATE_LIMITED
)
def sign_up(
    store: str, body: CustomerCreate, database: DatabaseDep, limits: ClientLimitsDep
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
    store: str,
    database: DatabaseDep,
    caller: CallerDep,
    email: Annotated[str | None, Query(max_length=320)] = None,
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
    store: str, customer_id: str, database: DatabaseDep, caller: CallerDep
) -> RevokedPublic:
    """Sign a customer out everywhere: revoke all their tokens and sessions (``store.manage``)."""
    revoked = tokens.revoke_customer_sessions(database, caller, store, customer_id)
    return RevokedPublic(revoked=revoked)


@router.get("/{store}/me", response_model=MePublic)
def me(store: str, database: DatabaseDep, caller: CallerDep) -> MePublic:
    return MePublic.model_validate(customers.me(database, caller, store))


@router.get("/{store}/admins", response_model=list[AdminGrantPublic])
def list_admins(store: str, database: DatabaseDep, caller: CallerDep) -> list[AdminGrantPublic]:
    return [AdminGrantPublic.model_validate(a) for a in admins.list_admins(database, caller, store)]


@router.put("/{store}/admins/{customer_id}", response_model=AdminGrantPublic)
def set_admin_permissions(
    store: str, customer_id: str, body: AdminGrantUpdate, database: DatabaseDep, caller: CallerDep
) -> AdminGrantPublic:
    """Replace a customer's admin permissions (an empty list removes them all)."""
    grant = admins.set_permissions(database, caller, store, customer_id, body.permissions)
    return AdminGrantPublic.model_validate(grant)
