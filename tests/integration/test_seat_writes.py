"""The one writer of seat status, set-based: every move checked, all or nothing, counters kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from seatledger.db import seat_counts, seat_writes
from seatledger.db.engine import Database
from seatledger.db.models import Seat
from seatledger.domain.errors import Conflict
from seatledger.domain.seats import SeatMove
from tests.integration.test_assignment_concurrency import shop as shop


def seats(database: Database, ids: list[str]) -> list[Any]:
    with database.read_once() as connection:
        rows = connection.execute(
            select(Seat.id, Seat.status, Seat.owner_group_id, Seat.product_id)
            .where(Seat.id.in_(ids))
            .order_by(Seat.id)
        )
        return list(rows)


def statuses(database: Database, ids: list[str]) -> list[str]:
    return [row.status for row in seats(database, ids)]


def counters_match(database: Database, store_id: str) -> bool:
    with database.read() as session:
        return seat_counts.stored(session, store_id) == seat_counts.recount(session, store_id)


def store_of(database: Database, seat_id: str) -> str:
    with database.read() as session:
        return str(session.scalar(select(Seat.store_id).where(Seat.id == seat_id)))


def test_many_seats_move_at_once_and_the_counters_follow(database: Database, shop: dict):
    ids = shop["seats"]
    with database.write_core() as connection:
        moved = seat_writes.transition_many(
            connection, [seat_writes.Move(row, SeatMove.SEND_LINK) for row in seats(database, ids)]
        )
    assert [status.value for status in moved] == ["awaiting"] * len(ids)
    assert statuses(database, ids) == ["awaiting"] * len(ids)
    assert counters_match(database, store_of(database, ids[0]))


def test_one_seat_moved_meanwhile_refuses_the_whole_batch(database: Database, shop: dict):
    ids = shop["seats"]
    read_before = seats(database, ids)
    with database.write_core() as connection:  # another request takes the last seat first
        seat_writes.transition(connection, read_before[-1], SeatMove.ASSIGN)

    with pytest.raises(Conflict) as refused, database.write_core() as connection:
        seat_writes.transition_many(
            connection, [seat_writes.Move(row, SeatMove.SEND_LINK) for row in read_before]
        )

    assert refused.value.code == "seat_not_available"
    assert statuses(database, ids) == ["available", "available", "assigned"]
    assert counters_match(database, store_of(database, ids[0]))


def test_a_move_the_table_does_not_allow_is_refused_before_any_write(
    database: Database, shop: dict
):
    ids = shop["seats"]
    rows = seats(database, ids)
    with pytest.raises(Conflict) as refused, database.write_core() as connection:
        seat_writes.transition_many(
            connection,
            [
                seat_writes.Move(rows[0], SeatMove.SEND_LINK),
                seat_writes.Move(rows[1], SeatMove.REDEEM),
            ],
        )
    assert refused.value.code == "seat_not_available"
    assert ids[1] in str(refused.value)
    assert statuses(database, ids) == ["available"] * len(ids)


def test_seats_of_different_groups_and_destinations_move_in_one_call(
    database: Database, shop: dict
):
    ids = shop["seats"]
    rows = seats(database, ids)
    with database.write_core() as connection:
        seat_writes.transition_many(
            connection,
            [
                seat_writes.Move(rows[0], SeatMove.ASSIGN),
                seat_writes.Move(rows[1], SeatMove.SEND_LINK),
                seat_writes.Move(rows[2], SeatMove.SET_OWNER_GROUP, None),
            ],
        )
    after = seats(database, ids)
    assert [row.status for row in after] == ["assigned", "awaiting", "available"]
    assert after[2].owner_group_id is None
    assert counters_match(database, store_of(database, ids[0]))
