"""Outgoing mail as the desk shows it (no body: it may hold a redemption link)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from seatledger.api.schemas.common import PublicModel


class OutgoingMailPublic(PublicModel):
    id: str
    to: str
    subject: str
    template: str
    state: Literal["queued", "failing", "sent"]
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
