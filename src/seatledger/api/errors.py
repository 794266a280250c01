"""The API's answer to a refusal: ``{"error": {"code", "message"}}`` as JSON.

What a refusal's status and code are is decided once, in ``seatledger.refusals`` from the
table in ``seatledger.error_codes``; this module only draws it, and documents it in OpenAPI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from seatledger.refusals import refusal_of


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("The request could not be read (malformed JSON, bad cursor)."),
    401: _documented("No token, or an unknown or expired one."),
    403: _documented("The record is visible but the caller may not do this."),
    404: _documented("No such record, or one the caller may not see."),
    409: _documented("The request conflicts with the record's current state."),
    422: _documented("The values break a rule; the code says which."),
}

# Calls whose attempts are counted (rule 47) document their 429 answer.
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        **_documented("Too many attempts (`rate_limited`); retry after `Retry-After` seconds."),
        "headers": {
            "Retry-After": {
                "description": "Whole seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
}

# The API's own wording for the framework's "no such route" and "wrong method".
HTTP_ERROR_MESSAGES = {
    404: "There is no such endpoint; see /docs for the API.",
    405: "This endpoint does not accept that method.",
}


def error_response(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({key: value for key, value in extra.items() if value is not None})
    sent = dict(headers or {})
    if status == 401:
        sent["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"error": body}, status_code=status, headers=sent or None)


async def answer(request: Request, error: Exception) -> JSONResponse:
    """The JSON answer to any refusal (the app's exception handler on API paths)."""
    refusal = refusal_of(error)
    message, headers = refusal.message, refusal.headers
    if isinstance(error, HTTPException):
        message = HTTP_ERROR_MESSAGES.get(refusal.status, message)
        if refusal.status == 405:
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return error_response(refusal.status, refusal.code, message, headers=headers, **refusal.extra)


def _allowed_methods(request: Request) -> str:
    """The methods the OpenAPI document gives this path (Starlette names only one route's)."""
    app = request.app
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"),
                sorted(m.upper() for m in item),
            )
            for path, item in app.openapi()["paths"].items()
        ]
        app.state.allowed_methods = table
    matches = [(pattern, listed) for pattern, listed in table if pattern.match(request.url.path)]
    # The most literal path wins: /seats/bulk-assign over /seats/{seat_id}.
    fewest = min((pattern.pattern.count("[^/]+") for pattern, _ in matches), default=0)
    methods = {
        m for pattern, listed in matches if pattern.pattern.count("[^/]+") == fewest for m in listed
    }
    return ", ".join(sorted(methods))
