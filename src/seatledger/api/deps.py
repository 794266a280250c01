"""Dependencies shared by the routers: the database and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPBearer

from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.db.pagination import DEFAULT_LIMIT, MAX_LIMIT
from seatledger.domain.errors import Unauthenticated
from seatledger.services.people import access

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/v1/auth/token.")


# Plain lookups, declared async so FastAPI calls them on the event loop instead of handing
# each to a worker thread (docs/adr/0014).
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_caller(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    _: Annotated[object, Depends(_bearer)],
) -> str | None:
    """The id of the calling user, or None for an anonymous request."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use 'Authorization: Bearer <token>'.", code="invalid_token")
    return access.authenticate_token(database, token.strip())


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CallerDep = Annotated[str | None, Depends(get_caller)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="next_cursor of the previous page.")
]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
