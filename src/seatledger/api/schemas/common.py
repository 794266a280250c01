"""Types and bases every request and response body is made of."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from seatledger.inputs import LINE, SKU
from seatledger.services.people.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

T = TypeVar("T")

# Ids this service gives out (seatledger.db.base.new_id): 32 lower-case hex digits.
ID_PATTERN = r"^[0-9a-f]{32}$"

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=32, max_length=32)]
Name = Annotated[str, Field(min_length=1, max_length=200), LINE]
Email = Annotated[
    str,
    Field(
        min_length=3,
        max_length=320,
        json_schema_extra={"format": "email"},
        description="An address on a real domain: special-use ones (.test, .example, .local, "
        ".localhost, .invalid...) are refused with invalid_email.",
    ),
    LINE,
]
Password = Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
# A password being chosen. The schema shows the policy's length; the service checks it (and
# the rest of rule 47), so a short one is refused as 422 ``weak_password`` like a common one.
NewPassword = Annotated[
    str,
    Field(
        max_length=MAX_PASSWORD_LENGTH,
        json_schema_extra={"minLength": MIN_PASSWORD_LENGTH},
        description=(
            f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters; not the email, the "
            "name, the store's name or a commonly used password (422 weak_password)."
        ),
    ),
]
Sku = Annotated[str, Field(min_length=1, max_length=64), SKU]
Outcome = Literal["expire", "drop", "destroy"]


class RequestBody(BaseModel):
    """Request bodies refuse unknown fields; booleans and numbers use strict types."""

    model_config = ConfigDict(extra="forbid")


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
