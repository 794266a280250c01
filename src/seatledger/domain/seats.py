"""The seat life cycle (docs/rules.md, "Seat life cycle"): states, and the one table of
allowed moves."""

from __future__ import annotations

from enum import StrEnum

from seatledger.domain.errors import Conflict


class SeatStatus(StrEnum):
    AVAILABLE = "available"  # paid for, free to assign: the remaining capacity
    AWAITING = "awaiting"  # a redemption link is out; reserved
    ASSIGNED = "assigned"  # redeemed: an enrollment exists
    RETURN_PENDING = "return_pending"  # an agent asked to take it back; reserved
    REFUNDED = "refunded"  # money given back; left the pool
    EXPIRED = "expired"  # redeem-by date passed while unassigned; left the pool


class SeatMove(StrEnum):
    ASSIGN = "assign"
    SEND_LINK = "send_link"
    REDEEM = "redeem"
    CANCEL_LINK = "cancel_link"
    EXPIRE_LINK = "expire_link"
    UNASSIGN = "unassign"
    REQUEST_RETURN = "request_return"
    APPROVE_RECLAIM = "approve_reclaim"
    APPROVE_REFUND = "approve_refund"
    DENY_RETURN = "deny_return"  # back to the learner
    DENY_RETURN_UNUSED = "deny_return_unused"  # back to the pool: the seat was never assigned
    REFUND = "refund"
    EXPIRE = "expire"
    SET_OWNER_GROUP = "set_owner_group"


TRANSITIONS: dict[tuple[SeatStatus, SeatMove], SeatStatus] = {
    (SeatStatus.AVAILABLE, SeatMove.ASSIGN): SeatStatus.ASSIGNED,
    (SeatStatus.AVAILABLE, SeatMove.SEND_LINK): SeatStatus.AWAITING,
    (SeatStatus.AWAITING, SeatMove.REDEEM): SeatStatus.ASSIGNED,
    (SeatStatus.AWAITING, SeatMove.CANCEL_LINK): SeatStatus.AVAILABLE,
    (SeatStatus.AWAITING, SeatMove.EXPIRE_LINK): SeatStatus.AVAILABLE,
    (SeatStatus.ASSIGNED, SeatMove.UNASSIGN): SeatStatus.AVAILABLE,
    (SeatStatus.ASSIGNED, SeatMove.REQUEST_RETURN): SeatStatus.RETURN_PENDING,
    # Over-bought seats go back unused: a return of an available seat (docs/adr/0013).
    (SeatStatus.AVAILABLE, SeatMove.REQUEST_RETURN): SeatStatus.RETURN_PENDING,
    (SeatStatus.RETURN_PENDING, SeatMove.DENY_RETURN_UNUSED): SeatStatus.AVAILABLE,
    (SeatStatus.RETURN_PENDING, SeatMove.APPROVE_RECLAIM): SeatStatus.AVAILABLE,
    (SeatStatus.RETURN_PENDING, SeatMove.APPROVE_REFUND): SeatStatus.REFUNDED,
    (SeatStatus.RETURN_PENDING, SeatMove.DENY_RETURN): SeatStatus.ASSIGNED,
    (SeatStatus.AVAILABLE, SeatMove.REFUND): SeatStatus.REFUNDED,
    (SeatStatus.AVAILABLE, SeatMove.EXPIRE): SeatStatus.EXPIRED,
    # Rule 4-5: the owner group changes only while the seat is available.
    (SeatStatus.AVAILABLE, SeatMove.SET_OWNER_GROUP): SeatStatus.AVAILABLE,
}

# States in which the seat still counts as held by someone (not free, not gone).
RESERVED = frozenset({SeatStatus.AWAITING, SeatStatus.ASSIGNED, SeatStatus.RETURN_PENDING})
LEFT_THE_POOL = frozenset({SeatStatus.REFUNDED, SeatStatus.EXPIRED})


def from_states(move: SeatMove) -> frozenset[SeatStatus]:
    """The states a seat may be in for ``move`` (used in conditional UPDATEs)."""
    return frozenset(state for state, m in TRANSITIONS if m == move)


def next_status(seat_id: str, current: SeatStatus, move: SeatMove) -> SeatStatus:
    """The state after ``move``; otherwise 409 ``seat_not_available`` naming seat, state, move."""
    try:
        return TRANSITIONS[(current, move)]
    except KeyError:
        raise Conflict(
            f"Seat {seat_id} is {current.value}; it cannot {move.value.replace('_', ' ')} now.",
            code="seat_not_available",
        ) from None
