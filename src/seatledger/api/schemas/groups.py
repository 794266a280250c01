"""Purchasing groups and their agents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool

from seatledger.api.schemas.common import Id, Name, PublicModel, RequestBody

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
