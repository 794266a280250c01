"""The one writer of a seat's state and owner group: conditional UPDATE, counters, no races.

Every change is ``UPDATE seats SET ... WHERE id = :id AND status = :seen AND owner_group_id
IS :seen_group``; when another transaction moved the seat first, no row changes and the move
is refused as ``seat_not_available``. The maintained counters change in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from seatledger.db import seat_counts
from seatledger.db.base import utcnow
from seatledger.db.models import Seat
from seatledger.domain.errors import Conflict
from seatledger.domain.seats import SeatMove, SeatStatus, next_status

UNCHANGED: Any = object()


def transition(
    session: Session, seat: Seat, move: SeatMove, *, owner_group_id: str | None = UNCHANGED
) -> SeatStatus:
    """Apply ``move`` to ``seat`` (and optionally set its owner group); returns the new state."""
    current = SeatStatus(seat.status)
    new = next_status(seat.id, current, move)
    group = seat.owner_group_id if owner_group_id is UNCHANGED else owner_group_id
    seen_group = Seat.owner_group_id.is_(None) if seat.owner_group_id is None else (
        Seat.owner_group_id == seat.owner_group_id
    )  # fmt: skip
    changed = session.execute(
        update(Seat)
        .where(Seat.id == seat.id, Seat.status == current.value, seen_group)
        .values(status=new.value, owner_group_id=group, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(
            f"Seat {seat.id} changed while this request was running; try again.",
            code="seat_not_available",
        )
    seat_counts.apply(
        session,
        seat_counts.moved(
            seat.product_id, group=seat.owner_group_id, status=current.value,
            to_group=group, to_status=new.value,
        ),
    )  # fmt: skip
    set_committed_value(seat, "status", new.value)
    set_committed_value(seat, "owner_group_id", group)
    return new
