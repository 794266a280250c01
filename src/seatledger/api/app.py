"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from seatledger import __version__
from seatledger.api import errors
from seatledger.api.routers import audit, auth, catalog, groups, orders, seats, stores
from seatledger.config import Settings
from seatledger.db.engine import Database


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="seatledger",
        version=__version__,
        description="Seats, purchasing groups, assignments and returns for a training store.",
        responses=errors.ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    errors.install(app)
    for module in (auth, stores, groups, catalog, orders, seats, audit):
        app.include_router(module.router)

    @app.get("/healthz", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
