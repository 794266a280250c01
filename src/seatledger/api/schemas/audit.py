"""The audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from seatledger.api.schemas.common import PublicModel


class AuditEventPublic(PublicModel):
    id: str
    at: datetime
    actor_id: str | None
    actor_api_key_id: str | None = Field(
        description="The API key that made the change, if one did; actor_id is its creator."
    )
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
