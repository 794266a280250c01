"""The database base: shared metadata with a naming convention, UTC datetimes, ids, JSON."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, DateTime, MetaData, Result, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


_RANDOM_BITS = 80
_id_lock = threading.Lock()
_last_id = (0, 0)


def new_ids(count: int) -> list[str]:
    """``count`` fresh ids, increasing within this process (ULID-style monotonic ids).

    A 48-bit millisecond timestamp, then 80 bits that start random each millisecond and count
    up within it, so ids made one after another sort in the order they were made.
    """
    global _last_id
    with _id_lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_random = _last_id
        if millis <= last_millis:
            millis, start = last_millis, last_random + 1
        else:
            start = int.from_bytes(os.urandom(10)) >> 1  # half the range: room to count up
        if start + count >= 1 << _RANDOM_BITS:  # practically never: move to the next millisecond
            millis, start = millis + 1, 0
        _last_id = (millis, start + count - 1)
    prefix = f"{millis:012x}"
    return [f"{prefix}{value:020x}" for value in range(start, start + count)]


def new_id() -> str:
    """A 32-hex-digit id that sorts by creation time."""
    return new_ids(1)[0]


IdColumn = String(32)
# JSON documents (settings, audit before/after, refunded seat ids): JSONB on PostgreSQL.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def id_column() -> Mapped[str]:
    return mapped_column(IdColumn, primary_key=True, default=new_id)


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (``execute`` is typed for any statement)."""
    return cast("CursorResult[Any]", result).rowcount
