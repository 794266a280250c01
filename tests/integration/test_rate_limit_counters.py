"""Rate-limit counters on a real database (docs/adr/0020): the upsert counts each event once
under concurrency, an expired slot starts again, and pruning drops only expired rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from seatledger.db import rate_limits
from seatledger.db.engine import Database
from seatledger.db.models import RateLimitCounter

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
WINDOW = NOW.replace(minute=0)


def count(database: Database, key: str = "k", *, now: datetime = NOW, **slot: object) -> int:
    values = {"window_start": WINDOW, "expires_at": WINDOW + timedelta(hours=1), **slot}
    with database.write_core() as connection:
        return rate_limits.count(connection, name="signup_address", key=key, now=now, **values)  # type: ignore[arg-type]


def test_concurrent_events_each_get_their_own_count(database: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: count(database), range(40)))

    assert sorted(counts) == list(range(1, 41))


def test_an_expired_slot_starts_again_at_one(database: Database) -> None:
    soon = NOW + timedelta(minutes=1)
    count(database, expires_at=soon)
    count(database, expires_at=soon)

    assert count(database, now=soon, expires_at=soon + timedelta(days=1)) == 1


def test_pruning_drops_expired_rows_only(database: Database) -> None:
    count(database, "old", expires_at=NOW - timedelta(seconds=1))
    count(database, "live", expires_at=NOW + timedelta(seconds=1))

    with database.write_core() as connection:
        dropped = rate_limits.prune(connection, now=NOW)

    with database.read() as session:
        assert list(session.scalars(select(RateLimitCounter.key))) == ["live"]
    assert dropped == 1


def test_reading_ignores_expired_rows(database: Database) -> None:
    count(database, "old", expires_at=NOW)
    count(database, "live", expires_at=NOW + timedelta(seconds=1))

    with database.read_once() as connection:
        found = rate_limits.read(
            connection,
            [("signup_address", "old", WINDOW), ("signup_address", "live", WINDOW)],
            now=NOW,
        )

    assert [(c.key, c.count) for c in found] == [("live", 1)]
