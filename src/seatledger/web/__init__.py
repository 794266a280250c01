"""Server-rendered pages: sign-in, storefront, agent portal, admin console, learner pages.

Pages share the services with the API, so the rules are the same; see ADR 0015. This
package gives ``seatledger.app`` its routers, its session and its static files; it knows
nothing of the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from seatledger.config import Settings
from seatledger.web.routes import (
    account,
    admin,
    admin_api_keys,
    admin_erasure,
    admin_mail,
    admin_orders,
    agent,
    auth,
    learner,
    shop,
)
from seatledger.web.session import SESSION_COOKIE, SESSION_MAX_AGE

STATIC = Path(__file__).parent / "static"

ROUTERS = tuple(
    module.router
    for module in (
        auth,
        account,
        shop,
        agent,
        admin,
        admin_erasure,
        admin_api_keys,
        admin_mail,
        admin_orders,
        learner,
    )
)


def add_session(app: FastAPI, settings: Settings) -> None:
    """The signed session cookie that carries a page user's session id and CSRF secret."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.effective_secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)
