from __future__ import annotations

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, CursorQuery, LimitQuery, StorePath
from seatledger.api.schemas import Page, ProductCreate, ProductPublic
from seatledger.db.pagination import page_of
from seatledger.dependencies import DatabaseDep
from seatledger.domain.products import ProductKind
from seatledger.services.storefront import catalog

router = APIRouter(prefix="/api/v1/stores/{store}", tags=["catalog"])


@router.post("/products", status_code=201, response_model=ProductPublic)
def create_product(
    store: StorePath, body: ProductCreate, database: DatabaseDep, caller: CallerDep
) -> ProductPublic:
    """Add a product (``store.manage``); prices are decimal strings in the store's currency."""
    product = catalog.create_product(
        database,
        caller,
        store,
        sku=body.sku,
        name=body.name,
        price=body.price,
        kind=ProductKind(body.kind),
        option_skus=body.option_skus,
    )
    return ProductPublic.model_validate(product)


@router.get("/products", response_model=Page[ProductPublic])
def list_products(
    store: StorePath, database: DatabaseDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[ProductPublic]:
    """The published products (anyone), oldest first."""
    page = page_of(catalog.list_products(database, store), limit=limit, cursor=cursor)
    return Page[ProductPublic](
        items=[ProductPublic.model_validate(p) for p in page.items], next_cursor=page.next_cursor
    )
