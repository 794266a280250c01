from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from seatledger.api.schemas import TokenCreate, TokenPublic
from seatledger.dependencies import DatabaseDep, SettingsDep
from seatledger.services.people import accounts

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", status_code=201, response_model=TokenPublic)
def create_token(body: TokenCreate, database: DatabaseDep, settings: SettingsDep) -> TokenPublic:
    """Exchange an email and password for an API token."""
    token, row = accounts.issue_token(
        database,
        email=body.email,
        password=body.password,
        ttl=timedelta(hours=settings.token_ttl_hours),
    )
    return TokenPublic(token=token, expires_at=row.expires_at)
