"""What the API and the pages both take from the app: its database, its settings, and the
rate limits as they apply to the calling client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.services.rate_limiting import ClientLimits


# Plain lookups, declared async so FastAPI calls them on the event loop instead of handing
# each to a worker thread (docs/adr/0014).
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_client_limits(request: Request) -> ClientLimits:
    """The rate limits for this request's client address (rule 47). The address is the
    connection's peer, or what a trusted proxy forwarded as uvicorn was told to believe."""
    address = request.client.host if request.client else "unknown"
    return request.app.state.limiter.for_address(address)


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClientLimitsDep = Annotated[ClientLimits, Depends(get_client_limits)]
