"""Request and response bodies, in families per resource (``GroupCreate``, ``GroupPublic``...)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool

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
