"""API keys of a store (rule 31): made, listed and revoked by a person with ``store.manage``."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, LimitQuery, StorePath
from seatledger.api.schemas import ApiKeyCreate, ApiKeyCreatedPublic, ApiKeySummaryPublic, Page
from seatledger.dependencies import DatabaseDep
from seatledger.services.people import api_keys

router = APIRouter(prefix="/api/v1/stores/{store}/api-keys", tags=["api keys"])


@router.post("", status_code=201, response_model=ApiKeyCreatedPublic)
def create_api_key(
    store: StorePath, body: ApiKeyCreate, database: DatabaseDep, caller: CallerDep
) -> ApiKeyCreatedPublic:
    """Make a key for a machine client; the key is in this answer and never again. Send it
    as ``Authorization: Bearer slk_...``."""
    made = api_keys.create_key(
        database,
        caller,
        store,
        name=body.name,
        permissions=body.permissions,
        agent_group_ids=body.agent_group_ids,
        expires_at=body.expires_at,
    )
    return ApiKeyCreatedPublic(**asdict(made.view), key=made.key)


@router.get("", response_model=Page[ApiKeySummaryPublic])
def list_api_keys(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ApiKeySummaryPublic]:
    """The store's keys that are not revoked, expired ones included; never the keys."""
    page = api_keys.list_keys(database, caller, store, limit=limit, cursor=cursor)
    return Page[ApiKeySummaryPublic](
        items=[ApiKeySummaryPublic.model_validate(k) for k in page.items],
        next_cursor=page.next_cursor,
    )


@router.delete("/{key_id}", status_code=204)
def revoke_api_key(
    store: StorePath, key_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> Response:
    """Revoke a key: requests made with it are refused from now on (401)."""
    api_keys.revoke_key(database, caller, store, key_id)
    return Response(status_code=204)
