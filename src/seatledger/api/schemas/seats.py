"""Seats, their assignment as shown on a seat, and capacity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from seatledger.api.schemas.common import Id, PublicModel, RequestBody


class SeatOwnerGroupUpdate(RequestBody):
    owner_group_id: Id


class AssignmentPublic(PublicModel):
    email: str
    learner_id: str | None
    owner_group_id: str | None = Field(description="The seat's owner group when assigned.")
    mode: str
    status: str
    course_sku: str | None
    assigned_at: datetime
    redeemed_at: datetime | None
    link_expires_at: datetime | None


class SeatPublic(PublicModel):
    id: str
    status: str
    owner_group_id: str | None
    order_id: str
    order_line_id: str
    product_id: str
    sku: str
    price: str
    currency: str
    buyer_id: str
    redeem_by: datetime | None
    created_at: datetime
    updated_at: datetime
    assignment: AssignmentPublic | None = None
    enrollment_id: str | None = None


class CapacityLinePublic(BaseModel):
    product_id: str | None = None
    sku: str | None = None
    purchased: int
    available: int
    awaiting: int
    assigned: int
    return_pending: int
    refunded: int
    expired: int


class CapacityPublic(BaseModel):
    group_id: str
    group_name: str
    include_descendants: bool
    products: list[CapacityLinePublic]
    totals: CapacityLinePublic
