"""Dependencies of the API routers: the caller (a bearer token or API key) and list paging.

The database and the settings come from ``seatledger.dependencies``, shared with the pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPBearer

from seatledger.db.pagination import DEFAULT_LIMIT, MAX_LIMIT
from seatledger.dependencies import DatabaseDep
from seatledger.domain.api_keys import ApiKeyCaller, is_api_key
from seatledger.domain.errors import Unauthenticated
from seatledger.services.people import access

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from POST /api/v1/auth/token, or a store's API key (slk_...).",
)


def get_bearer(
    request: Request,
    database: DatabaseDep,
    _: Annotated[object, Depends(_bearer)],
) -> access.Credential | ApiKeyCaller | None:
    """The calling user and the token they sent (its row), the API key sent, or None for an
    anonymous request."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use 'Authorization: Bearer <token>'.", code="invalid_token")
    if is_api_key(token.strip()):
        return access.authenticate_key(database, token.strip())
    return access.authenticate(database, token.strip())


BearerDep = Annotated[access.Credential | ApiKeyCaller | None, Depends(get_bearer)]


async def get_credential(bearer: BearerDep) -> access.Credential | None:
    """A person's credential: an API key is refused (403 ``api_key_not_allowed``), since
    what only a person does (their tokens, their password) is no key's to do."""
    if isinstance(bearer, ApiKeyCaller):
        raise access.api_key_refused()
    return bearer


CredentialDep = Annotated[access.Credential | None, Depends(get_credential)]


async def get_caller(bearer: BearerDep) -> str | None:
    """The id of the calling user, the API key (an ``ApiKeyCaller``), or None."""
    if isinstance(bearer, ApiKeyCaller):
        return bearer
    return bearer.user_id if bearer else None


CallerDep = Annotated[str | None, Depends(get_caller)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="next_cursor of the previous page.")
]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
