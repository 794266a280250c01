"""The audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from seatledger.api.schemas.common import PublicModel


class AuditEventPublic(PublicModel):
    id: str
    at: datetime
    actor_id: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
