"""Request and response bodies, in families per resource (``GroupCreate``, ``GroupPublic``...)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from seatledger.domain.permissions import Permission
from seatledger.domain.store_settings import Currency, StoreSettings, StoreSettingsPatch

T = TypeVar("T")

Id = Annotated[str, Field(min_length=1, max_length=64)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Email = Annotated[str, Field(min_length=3, max_length=320)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]


class RequestBody(BaseModel):
    """Request bodies refuse unknown fields; booleans and numbers use strict types."""

    model_config = ConfigDict(extra="forbid")


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


# Auth
class TokenCreate(RequestBody):
    email: Email
    password: Password


class TokenPublic(PublicModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime


# Stores
class StoreCreate(RequestBody):
    slug: Annotated[str, Field(min_length=1, max_length=63)]
    name: Name
    currency: Currency | None = None
    settings: StoreSettingsPatch | None = None


class StoreUpdate(RequestBody):
    name: Name | None = None
    settings: StoreSettingsPatch | None = None


class StorePublic(PublicModel):
    id: str
    slug: str
    name: str
    currency: str
    settings: StoreSettings
    created_at: datetime


# Customers and admins
class CustomerCreate(RequestBody):
    email: Email
    name: Name
    password: Password


class CustomerPublic(PublicModel):
    id: str
    email: str
    name: str


class MePublic(PublicModel):
    customer: CustomerPublic | None
    permissions: list[str]
    agent_group_ids: list[str] = Field(description="Every group the caller is agent of.")
    agent_grant_group_ids: list[str] = Field(description="The groups the role was granted on.")
    is_owner: bool


class AdminGrantUpdate(RequestBody):
    permissions: list[Permission] = Field(max_length=len(Permission) * 2)


class AdminGrantPublic(PublicModel):
    customer_id: str
    email: str
    permissions: list[str]


# Purchasing groups
GroupCode = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]


class GroupCreate(RequestBody):
    name: Name
    code: GroupCode | None = None
    parent_id: Id | None = None


class GroupUpdate(RequestBody):
    name: Name | None = None
    code: GroupCode | None = None
    parent_id: Id | None = Field(default=None, description="null moves the group to the root.")
    active: StrictBool | None = None


class GroupPublic(PublicModel):
    id: str
    name: str
    code: str | None
    parent_id: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ManagedGroupPublic(GroupPublic):
    via: str = Field(description="The group the agent grant sits on (this group or an ancestor).")


class AgentPublic(PublicModel):
    customer_id: str
    email: str
    name: str
    via: str = Field(description="The group the grant sits on (this group or an ancestor).")
    granted_at: datetime


# Audit
class AuditEventPublic(PublicModel):
    id: str
    at: datetime
    actor_id: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# Catalog
Sku = Annotated[str, Field(min_length=1, max_length=64)]
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


# Orders
class OrderLineCreate(RequestBody):
    sku: Sku
    quantity: StrictInt = Field(description="A whole number from 1 to the store's per-line limit.")


class PaymentCreate(RequestBody):
    method: Literal["invoice", "test_card"]
    card_number: Annotated[str, Field(max_length=32)] | None = None


class OrderCreate(RequestBody):
    lines: list[OrderLineCreate] = Field(max_length=50)
    purchasing_group_id: Id | None
    payment: PaymentCreate
    on_behalf_of: Id | None = None


class OrderLinePublic(PublicModel):
    line_number: int
    sku: str
    product_id: str
    quantity: int
    unit_price: str
    line_total: str


class OrderPublic(PublicModel):
    id: str
    number: int
    status: str
    payment_status: str
    payment_method: str
    total: str
    refunded: str
    currency: str
    purchasing_group_id: str | None
    buyer_id: str
    placed_by: str | None
    card_last4: str | None
    created_at: datetime
    paid_at: datetime | None
    lines: list[OrderLinePublic]


# Seats and capacity
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


class SeatAssign(RequestBody):
    email: Email
    owner_group_id: Id | None = None
    course_sku: Sku | None = None


class SeatLinkCreate(SeatAssign):
    message: Annotated[str, Field(max_length=2000)] | None = None


Outcome = Literal["expire", "drop", "destroy"]


class SeatUnassign(RequestBody):
    outcome: Outcome
    reason: Annotated[str, Field(max_length=500)] | None = None


class SeatTransfer(RequestBody):
    email: Email
    mode: Literal["instant", "email"]
    outcome: Outcome
    course_sku: Sku | None = Field(default=None, description="Defaults to the current course.")


class BulkRowCreate(RequestBody):
    email: Annotated[str, Field(max_length=320)]
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


class RedemptionPreviewPublic(PublicModel):
    store: str
    store_name: str
    sku: str
    course_name: str
    course_options: list[str] | None
    course_sku: str | None
    email_masked: str
    status: Literal["pending", "used", "cancelled", "expired"]
    expires_at: datetime | None


class Redeem(RequestBody):
    course_sku: Sku | None = None


class EnrollmentPublic(PublicModel):
    id: str
    status: str
    sku: str
    course_name: str
    seat_id: str
    customer_id: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None


class EnrollmentProgress(RequestBody):
    status: Literal["in_progress", "completed"]


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


# Refunds
class RefundCreate(RequestBody):
    seat_ids: list[Id] = Field(min_length=1, max_length=10_000)
    note: Annotated[str, Field(max_length=2000)] | None = None


class RefundPublic(PublicModel):
    id: str
    order_id: str
    amount: str
    currency: str
    seat_ids: list[str]
    payment_status: str
    external_action_required: bool = Field(
        description="True when someone must also send the money back outside seatledger."
    )


# Returns
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
