"""Dependencies of the API routers: the caller (a bearer token) and list paging.

The database and the settings come from ``seatledger.dependencies``, shared with the pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPBearer

from seatledger.db.pagination import DEFAULT_LIMIT, MAX_LIMIT
from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Unauthenticated
from seatledger.services.people import access

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/v1/auth/token.")


def get_credential(
    request: Request,
    database: DatabaseDep,
    _: Annotated[object, Depends(_bearer)],
) -> access.Credential | None:
    """The calling user and the token they sent (its row), or None for an anonymous request."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use 'Authorization: Bearer <token>'.", code="invalid_token")
    return access.authenticate(database, token.strip())


CredentialDep = Annotated[access.Credential | None, Depends(get_credential)]


async def get_caller(credential: CredentialDep) -> str | None:
    """The id of the calling user, or None for an anonymous request."""
    return credential.user_id if credential else None


CallerDep = Annotated[str | None, Depends(get_caller)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="next_cursor of the previous page.")
]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
