from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from seatledger.api.deps import CredentialDep, CursorQuery, IdPath, LimitQuery
from seatledger.api.errors import RATE_LIMITED
from seatledger.api.schemas import (
    Page,
    PasswordChange,
    RevokedPublic,
    TokenCreate,
    TokenPublic,
    TokenSummaryPublic,
)
from seatledger.dependencies import ClientLimitsDep, DatabaseDep, SettingsDep
from seatledger.services.people import accounts, password_change, tokens

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


@router.get("/tokens", response_model=Page[TokenSummaryPublic])
def list_tokens(
    database: DatabaseDep,
    credential: CredentialDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[TokenSummaryPublic]:
    """The caller's live API tokens and browser sessions (no secrets); ``current`` marks the
    token this request was sent with."""
    page = tokens.list_tokens(database, credential, limit=limit, cursor=cursor)
    return Page[TokenSummaryPublic](
        items=[TokenSummaryPublic.model_validate(t) for t in page.items],
        next_cursor=page.next_cursor,
    )


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, database: DatabaseDep, credential: CredentialDep) -> Response:
    """Revoke one of the caller's own tokens or sessions; anyone else's is not found."""
    tokens.revoke_token(database, credential, token_id)
    return Response(status_code=204)


@router.delete("/tokens", response_model=RevokedPublic)
def revoke_all_tokens(database: DatabaseDep, credential: CredentialDep) -> RevokedPublic:
    """Revoke every token and session of the caller, the one sent with this request too."""
    return RevokedPublic(revoked=tokens.revoke_all_tokens(database, credential))


@router.post("/password", response_model=RevokedPublic)
def change_password(
    body: PasswordChange, database: DatabaseDep, credential: CredentialDep
) -> RevokedPublic:
    """Change the caller's password; every other token and session of theirs is revoked
    (the token sent with this request stays)."""
    revoked = password_change.change_password(
        database,
        credential,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return RevokedPublic(revoked=revoked)
