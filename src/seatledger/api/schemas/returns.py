"""Return requests and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from seatledger.api.schemas.common import Id, Outcome, PublicModel, RequestBody
from seatledger.inputs import LINE, LINES


class ReturnRequestCreate(RequestBody):
    """Names the seats to return, or an order whose open seats to return (or both)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["seat_ids"], "properties": {"seat_ids": {"type": "array"}}},
                {"required": ["order_id"], "properties": {"order_id": {"type": "string"}}},
            ]
        }
    )

    seat_ids: list[Id] | None = Field(default=None, min_length=1, max_length=1000)
    order_id: Id | None = Field(default=None, description="Return every open seat of this order.")
    refund: StrictBool
    reason: Annotated[str, Field(min_length=1, max_length=200), LINE]
    comment: Annotated[str, Field(max_length=2000), LINES] | None = None

    @model_validator(mode="after")
    def _names_seats(self) -> ReturnRequestCreate:
        if self.seat_ids is None and self.order_id is None:
            raise PydanticCustomError(
                "seats_required", "Name the seats to return, or an order with seats to return."
            )
        return self


class ReturnDecision(RequestBody):
    decision: Literal["approve", "deny"]
    refund: StrictBool | None = Field(default=None, description="Defaults to what was requested.")
    outcome: Outcome = "expire"
    note: Annotated[str, Field(max_length=2000), LINES] | None = None


class ReturnRequestPublic(PublicModel):
    id: str
    status: str
    refund: bool
    reason: str
    comment: str | None
    seat_ids: list[str]
    requester_id: str
    decision: str | None
    note: str | None
    created_at: datetime
    decided_at: datetime | None
