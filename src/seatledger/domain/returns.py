"""Return requests (rules 20-23, docs/rules.md): states, decisions, and the one table of moves."""

from __future__ import annotations

from enum import StrEnum

from seatledger.domain.errors import Conflict


class ReturnRequestStatus(StrEnum):
    PENDING = "pending"  # filed; its seats are return_pending until an admin decides
    APPROVED = "approved"  # decided: the seats came back, reclaimed into the pool or refunded
    DENIED = "denied"  # decided: the seats went back to where they were


class ReturnDecision(StrEnum):
    """What an admin decided; also the move that takes a request out of ``pending``."""

    REFUND = "refund"  # approved: the seats leave the pool and their price goes back
    RECLAIM = "reclaim"  # approved: the seats go back to the pool; no money moves
    DENY = "deny"  # denied: assigned seats go back to their learner, unused ones to the pool


TRANSITIONS: dict[tuple[ReturnRequestStatus, ReturnDecision], ReturnRequestStatus] = {
    (ReturnRequestStatus.PENDING, ReturnDecision.REFUND): ReturnRequestStatus.APPROVED,
    (ReturnRequestStatus.PENDING, ReturnDecision.RECLAIM): ReturnRequestStatus.APPROVED,
    (ReturnRequestStatus.PENDING, ReturnDecision.DENY): ReturnRequestStatus.DENIED,
}

# Rule 23: a request is decided once.
DECIDED = frozenset({ReturnRequestStatus.APPROVED, ReturnRequestStatus.DENIED})


def decision_for(*, approve: bool, refund: bool) -> ReturnDecision:
    """The decision an admin's answer makes: approve with or without a refund, or deny."""
    if not approve:
        return ReturnDecision.DENY
    return ReturnDecision.REFUND if refund else ReturnDecision.RECLAIM


def from_states(decision: ReturnDecision) -> frozenset[ReturnRequestStatus]:
    """The states a request may be in for ``decision`` (used in the conditional UPDATE)."""
    return frozenset(state for state, move in TRANSITIONS if move == decision)


def next_status(
    request_id: str, current: ReturnRequestStatus, decision: ReturnDecision
) -> ReturnRequestStatus:
    """The state after ``decision``; otherwise 409 ``request_decided`` naming the request."""
    try:
        return TRANSITIONS[(current, decision)]
    except KeyError:
        raise already_decided(request_id) from None


def already_decided(request_id: str) -> Conflict:
    """The refusal of a second decision, also when a concurrent one won the conditional UPDATE."""
    return Conflict(f"Return request {request_id} is already decided.", code="request_decided")
