"""When a learner is reminded of an unredeemed link, and when an agent is warned (rule 33).

Pure decisions: the reminder pass (``services/seating/reminders.py``) reads the facts and
claims each reminder with a conditional update that repeats these conditions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

ONE_DAY = timedelta(days=1)


def reminder_day_due(
    days: Sequence[int],
    *,
    sent_at: datetime,
    reminded_day: int,
    last_reminded_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> int | None:
    """The reminder day to send now, or None.

    ``days`` are the store's reminder days after sending (sorted); ``reminded_day`` is the day
    of the last reminder sent for this link (0: none since it was sent). The latest day that
    has come and is after ``reminded_day`` is due: a pass that ran late sends one reminder,
    not one for each day it missed. At most one reminder a day per link, and none once the
    link has expired.
    """
    if expires_at is not None and expires_at <= now:
        return None
    if last_reminded_at is not None and last_reminded_at > now - ONE_DAY:
        return None
    come = [day for day in days if day > reminded_day and sent_at + timedelta(days=day) <= now]
    return come[-1] if come else None


def warning_window(warning_days: int, now: datetime) -> tuple[datetime, datetime] | None:
    """What an agent is warned of: things expiring after ``now`` and at most ``warning_days``
    ahead; None when the store warns nobody (0 days)."""
    if warning_days <= 0:
        return None
    return now, now + timedelta(days=warning_days)
