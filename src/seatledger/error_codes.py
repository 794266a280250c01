"""Every stable error code seatledger answers, with its HTTP status and what it means.

The one table behind both HTTP answers (the API's JSON body, the pages' HTML error page) and
``docs/errors.md``: ``python -m seatledger.error_codes > docs/errors.md`` writes that file, and
``tests/unit/test_error_codes.py`` fails when a code used in ``src/seatledger`` is missing here
or the file differs. No web framework here: a status is just a number.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import NamedTuple

from seatledger.domain import errors


class ErrorCode(NamedTuple):
    status: int
    meaning: str


MEANINGS_BY_STATUS: dict[int, dict[str, str]] = {
    400: {  # the request could not be read
        "error": "A refusal with no more specific code (other HTTP errors keep their status).",
        "bad_request": "The request could not be read (a form body that cannot be parsed).",
        "malformed_json": "The request body is not valid JSON.",
        "body_required": "The call needs a JSON body and none was sent.",
        "invalid_cursor": "The `cursor` is not one this service gave out.",
    },
    401: {  # no usable credentials
        "not_authenticated": "No credentials were sent (pages send a GET to the sign-in page).",
        "invalid_token": "The bearer token is malformed, unknown or expired.",
        "invalid_credentials": "The email or the password is wrong.",
    },
    402: {  # the payment was refused
        "payment_declined": "The card was declined; no payment was taken.",
    },
    403: {  # the record is visible but the caller may not do this
        "permission_denied": "The caller lacks the store permission this needs.",
        "not_a_customer": "The caller is not registered as a customer of this store.",
        "not_agent_of_group": "The caller is not an agent of the purchasing group named.",
        "not_intended_recipient": "The redemption link was sent to another email address.",
        "return_request_required": "Agents may not unassign here; they file a return request.",
        "csrf_failed": "A page form came without this session's CSRF token (expired or forged).",
        "wrong_password": "The current password given to change it is wrong.",
        "api_key_not_allowed": "An API key cannot do this (its store's keys, a person's "
        "tokens or password): a person signs in for it.",
        "api_key_exceeds_creator": "An API key would hold a permission or group its creator "
        "does not.",
    },
    404: {  # no such record, or one the caller may not see
        "not_found": "No such record or address, or one the caller may not see.",
        "store_not_found": "No store has this slug.",
        "customer_not_found": "No visible customer has this id.",
        "purchasing_group_not_found": "No visible purchasing group has this id.",
        "agent_grant_not_found": "The customer holds no agent grant on this group.",
        "order_not_found": "No visible order has this id.",
        "seat_not_found": "No visible seat has this id.",
        "enrollment_not_found": "No enrollment of the caller has this id.",
        "return_request_not_found": "No visible return request has this id.",
        "link_not_found": "The redemption link is not one this service sent.",
        "token_not_found": "The caller holds no token or session with this id.",
        "api_key_not_found": "The store has no unrevoked API key with this id.",
        "mail_not_found": "The store has no outgoing mail with this id.",
    },
    405: {  # the address does not take this method
        "method_not_allowed": "The address does not take this method; see `Allow`.",
    },
    406: {  # no answer in an accepted format
        "not_acceptable": "No answer in a format the request accepts.",
    },
    409: {  # the request clashes with the record's current state
        "conflict": "The request clashes with the current state of a record.",
        "slug_taken": "Another store already uses this slug.",
        "email_taken": "An account with this email already exists.",
        "sku_taken": "Another product of the store already uses this SKU.",
        "group_code_taken": "Another group of the store already uses this code.",
        "group_cycle": "A group cannot move under itself or one of its own subgroups.",
        "group_inactive": "The purchasing group is deactivated.",
        "already_granted": "The customer is already an agent of this group.",
        "permissions_changed": "The admin's permissions changed since the form was opened.",
        "idempotency_key_reused": "This `Idempotency-Key` was already used for a different order.",
        "idempotency_race": "A concurrent order with this `Idempotency-Key` won; it is replayed.",
        "order_cancelled": "The order is cancelled.",
        "order_already_paid": "The order is paid; return or refund its seats instead.",
        "order_not_paid": "The order is not paid, so nothing can be refunded.",
        "not_authorized": "Only an authorized card payment can be voided.",
        "order_already_authorized": "The order's card payment is already authorized.",
        "refund_exceeds_paid": "The refund would pass what was paid for the order.",
        "seat_not_available": "The seat is not in a state that allows this, or changed meanwhile.",
        "capacity_exceeded": "Fewer available seats than rows; nothing was assigned.",
        "already_enrolled": "The learner already has a live enrollment in the course.",
        "no_pending_link": "The seat has no redemption link out.",
        "link_changed": "A link changed while the expiry worker handled it (the worker skips it).",
        "customer_race": "A concurrent redemption registered the learner first; try again.",
        "enrollment_completed": "The enrollment is completed or ended; the seat stays.",
        "enrollment_not_live": "The enrollment cannot make this progress from its status.",
        "enrollment_changed": "The enrollment changed meanwhile; read it again.",
        "request_pending": "A seat already has a pending return request.",
        "request_decided": "The return request is already decided.",
        "cannot_erase_self": "An admin cannot erase their own customer record; another admin can.",
        "mail_already_sent": "The outgoing mail was sent already: nothing to send or retry.",
        "mail_not_failing": "Only a failing mail can be retried; a queued one can be sent now.",
    },
    410: {  # it existed but can no longer be used
        "gone": "The thing asked for existed but can no longer be used.",
        "link_used": "The redemption link has already been used.",
        "link_cancelled": "The sender cancelled the redemption link.",
        "link_expired": "The redemption link has expired.",
    },
    413: {  # the body is too large
        "payload_too_large": "The request body is larger than accepted.",
    },
    415: {  # the body is in a format not taken
        "unsupported_media_type": "The request body is in a format not accepted.",
    },
    422: {  # well-formed, but the values break a rule
        "validation_error": "A value breaks the schema or a format rule; `fields` lists each.",
        "invalid_value": "The database refused a value (a NUL character, a number out of range).",
        "invalid_email": "Not a valid email address.",
        "weak_password": "The new password is too short or too long, repeats a few characters, "
        "is the email, name or store name, or is a commonly used password (rule 47).",
        "name_required": "A name is empty.",
        "api_key_empty": "An API key needs at least one permission or agent group.",
        "invalid_expiry": "An expiry is not in the future.",
        "unknown_permission": "Not one of the admin permissions.",
        "invalid_slug": "A store slug is 1-63 lower-case letters, digits and inner hyphens.",
        "invalid_sku": "A SKU is 1-64 letters, digits, dots, dashes or underscores.",
        "invalid_price": "Not an amount in ASCII digits with the currency's decimal places.",
        "amount_too_large": "A price, line total or order total reaches 10^12 currency units.",
        "invalid_text": "Text holds a control character (messages may hold tabs and line breaks).",
        "unexpected_options": "Only open-ended products have options.",
        "options_required": "An open-ended product lists at least one fixed product.",
        "unknown_option": "An option is not a fixed product of this store.",
        "unknown_parent": "The parent group does not exist in this store.",
        "unknown_customer": "No customer with this email is registered in the store.",
        "unknown_sku": "No product with this SKU is for sale here.",
        "unknown_course": "The course is not one this seat may become.",
        "course_required": "An open-ended seat needs a course chosen.",
        "lines_required": "An order needs at least one line.",
        "too_many_lines": "An order has more lines than allowed.",
        "invalid_quantity": "A quantity is a whole number from 1 to the store's per-line limit.",
        "buyer_required": "A caller without a customer record names the buyer (`on_behalf_of`).",
        "group_required": "The store needs a purchasing group on every order.",
        "invalid_card_number": "A test card number has 16 digits.",
        "unexpected_card_number": "Invoices take no card number.",
        "seats_required": "Name at least one seat (or an order with seats).",
        "too_many_seats": "More seats than one request takes.",
        "seat_not_in_order": "A seat named is not a seat of this order.",
        "rows_required": "A bulk assignment needs at least one row.",
        "too_many_rows": "More rows than one bulk assignment takes.",
        "invalid_rows": "Some bulk rows have a problem (each row's `error`); nothing was applied.",
        "reason_required": "A return request needs a reason.",
        "returns_disabled": "The store does not take returns.",
        "return_window_closed": "The order was paid longer ago than the store's return window.",
        "invalid_status": "The status filter is not a return request status.",
        "invalid_filter": "A page's list filter has a value it does not know.",
        "invalid_decision": "A return decision is approve with a refund, approve, or deny.",
        "note_required": "Denying a return needs a note for the requester.",
    },
    429: {  # too many attempts
        "rate_limited": "Too many failed sign-ins, sign-ups or unknown redemption links from "
        "this address or for this account; retry after the `Retry-After` header's seconds.",
    },
    500: {  # our failure
        "internal_error": "Something went wrong on the service's side; it was logged.",
    },
}

ERROR_CODES: dict[str, ErrorCode] = {
    code: ErrorCode(status, meaning)
    for status, meanings in MEANINGS_BY_STATUS.items()
    for code, meaning in meanings.items()
}

# The problems a bulk assignment reports per row (the row's ``error``), not as a refusal.
ROW_CODES: dict[str, str] = {
    "invalid_email": "The address is not a valid email address.",
    "invalid_mode": "The mode is neither `email` (send a redemption link) nor `instant`.",
    "duplicate_row": "The learner is already on an earlier row.",
    "unknown_customer": "Instant assignment needs a registered customer; send a link instead.",
    "already_enrolled": "The learner already has a live enrollment in the course.",
    "course_required": "An open-ended seat needs a course: send a link so the learner picks one.",
}

# A refusal whose code is not in the table takes the status of its kind.
STATUS_BY_KIND: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.PaymentFailed: 402,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.Invalid: 422,
    errors.RateLimited: 429,
}

# The codes of the framework's own HTTP errors (no such route, wrong method, unreadable body).
CODE_BY_HTTP_STATUS: dict[int, str] = {
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


def status_of(error: errors.DomainError) -> int:
    """The HTTP status of a refusal: its code's, else its kind's (400 for an unknown kind)."""
    if error.code in ERROR_CODES:
        return ERROR_CODES[error.code].status
    return status_of_kind(type(error))


def status_of_kind(kind: type[errors.DomainError]) -> int:
    for base in kind.__mro__:
        if base in STATUS_BY_KIND:
            return STATUS_BY_KIND[base]
    return 400


def code_of_http_status(status: int) -> str:
    """The code of an HTTP error the framework raised itself."""
    return CODE_BY_HTTP_STATUS.get(status, "error")


_DOC_HEAD = """\
# Error codes

<!-- Generated by `python -m seatledger.error_codes > docs/errors.md` from
     src/seatledger/error_codes.py; tests/unit/test_error_codes.py checks it. -->

A refusal answers `{"error": {"code": "...", "message": "..."}}` under `/api/` (and at
`/openapi.json`, `/docs`, `/healthz`) and an HTML error page anywhere else, with the
status below. The code is stable; the message is a sentence for people and may change.
"""

_DOC_ROWS = """
## Problems of one bulk-assignment row

A dry run answers 200 and a refused run 422 `invalid_rows`; each row carries its `error`:
"""


def markdown() -> str:
    """``docs/errors.md``: every code under its status, then the bulk rows' problems."""
    parts = [_DOC_HEAD]
    for status in sorted(MEANINGS_BY_STATUS):
        parts.append(f"\n## {status} {HTTPStatus(status).phrase}\n\n")
        parts.append(_markdown_table(MEANINGS_BY_STATUS[status]))
    parts += [_DOC_ROWS, "\n", _markdown_table(ROW_CODES)]
    return "".join(parts)


def _markdown_table(meanings: dict[str, str]) -> str:
    rows = [f"| `{code}` | {meaning} |\n" for code, meaning in sorted(meanings.items())]
    return "| code | meaning |\n|---|---|\n" + "".join(rows)


if __name__ == "__main__":
    print(markdown(), end="")
