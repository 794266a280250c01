"""Products for sale."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from seatledger.api.schemas.common import Name, PublicModel, RequestBody, Sku
from seatledger.inputs import AMOUNT

DecimalString = Annotated[
    str,
    Field(
        examples=["149.00"],
        description=(
            "ASCII digits and at most one dot: below 10^12 (at most 12 digits before the dot) "
            "and with at most the store currency's decimal places (2 for most, 0 for JPY, "
            "3 for BHD)."
        ),
    ),
    AMOUNT,
]


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
