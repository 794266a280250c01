"""Dependencies of the API routers: the caller (a bearer token or API key) and list paging.

The database and the settings come from ``seatledger.dependencies``, shared with the pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPBearer

from seatledger.api.schemas.common import ID_PATTERN
from seatledger.db.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT, decode_cursor
from seatledger.dependencies import DatabaseDep
from seatledger.domain.api_keys import ApiKeyCaller, is_api_key
from seatledger.domain.errors import Unauthenticated
from seatledger.domain.tokens import TOKEN_PATTERN
from seatledger.inputs import LINE, SKU, SLUG, Rule
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
Cursor = Annotated[str, Rule(CURSOR_PATTERN, decode_cursor)]
CursorQuery = Annotated[
    Cursor | None, Query(max_length=64, description="next_cursor of the previous page.")
]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT

# Path parameters: a value of the wrong shape names nothing and is refused before any lookup.
StorePath = Annotated[str, Path(description="The store's slug."), SLUG]
IdPath = Annotated[str, Path(pattern=ID_PATTERN, min_length=32, max_length=32)]
TokenPath = Annotated[
    str, Path(pattern=TOKEN_PATTERN, description="The token of a redemption link.")
]

# Query filters: an id, an email address, a SKU.
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN, min_length=32, max_length=32)]
EmailQuery = Annotated[str | None, Query(min_length=1, max_length=320), LINE]
SkuQuery = Annotated[str | None, Query(min_length=1, max_length=64), SKU]
