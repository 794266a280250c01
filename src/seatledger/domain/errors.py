"""One error hierarchy for every refusal.

Each error carries a stable machine ``code`` and a sentence a person understands.
The kind of refusal is the class; ``seatledger/error_codes.py`` alone gives codes and kinds
their HTTP statuses.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal the service gives on purpose."""

    code = "error"
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details: Any):
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.details = details
        super().__init__(self.message)


class BadRequest(DomainError):
    """The request could not be read (bad syntax)."""

    code = "bad_request"


class Unauthenticated(DomainError):
    """No usable credentials were given."""

    code = "not_authenticated"
    default_message = "Sign in first: send an 'Authorization: Bearer <token>' header."


class PermissionDenied(DomainError):
    """The caller can see the record but may not do this to it."""

    code = "permission_denied"
    default_message = "You do not have permission to do this."


class NotFound(DomainError):
    """The record does not exist, or the caller may not see it."""

    code = "not_found"
    default_message = "No such record."


class Conflict(DomainError):
    """The request clashes with the current state of a record."""

    code = "conflict"


class Gone(DomainError):
    """The thing asked for existed but can no longer be used (a spent or expired link)."""

    code = "gone"


class Invalid(DomainError):
    """The request is well-formed but its values break a rule."""

    code = "validation_error"


class PaymentFailed(DomainError):
    """The payment gateway refused the payment."""

    code = "payment_declined"


class RateLimited(DomainError):
    """Too many attempts of one kind (rule 47): refused until ``retry_after`` seconds pass."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def not_found(what: str, identifier: str) -> NotFound:
    """The one wording for missing or invisible records, so refusals never differ."""
    return NotFound(
        f"No {what} with id '{identifier}' exists here.", code=f"{_snake(what)}_not_found"
    )


def _snake(text: str) -> str:
    return text.replace(" ", "_").lower()
