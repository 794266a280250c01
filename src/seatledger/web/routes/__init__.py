"""Page routes, one module per area; each route parses, calls one service, renders."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from seatledger.web.session import verify_csrf


def page_router() -> APIRouter:
    """A router for pages: kept out of the OpenAPI document, CSRF checked on every form."""
    return APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
