"""Rule 4 for a whole order at once: give every available ungrouped seat of an order an
owner group, in one transaction (all of them or none).

Each seat goes through the same checks and the same conditional write as
``seats.set_owner_group``, and gets its own ``seat.owner_group_set`` audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from seatledger.db import seat_queries
from seatledger.db.engine import Database
from seatledger.db.models import Seat
from seatledger.domain.errors import Conflict, not_found
from seatledger.domain.seats import SeatStatus
from seatledger.services.people import access
from seatledger.services.seating.seats import (
    check_group_choice,
    ensure_may_assign,
    move_to_owner_group,
)


@dataclass(frozen=True)
class OwnerGroupSet:
    order_id: str
    owner_group_id: str
    seat_ids: list[str]


def set_owner_group_of_order(
    db: Database, caller: str | None, store_slug: str, order_id: str, owner_group_id: str
) -> OwnerGroupSet:
    """Set the owner group of every available, ungrouped seat of an order the caller can see.

    Refused as a whole when any of those seats may not be changed by the caller; seats that
    are not available (assigned, awaiting...) are left alone. An order none of whose seats
    the caller can see is 404, as if it did not exist.
    """
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        seen = list(
            session.scalars(
                select(Seat)
                .where(
                    Seat.store_id == store.id,
                    Seat.order_id == order_id,
                    seat_queries.visible_to(actor),
                )
                .order_by(Seat.id)
            )
        )
        if not seen:  # no such order, or none of its seats is the caller's to see
            raise not_found("order", order_id)
        waiting = [
            seat
            for seat in seen
            if seat.owner_group_id is None and seat.status == SeatStatus.AVAILABLE.value
        ]
        if not waiting:
            raise Conflict(
                "No available seat of this order is waiting for an owner group.",
                code="seat_not_available",
            )
        for seat in waiting:  # seeing a seat (seats.view) is not owning it
            ensure_may_assign(session, actor, seat)
        check_group_choice(session, store, actor, owner_group_id)
        for seat in waiting:
            move_to_owner_group(session, store, actor, seat, owner_group_id)
        return OwnerGroupSet(order_id, owner_group_id, [seat.id for seat in waiting])
