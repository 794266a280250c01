"""Pages: the storefront and checkout."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from seatledger.services import catalog
from seatledger.web.pages import StorePageDep, render
from seatledger.web.routes import page_router
from seatledger.web.session import DatabaseDep

router = page_router()


@router.get("/stores/{store}")
def storefront(request: Request, page: StorePageDep, database: DatabaseDep) -> Response:
    products = [p for p in catalog.list_products(database, page.slug) if p.published]
    return render(request, "shop/storefront.html", page=page, products=products)
