"""Server-rendered pages: sign-in, storefront, agent portal, admin console, learner pages.

Pages share the services with the API, so the rules are the same; see ADR 0015.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from seatledger.config import Settings
from seatledger.web import pages
from seatledger.web.routes import admin, admin_orders, agent, auth, learner, shop
from seatledger.web.session import SESSION_COOKIE, SESSION_MAX_AGE

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.effective_secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, shop, agent, admin, admin_orders, learner):
        app.include_router(module.router)
    app.state.render_error_page = pages.error_page
