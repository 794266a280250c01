"""The catalog: fixed and open-ended products with exact prices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Product, ProductOption, Store
from seatledger.domain.errors import Conflict, Invalid
from seatledger.domain.money import format_amount, parse_amount
from seatledger.domain.permissions import Permission
from seatledger.domain.products import ProductKind, check_sku
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.storefront.stores import settings_of


@dataclass(frozen=True)
class ProductView:
    id: str
    sku: str
    name: str
    price: str
    currency: str
    kind: str
    option_skus: list[str]
    published: bool


def _view(product: Product, currency: str, option_skus: list[str]) -> ProductView:
    return ProductView(
        id=product.id,
        sku=product.sku,
        name=product.name,
        price=format_amount(product.price_minor, currency),
        currency=currency,
        kind=product.kind,
        option_skus=option_skus,
        published=product.published,
    )


def create_product(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    sku: str,
    name: str,
    price: str,
    kind: ProductKind,
    option_skus: list[str] | None = None,
) -> ProductView:
    """Add a product (``store.manage``); open-ended products list the fixed products allowed."""
    check_sku(sku)
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        currency = settings_of(store).currency
        options = _options(session, store, kind, option_skus or [])
        product = Product(
            store_id=store.id,
            sku=sku,
            name=name.strip(),
            kind=kind.value,
            price_minor=parse_amount(price, currency),
        )
        add_unique(session, product, Conflict(f"The SKU '{sku}' is taken.", code="sku_taken"))
        session.add_all(ProductOption(product_id=product.id, option_id=o.id) for o in options)
        view = _view(product, currency, [o.sku for o in options])
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="product.created",
            entity="product",
            entity_id=product.id,
            after={"sku": sku, "price": view.price, "kind": kind.value},
        )
        return view


def _options(session: Session, store: Store, kind: ProductKind, skus: list[str]) -> list[Product]:
    if kind is ProductKind.FIXED:
        if skus:
            raise Invalid("Only open-ended products have options.", code="unexpected_options")
        return []
    if not skus:
        raise Invalid(
            "An open-ended product lists at least one fixed product.", code="options_required"
        )
    found = {
        p.sku: p
        for p in session.scalars(
            select(Product).where(Product.store_id == store.id, Product.sku.in_(skus))
        )
    }
    for sku in skus:
        if sku not in found or found[sku].kind != ProductKind.FIXED:
            raise Invalid(f"'{sku}' is not a fixed product of this store.", code="unknown_option")
    return [found[sku] for sku in dict.fromkeys(skus)]


def option_skus_by_product(session: Session, product_ids: list[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(ProductOption.product_id, Product.sku)
        .join(Product, Product.id == ProductOption.option_id)
        .where(ProductOption.product_id.in_(product_ids))
        .order_by(Product.sku)
    )
    result: dict[str, list[str]] = {}
    for product_id, sku in rows:
        result.setdefault(product_id, []).append(sku)
    return result


def list_products(db: Database, store_slug: str) -> list[ProductView]:
    """The published products of a store (anyone may read the catalog)."""
    with db.read() as session:
        store = access.find_store(session, store_slug)
        currency = settings_of(store).currency
        products = list(
            session.scalars(
                select(Product)
                .where(Product.store_id == store.id, Product.published.is_(True))
                .order_by(Product.sku)
            )
        )
        options = option_skus_by_product(session, [p.id for p in products])
        return [_view(p, currency, options.get(p.id, [])) for p in products]
