"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from seatledger import __version__
from seatledger.api import errors
from seatledger.api.routers import (
    assignments,
    audit,
    auth,
    catalog,
    groups,
    orders,
    redemption,
    returns,
    seats,
    stores,
)
from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.mail.worker import MailWorker
from seatledger.services.seating.expiry import ExpiryWorker
from seatledger.web import install as install_web


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the mail and expiry workers alongside the served app when asked (``start_workers``)."""
    workers: list[MailWorker | ExpiryWorker] = []
    if app.state.start_workers:
        workers = [
            MailWorker.from_settings(app.state.settings, app.state.database),
            ExpiryWorker(app.state.database),
        ]
        for worker in workers:
            worker.start()
    app.state.mail_worker = workers[0] if workers else None
    try:
        yield
    finally:
        for worker in workers:
            await asyncio.to_thread(worker.stop)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    start_workers: bool = False,
) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="seatledger",
        version=__version__,
        description="Seats, purchasing groups, assignments and returns for a training store.",
        responses=errors.ERROR_RESPONSES,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    app.state.start_workers = start_workers
    errors.install(app)
    # FastAPI tries routes in this order, every one of them, on every request. Seats and
    # assignments come early because the single assignment is the busiest write (docs/adr/0014);
    # no path of theirs can match a route of the routers they now precede, and between the
    # two the order is unchanged (seats' /{seat_id} before /bulk-assign).
    for module in (
        auth,
        seats,
        assignments,
        stores,
        groups,
        catalog,
        orders,
        redemption,
        returns,
        audit,
    ):
        app.include_router(module.router)

    install_web(app, settings)

    @app.get("/healthz", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def served_app() -> FastAPI:
    """The app in each process of ``seatledger serve --workers N`` (settings from the
    environment, with the mail and expiry workers; both are safe to run more than once)."""
    return create_app(Settings(), start_workers=True)
