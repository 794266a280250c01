"""The course a seat becomes (rule 18): its product, and the choices an open-ended one offers.

Read with statements built once, on an ORM session or a Core connection alike, because every
assignment and redemption reads them (docs/adr/0014).
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from seatledger.db.models import Product, ProductOption
from seatledger.domain.assignment_plan import CourseFacts, CourseProduct
from seatledger.domain.products import ProductKind

_COLUMNS = (Product.id, Product.sku, Product.kind, Product.name)
_BY_ID = select(*_COLUMNS).where(Product.id == bindparam("product_id"))
_OPTIONS = (
    select(*_COLUMNS)
    .join(ProductOption, ProductOption.option_id == Product.id)
    .where(ProductOption.product_id == bindparam("product_id"))
)


def course_of(executor: Session | Connection, product_id: str) -> CourseFacts:
    """The seat's product, and the fixed products it may become when it is open-ended (the
    catalog refuses options on fixed products, so those are not looked for)."""
    row = executor.execute(_BY_ID, {"product_id": product_id}).first()
    assert row is not None
    product = CourseProduct(*row)
    if product.kind != ProductKind.OPEN_ENDED:
        return CourseFacts(product)
    options = [
        CourseProduct(*option) for option in executor.execute(_OPTIONS, {"product_id": product_id})
    ]
    return CourseFacts(product, {option.sku: option for option in options})


def course_by_id(executor: Session | Connection, product_id: str | None) -> CourseProduct | None:
    if product_id is None:
        return None
    row = executor.execute(_BY_ID, {"product_id": product_id}).first()
    return CourseProduct(*row) if row else None
