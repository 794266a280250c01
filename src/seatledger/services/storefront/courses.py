"""The course a seat becomes (rule 18): its product, and the choices an open-ended one offers.

Read with statements built once, on an ORM session or a Core connection alike, because every
assignment and redemption reads them (docs/adr/0014).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from seatledger.db.models import Product, ProductOption
from seatledger.domain.enrollments import choose_course


class CourseProduct(NamedTuple):
    id: str
    sku: str
    kind: str
    name: str


_COLUMNS = (Product.id, Product.sku, Product.kind, Product.name)
_BY_ID = select(*_COLUMNS).where(Product.id == bindparam("product_id"))
_BY_SKU = select(*_COLUMNS).where(
    Product.store_id == bindparam("store_id"), Product.sku == bindparam("sku")
)
_OPTION_SKUS = (
    select(Product.sku)
    .join(ProductOption, ProductOption.option_id == Product.id)
    .where(ProductOption.product_id == bindparam("product_id"))
    .order_by(Product.sku)
)


@dataclass(frozen=True)
class Course:
    product: CourseProduct
    options: list[str]

    def pick(self, chosen: str | None) -> str | None:
        return choose_course(self.product.kind, self.product.sku, self.options, chosen)


def course_of(executor: Session | Connection, product_id: str) -> Course:
    """The seat's product, and the fixed products it may become when it is open-ended (the
    catalog refuses options on fixed products, so those are not looked for)."""
    row = executor.execute(_BY_ID, {"product_id": product_id}).first()
    assert row is not None
    product = CourseProduct(*row)
    options: list[str] = []
    if product.kind == "open_ended":
        options = list(executor.execute(_OPTION_SKUS, {"product_id": product_id}).scalars())
    return Course(product, options)


def product_by_sku(executor: Session | Connection, store_id: str, sku: str) -> CourseProduct:
    row = executor.execute(_BY_SKU, {"store_id": store_id, "sku": sku}).first()
    assert row is not None
    return CourseProduct(*row)
