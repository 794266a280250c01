"""The composition root: one FastAPI app made of the API, the pages and the workers.

``seatledger.api`` and ``seatledger.web`` know nothing of each other; this module alone puts
them together and decides which of them answers a refusal: JSON on API paths, an HTML page
elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.responses import Response

from seatledger import __version__, web
from seatledger.api import docs_page
from seatledger.api import errors as api_errors
from seatledger.api.routers import ROUTERS as API_ROUTERS
from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.mail.worker import MailWorker
from seatledger.refusals import HANDLED
from seatledger.security_headers import SecurityHeaders
from seatledger.services.rate_limiting import Limiter
from seatledger.services.seating.expiry import ExpiryWorker
from seatledger.web import errors as web_errors

# Paths that answer refusals as JSON; every other path is a page.
JSON_PATHS = ("/api/", "/openapi.json", "/docs", "/healthz")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the mail and expiry workers alongside the served app when asked (``start_workers``)."""
    workers: list[MailWorker | ExpiryWorker] = []
    if app.state.start_workers:
        workers = [
            MailWorker.from_settings(app.state.settings, app.state.database),
            ExpiryWorker(
                app.state.database,
                sent_mail_kept=timedelta(days=app.state.settings.sent_mail_retention_days),
            ),
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
        responses=api_errors.ERROR_RESPONSES,
        lifespan=_lifespan,
        docs_url=None,  # served from shipped files by docs_page, under the pages' CSP
        redoc_url=None,  # ReDoc injects <style> elements, which that CSP refuses (ADR 0023)
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    app.state.limiter = Limiter(app.state.database, settings.rate_limit_policy)
    app.state.start_workers = start_workers
    for kind in HANDLED:
        app.add_exception_handler(kind, _answer_refusal)
    for router in API_ROUTERS:
        app.include_router(router)
    docs_page.add_reference(app)
    web.add_session(app, settings)
    app.add_middleware(SecurityHeaders)  # outside the session and every route (ADR 0023)
    app.mount("/static", web.static_files(), name="static")
    for router in web.ROUTERS:
        app.include_router(router)

    @app.get("/healthz", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def _answer_refusal(request: Request, error: Exception) -> Response:
    if request.url.path.startswith(JSON_PATHS):
        return await api_errors.answer(request, error)
    return await web_errors.answer(request, error)


def served_app() -> FastAPI:
    """The app in each process of ``seatledger serve --workers N`` (settings from the
    environment, with the mail and expiry workers; both are safe to run more than once)."""
    return create_app(Settings(), start_workers=True)
