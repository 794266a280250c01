"""What the API and the pages both take from the app: its database and its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from seatledger.config import Settings
from seatledger.db.engine import Database


# Plain lookups, declared async so FastAPI calls them on the event loop instead of handing
# each to a worker thread (docs/adr/0014).
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
