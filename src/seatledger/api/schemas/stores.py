"""Stores, their customers and their admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from seatledger.api.schemas.common import Email, Name, NewPassword, PublicModel, RequestBody
from seatledger.domain.permissions import Permission
from seatledger.domain.store_settings import Currency, StoreSettings, StoreSettingsPatch
from seatledger.inputs import SLUG


class StoreCreate(RequestBody):
    slug: Annotated[str, Field(min_length=1, max_length=63), SLUG]
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


class CustomerCreate(RequestBody):
    email: Email
    name: Name
    password: NewPassword


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
