"""Rate-limit counters in the database: one atomic upsert per counted event (docs/adr/0020).

``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` exists on SQLite (3.35+) and PostgreSQL
alike: two processes counting the same subject at once each get their own, distinct count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, and_, case, delete, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from seatledger.db.models import RateLimitCounter

TABLE = cast(Table, RateLimitCounter.__table__)
COLUMNS = TABLE.c


@dataclass(frozen=True)
class Counter:
    name: str
    key: str
    window_start: datetime
    count: int
    last_at: datetime
    expires_at: datetime


def read(
    connection: Connection, slots: Iterable[tuple[str, str, datetime]], *, now: datetime
) -> list[Counter]:
    """The live counters of these ``(name, key, window_start)`` slots (expired ones are not)."""
    wanted = [
        and_(COLUMNS.name == name, COLUMNS.key == key, COLUMNS.window_start == start)
        for name, key, start in slots
    ]
    if not wanted:
        return []
    rows = connection.execute(select(TABLE).where(or_(*wanted), COLUMNS.expires_at > now))
    return [Counter(**row._mapping) for row in rows]


def count(
    connection: Connection,
    *,
    name: str,
    key: str,
    window_start: datetime,
    expires_at: datetime,
    now: datetime,
) -> int:
    """Count one event in the slot and return the slot's count, this event included; a slot
    whose row has expired starts again at 1."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE).values(
        name=name, key=key, window_start=window_start, count=1, last_at=now, expires_at=expires_at
    )
    statement = statement.on_conflict_do_update(
        index_elements=[COLUMNS.name, COLUMNS.key, COLUMNS.window_start],
        set_={
            "count": case((COLUMNS.expires_at <= now, 1), else_=COLUMNS.count + 1),
            "last_at": statement.excluded.last_at,
            "expires_at": statement.excluded.expires_at,
        },
    ).returning(COLUMNS.count)
    return int(connection.execute(statement).scalar_one())


def forget(connection: Connection, *, name: str, key: str) -> None:
    """Drop every counter of a subject (a successful sign-in clears the account's failures)."""
    connection.execute(delete(TABLE).where(COLUMNS.name == name, COLUMNS.key == key))


def prune(connection: Connection, *, now: datetime) -> int:
    """Delete expired counters (indexed on ``expires_at``), in a transaction of its own after
    a slot starts, so the table holds little more than the live windows. Rows another
    transaction holds are skipped (PostgreSQL), so pruning never waits or deadlocks."""
    expired = (
        select(COLUMNS.name, COLUMNS.key, COLUMNS.window_start)
        .where(COLUMNS.expires_at <= now)
        .with_for_update(skip_locked=True)
    )
    keys = tuple_(COLUMNS.name, COLUMNS.key, COLUMNS.window_start)
    return int(connection.execute(delete(TABLE).where(keys.in_(expired))).rowcount)
