"""Products for sale."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from seatledger.api.schemas.common import Name, PublicModel, RequestBody, Sku

DecimalString = Annotated[str, Field(pattern=r"^\d{1,13}(\.\d{1,4})?$", examples=["149.00"])]


class ProductCreate(RequestBody):
    sku: Sku
    name: Name
    price: DecimalString
    kind: Literal["fixed", "open_ended"] = "fixed"
    option_skus: list[Sku] | None = Field(default=None, max_length=200)


class ProductPublic(PublicModel):
    id: str
    sku: str
    name: str
    price: str
    currency: str
    kind: str
    option_skus: list[str]
