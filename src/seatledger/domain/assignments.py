"""Assignments: the record that gives one seat to one learner, and which of them are live."""

from __future__ import annotations

from enum import StrEnum


class AssignmentStatus(StrEnum):
    PENDING = "pending"  # a redemption link is out
    REDEEMED = "redeemed"  # the learner holds the seat (instantly or by redeeming)
    CANCELLED = "cancelled"  # the link was cancelled
    EXPIRED = "expired"  # the link passed its expiry unredeemed
    ENDED = "ended"  # unassigned, transferred away or returned


# At most one live assignment per seat (a partial unique index in db/models/assignments.py
# says the same).
LIVE = frozenset({AssignmentStatus.PENDING, AssignmentStatus.REDEEMED})
