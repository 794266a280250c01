"""Handing seats to learners, one at a time or in bulk."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from seatledger.api.schemas.common import Email, Id, Outcome, PublicModel, RequestBody, Sku
from seatledger.inputs import LINE, LINES


class SeatAssign(RequestBody):
    email: Email
    owner_group_id: Id | None = None
    course_sku: Sku | None = None


class SeatLinkCreate(SeatAssign):
    message: Annotated[str, Field(max_length=2000), LINES] | None = None


class SeatUnassign(RequestBody):
    outcome: Outcome
    reason: Annotated[str, Field(max_length=500), LINE] | None = None


class SeatTransfer(RequestBody):
    email: Email
    mode: Literal["instant", "email"]
    outcome: Outcome
    course_sku: Sku | None = Field(default=None, description="Defaults to the current course.")


class BulkRowCreate(RequestBody):
    email: Annotated[str, Field(max_length=320), LINE]
    mode: Literal["instant", "email"] = "email"


class BulkAssign(RequestBody):
    sku: Sku
    owner_group_id: Id | None
    rows: list[BulkRowCreate] = Field(min_length=1, max_length=10_000)
    dry_run: bool = False


class BulkRowPublic(PublicModel):
    email: str
    mode: str
    seat_id: str | None
    error: str | None


class BulkAssignPublic(PublicModel):
    applied: bool
    rows: list[BulkRowPublic]
