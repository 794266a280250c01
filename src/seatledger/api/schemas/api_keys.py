"""API keys for machine clients (rule 31)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from seatledger.api.schemas.common import Id, PublicModel, RequestBody
from seatledger.domain.api_keys import NAME_MAX
from seatledger.domain.permissions import Permission
from seatledger.inputs import LINE


class ApiKeyCreate(RequestBody):
    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX), LINE]
    permissions: list[Permission] = Field(default_factory=list, max_length=len(Permission) * 2)
    agent_group_ids: list[Id] = Field(
        default_factory=list,
        max_length=100,
        description="Groups the key acts as agent of: each one the creator hands seats out in.",
    )
    expires_at: datetime | None = Field(
        default=None, description="When the key stops working; without an offset, UTC."
    )


class ApiKeySummaryPublic(PublicModel):
    """A key as listed: never the key itself."""

    id: str
    name: str
    permissions: list[str]
    agent_group_ids: list[str]
    created_by: str
    created_by_email: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreatedPublic(ApiKeySummaryPublic):
    """The key just made; ``key`` (``slk_...``) is shown in this answer only."""

    key: str
