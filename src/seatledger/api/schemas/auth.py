"""API tokens."""

from __future__ import annotations

from datetime import datetime

from seatledger.api.schemas.common import Email, Password, PublicModel, RequestBody


class TokenCreate(RequestBody):
    email: Email
    password: Password


class TokenPublic(PublicModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime
