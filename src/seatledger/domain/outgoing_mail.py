"""What state an outgoing mail is in, and which of the desk's actions it takes (pure rules).

The outbox (``mail/worker.py``) never gives up on a message: it retries with backoff until
the mail is sent. So a mail is ``queued`` (never tried, or tried without an error on record),
``failing`` (its last try failed: it waits for its next try) or ``sent``. See ADR 0026.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from seatledger.domain.errors import Conflict


class MailState(StrEnum):
    QUEUED = "queued"
    FAILING = "failing"
    SENT = "sent"


def mail_state(*, sent_at: datetime | None, last_error: str | None) -> MailState:
    if sent_at is not None:
        return MailState.SENT
    return MailState.FAILING if last_error else MailState.QUEUED


def ensure_may_send_now(state: MailState) -> None:
    """ "Send now" makes an unsent mail due at once; a sent one stays sent."""
    if state is MailState.SENT:
        raise Conflict("This mail was sent already.", code="mail_already_sent")


def ensure_may_retry(state: MailState) -> None:
    """ "Retry" starts a failing mail's backoff over; only a failing mail has one."""
    ensure_may_send_now(state)
    if state is not MailState.FAILING:
        raise Conflict(
            "Only a failing mail can be retried; use 'send now' for a queued one.",
            code="mail_not_failing",
        )
