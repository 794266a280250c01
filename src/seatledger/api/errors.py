"""The one place where refusals become HTTP answers: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from seatledger.domain import errors

logger = logging.getLogger("seatledger")

Handler = Callable[[Request, Exception], Awaitable[Response]]

STATUS_BY_KIND: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.PaymentFailed: 402,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.Invalid: 422,
}

CODE_BY_HTTP_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


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


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({key: value for key, value in extra.items() if value is not None})
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"error": body}, status_code=status, headers=headers or None)


def status_of(error: errors.DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_KIND:
            return STATUS_BY_KIND[kind]  # type: ignore[index]
    return 400


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.DomainError)
    return error_response(status_of(error), error.code, error.message, **error.details)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body",)]
    return ".".join(parts) or "body"


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    fields = [
        {"field": _location(tuple(p.get("loc", ()))), "message": str(p.get("msg", "invalid"))}
        for p in problems
    ]
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    if first["field"] == "body" and "required" in first["message"].lower():
        return error_response(400, "body_required", "This call needs a JSON body.")
    message = f"{first['field']}: {first['message']}"
    if len(fields) > 1:
        message += f" (and {len(fields) - 1} more problem{'s' if len(fields) > 2 else ''})"
    return error_response(422, "validation_error", message, fields=fields)


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


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 405:
        error.headers = {**(error.headers or {}), "Allow": _allowed_methods(request)}
    code = CODE_BY_HTTP_STATUS.get(error.status_code, "error")
    message = {
        404: "There is no such endpoint; see /docs for the API.",
        405: "This endpoint does not accept that method.",
    }.get(error.status_code, str(error.detail))
    return error_response(error.status_code, code, message, headers=error.headers)  # keeps Allow


async def _database_refused_value(_request: Request, error: Exception) -> JSONResponse:
    # The database refused a value the schema let through (a NUL character in text on
    # PostgreSQL, a number out of range): the caller's input, not our failure.
    logger.info("database refused a value: %s", error)
    return error_response(422, "invalid_value", "A value in the request cannot be stored.")


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=error)
    return error_response(500, "internal_error", "Something went wrong on our side; it was logged.")


NOT_PAGES = ("/api/", "/openapi.json", "/docs", "/redoc", "/healthz")


def _pages_too(handler: Handler) -> Handler:
    """Answer a refusal on a web page with the page renderer the web layer installed."""

    async def answer(request: Request, error: Exception) -> Response:
        response = await handler(request, error)
        render = getattr(request.app.state, "render_error_page", None)
        if render is None or request.url.path.startswith(NOT_PAGES):
            return response
        body = json.loads(bytes(response.body))["error"]
        return render(request, response.status_code, body["code"], body["message"])  # type: ignore[no-any-return]

    return answer


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.DomainError, _pages_too(_domain_error))
    app.add_exception_handler(RequestValidationError, _pages_too(_validation_error))
    app.add_exception_handler(StarletteHTTPException, _pages_too(_http_error))
    app.add_exception_handler(DataError, _pages_too(_database_refused_value))
    app.add_exception_handler(Exception, _pages_too(_unexpected))
