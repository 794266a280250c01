"""The catalog: products and the options of open-ended ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow


class Product(Base):
    """Something sold: a fixed product is one course; an open-ended one offers a choice."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("store_id", "sku"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductOption(Base):
    """A fixed product that a seat of an open-ended product may become."""

    __tablename__ = "product_options"

    product_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"), primary_key=True)
    option_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("products.id"), primary_key=True)
