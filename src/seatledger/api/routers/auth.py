from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from seatledger.api.errors import RATE_LIMITED
from seatledger.api.schemas import TokenCreate, TokenPublic
from seatledger.dependencies import ClientLimitsDep, DatabaseDep, SettingsDep
from seatledger.services.people import accounts

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", status_code=201, response_model=TokenPublic, responses=RATE_LIMITED)
def create_token(
    body: TokenCreate, database: DatabaseDep, settings: SettingsDep, limits: ClientLimitsDep
) -> TokenPublic:
    """Exchange an email and password for an API token (failures are rate limited)."""
    token, row = accounts.issue_token(
        database,
        email=body.email,
        password=body.password,
        ttl=timedelta(hours=settings.token_ttl_hours),
        limits=limits,
    )
    return TokenPublic(token=token, expires_at=row.expires_at)
