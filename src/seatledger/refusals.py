"""What an exception means as an HTTP refusal: status, code, sentence and extra fields.

The API draws a refusal as JSON (``api/errors.py``), the pages as an HTML page
(``web/errors.py``); both ask ``refusal_of`` first, so they agree on every status and code,
and the status comes from the table in ``seatledger.error_codes``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from seatledger.domain.errors import DomainError, RateLimited
from seatledger.error_codes import ERROR_CODES, code_of_http_status, status_of

logger = logging.getLogger("seatledger")

# Every exception a refusal is made of; the app answers each through ``refusal_of``.
HANDLED: tuple[type[Exception], ...] = (
    DomainError,
    RequestValidationError,
    HTTPException,
    DataError,
    Exception,
)


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)  # more body fields (`fields`, `rows`)
    headers: Mapping[str, str] | None = None

    @classmethod
    def with_code(cls, code: str, message: str, **extra: Any) -> Refusal:
        """A refusal with a code from the table, at the table's status."""
        return cls(ERROR_CODES[code].status, code, message, extra)


def refusal_of(error: Exception) -> Refusal:
    if isinstance(error, DomainError):
        return Refusal(
            status_of(error), error.code, error.message, error.details, headers=_headers_of(error)
        )
    if isinstance(error, RequestValidationError):
        return _unreadable_or_invalid(error)
    if isinstance(error, HTTPException):
        code = code_of_http_status(error.status_code)
        return Refusal(error.status_code, code, str(error.detail), headers=error.headers)
    if isinstance(error, DataError):
        # The database refused a value the schema let through (a NUL character in text on
        # PostgreSQL, a number out of range): the caller's input, not our failure.
        logger.info("database refused a value: %s", error)
        return Refusal.with_code("invalid_value", "A value in the request cannot be stored.")
    logger.exception("unhandled error", exc_info=error)
    return Refusal.with_code("internal_error", "Something went wrong on our side; it was logged.")


def _headers_of(error: DomainError) -> dict[str, str] | None:
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after)}
    return None


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body",)]
    return ".".join(parts) or "body"


def _unreadable_or_invalid(error: RequestValidationError) -> Refusal:
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return Refusal.with_code("malformed_json", "The request body is not valid JSON.")
    fields = [
        {"field": _location(tuple(p.get("loc", ()))), "message": str(p.get("msg", "invalid"))}
        for p in problems
    ]
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    if first["field"] == "body" and "required" in first["message"].lower():
        return Refusal.with_code("body_required", "This call needs a JSON body.")
    message = f"{first['field']}: {first['message']}"
    if len(fields) > 1:
        message += f" (and {len(fields) - 1} more problem{'s' if len(fields) > 2 else ''})"
    return Refusal.with_code(_code_of(problems[0] if problems else {}), message, fields=fields)


def _code_of(problem: Mapping[str, Any]) -> str:
    """A rule of our own that a schema type checks (``seatledger.inputs.Rule``) names its code
    as the problem's type (``invalid_text``, ``invalid_cursor``...); the framework's own types
    (``string_too_long``...) are all ``validation_error``."""
    kind = str(problem.get("type", ""))
    return kind if kind in ERROR_CODES else "validation_error"
