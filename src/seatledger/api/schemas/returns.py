"""Return requests and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from seatledger.api.schemas.common import Id, Outcome, PublicModel, RequestBody


class ReturnRequestCreate(RequestBody):
    seat_ids: list[Id] | None = Field(default=None, max_length=1000)
    order_id: Id | None = Field(default=None, description="Return every open seat of this order.")
    refund: StrictBool
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    comment: Annotated[str, Field(max_length=2000)] | None = None


class ReturnDecision(RequestBody):
    decision: Literal["approve", "deny"]
    refund: StrictBool | None = Field(default=None, description="Defaults to what was requested.")
    outcome: Outcome = "expire"
    note: Annotated[str, Field(max_length=2000)] | None = None


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
