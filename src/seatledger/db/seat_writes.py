"""The one writer of a seat's state and owner group: conditional UPDATE, counters, no races.

Every change is ``UPDATE seats SET ... WHERE id = :id AND status = :seen AND owner_group_id
IS :seen_group``; when another transaction moved the seat first, no row changes and the move
is refused as ``seat_not_available``. The maintained counters change in the same transaction.

The statements are built once (docs/adr/0014): the single-assignment path runs them through
a Core connection, the other use cases through their ORM session; both come here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from seatledger.db import seat_counts
from seatledger.db.base import changed_rows, utcnow
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


def _claim(seats: Any, seen_group: Any) -> Any:
    return (
        update(Seat)
        .where(seats, Seat.status == bindparam("seen_status"), seen_group)
        .values(
            status=bindparam("to_status"),
            owner_group_id=bindparam("to_group"),
            updated_at=bindparam("now"),
        )
        .execution_options(synchronize_session=False)
    )


_ONE = Seat.id == bindparam("seat_id")
_MANY = Seat.id.in_(bindparam("seat_ids", expanding=True))
_GROUPED = Seat.owner_group_id == bindparam("seen_group")
_UNGROUPED = Seat.owner_group_id.is_(None)
_CLAIM_ONE = {True: _claim(_ONE, _GROUPED), False: _claim(_ONE, _UNGROUPED)}
_CLAIM_MANY = {True: _claim(_MANY, _GROUPED), False: _claim(_MANY, _UNGROUPED)}
CHUNK = 500  # seat ids per conditional UPDATE, well under SQLite's variable limit


class Move(NamedTuple):
    """One seat's move, and the owner group it gets (``UNCHANGED`` keeps its own)."""

    seat: SeatState
    move: SeatMove
    owner_group_id: Any = UNCHANGED


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
    return transition_many(executor, [Move(seat, move, owner_group_id)])[0]


def transition_many(
    executor: Session | Connection, moves: Sequence[Move], *, now: datetime | None = None
) -> list[SeatStatus]:
    """Apply every move in set-based statements (one conditional UPDATE per chunk of seats that
    share their state, owner group and destination) and one counter change; all or nothing:
    if any seat was moved by another transaction meanwhile, ``seat_not_available``."""
    now = now or utcnow()
    batches: dict[tuple[str, str | None, str, str | None], list[str]] = defaultdict(list)
    delta: Counter[seat_counts.Key] = Counter()
    states = []
    allowed: dict[tuple[str, SeatMove], SeatStatus] = {}  # each distinct move checked once
    for seat, move, owner_group_id in moves:
        new = allowed.get((seat.status, move))
        if new is None:
            new = allowed[(seat.status, move)] = next_status(seat.id, SeatStatus(seat.status), move)
        group = seat.owner_group_id if owner_group_id is UNCHANGED else owner_group_id
        batches[(seat.status, seat.owner_group_id, new.value, group)].append(seat.id)
        delta[(seat.owner_group_id, seat.product_id, seat.status)] -= 1
        delta[(group, seat.product_id, new.value)] += 1
        states.append((seat, new, group))
    for (seen, seen_group, to_status, to_group), ids in batches.items():
        values = {"seen_status": seen, "seen_group": seen_group, "to_status": to_status,
                  "to_group": to_group, "now": now}  # fmt: skip
        for start in range(0, len(ids), CHUNK):
            _claim_chunk(executor, ids[start : start + CHUNK], values, single=len(moves) == 1)
    seat_counts.apply(executor, delta)
    for seat, new, group in states:
        if isinstance(seat, Seat):
            set_committed_value(seat, "status", new.value)
            set_committed_value(seat, "owner_group_id", group)
    return [new for _, new, _ in states]


def _claim_chunk(
    executor: Session | Connection, ids: list[str], values: dict[str, Any], *, single: bool
) -> None:
    grouped = values["seen_group"] is not None
    if len(ids) == 1:
        changed = changed_rows(executor.execute(_CLAIM_ONE[grouped], {"seat_id": ids[0], **values}))
    else:
        changed = changed_rows(executor.execute(_CLAIM_MANY[grouped], {"seat_ids": ids, **values}))
    if changed != len(ids):
        message = (
            f"Seat {ids[0]} changed while this request was running; try again."
            if single
            else "Some seats were taken by another request meanwhile; nothing was applied."
        )
        raise Conflict(message, code="seat_not_available")
