"""API tokens, sessions and passwords."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from seatledger.api.schemas.common import (
    Email,
    NewPassword,
    Password,
    PublicModel,
    RequestBody,
)


class TokenCreate(RequestBody):
    email: Email
    password: Password  # any length: accounts made under older rules still sign in


class TokenPublic(PublicModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime


class TokenSummaryPublic(PublicModel):
    """One of the caller's tokens or browser sessions; never the secret."""

    id: str
    kind: Literal["api", "session"]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool


class RevokedPublic(PublicModel):
    """How many live tokens and sessions a revocation ended."""

    revoked: int


class PasswordChange(RequestBody):
    current_password: Password
    new_password: NewPassword
