"""The one writer of a seat's state and owner group: conditional UPDATE, counters, no races.

Every change is ``UPDATE seats SET ... WHERE id = :id AND status = :seen AND owner_group_id
IS :seen_group``; when another transaction moved the seat first, no row changes and the move
is refused as ``seat_not_available``. The maintained counters change in the same transaction.

The statements are built once (docs/adr/0014): the single-assignment path runs them through
a Core connection, the other use cases through their ORM session; both come here.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from seatledger.db import seat_counts
from seatledger.db.base import utcnow
from seatledger.db.models import Seat
from seatledger.domain.errors import Conflict
from seatledger.domain.seats import SeatMove, SeatStatus, next_status

UNCHANGED: Any = object()


class SeatState(Protocol):
    """What a move needs to know of a seat: a loaded ``Seat`` or a row read with Core."""

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def owner_group_id(self) -> str | None: ...
    @property
    def product_id(self) -> str: ...


def _claim(seen_group: Any) -> Any:
    return (
        update(Seat)
        .where(Seat.id == bindparam("seat_id"), Seat.status == bindparam("seen_status"), seen_group)
        .values(
            status=bindparam("to_status"),
            owner_group_id=bindparam("to_group"),
            updated_at=bindparam("now"),
        )
        .execution_options(synchronize_session=False)
    )


_CLAIM_GROUPED = _claim(Seat.owner_group_id == bindparam("seen_group"))
_CLAIM_UNGROUPED = _claim(Seat.owner_group_id.is_(None))


def transition(
    executor: Session | Connection,
    seat: SeatState,
    move: SeatMove,
    *,
    owner_group_id: str | None = UNCHANGED,
) -> SeatStatus:
    """Apply ``move`` to ``seat`` (and optionally set its owner group); returns the new state.

    A loaded ``Seat`` is kept in step (its status and owner group); a row is left as read.
    """
    current = SeatStatus(seat.status)
    new = next_status(seat.id, current, move)
    group = seat.owner_group_id if owner_group_id is UNCHANGED else owner_group_id
    statement = _CLAIM_UNGROUPED if seat.owner_group_id is None else _CLAIM_GROUPED
    changed = executor.execute(
        statement,
        {
            "seat_id": seat.id,
            "seen_status": current.value,
            "seen_group": seat.owner_group_id,
            "to_status": new.value,
            "to_group": group,
            "now": utcnow(),
        },
    ).rowcount
    if changed != 1:
        raise Conflict(
            f"Seat {seat.id} changed while this request was running; try again.",
            code="seat_not_available",
        )
    seat_counts.apply(
        executor,
        seat_counts.moved(
            seat.product_id, group=seat.owner_group_id, status=current.value,
            to_group=group, to_status=new.value,
        ),
    )  # fmt: skip
    if isinstance(seat, Seat):
        set_committed_value(seat, "status", new.value)
        set_committed_value(seat, "owner_group_id", group)
    return new
