"""Maintained seat counts per (group, product, state): changed with every seat write.

Deltas are applied with one upsert per key, in sorted key order so that concurrent
transactions on PostgreSQL take the counter rows' locks in the same order (no deadlocks).
Seats without an owner group are not counted: capacity is a property of a group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from seatledger.db.models import PurchasingGroup, Seat, SeatCount

Key = tuple[str | None, str, str]  # (owner group, product, status)


def _upsert(dialect: Any) -> Any:
    statement = dialect.insert(SeatCount)
    return statement.on_conflict_do_update(
        index_elements=["group_id", "product_id", "status"],
        set_={"seats": SeatCount.seats + statement.excluded.seats},
    )


# Built once: every seat write runs one of these.
_POSTGRESQL_UPSERT, _SQLITE_UPSERT = _upsert(postgresql), _upsert(sqlite)


def apply(executor: Session | Connection, deltas: Counter[Key] | dict[Key, int]) -> None:
    """Add ``deltas`` to the counters (negative numbers take away)."""
    rows = [
        {"group_id": group, "product_id": product, "status": status, "seats": change}
        for (group, product, status), change in sorted(
            deltas.items(), key=lambda item: str(item[0])
        )
        if group is not None and change != 0
    ]
    if not rows:
        return
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    postgres = bind.dialect.name == "postgresql"
    executor.execute(_POSTGRESQL_UPSERT if postgres else _SQLITE_UPSERT, rows)


def moved(
    product: str,
    *,
    group: str | None,
    status: str,
    to_group: str | None,
    to_status: str,
) -> Counter[Key]:
    """The delta of one seat moving from (group, status) to (to_group, to_status)."""
    delta: Counter[Key] = Counter()
    delta[(group, product, status)] -= 1
    delta[(to_group, product, to_status)] += 1
    return delta


def created(rows: Iterable[dict[str, Any]]) -> Counter[Key]:
    return Counter((row["owner_group_id"], row["product_id"], row["status"]) for row in rows)


def recount(session: Session, store_id: str) -> dict[Key, int]:
    """The counts recomputed from the seats themselves (the truth the counters must equal)."""
    rows = session.execute(
        select(Seat.owner_group_id, Seat.product_id, Seat.status, func.count())
        .where(Seat.store_id == store_id, Seat.owner_group_id.is_not(None))
        .group_by(Seat.owner_group_id, Seat.product_id, Seat.status)
    )
    return {(group, product, status): int(count) for group, product, status, count in rows}


def stored(session: Session, store_id: str) -> dict[Key, int]:
    """The maintained counters of a store's groups, leaving out zeros."""
    rows = session.execute(
        select(SeatCount.group_id, SeatCount.product_id, SeatCount.status, SeatCount.seats)
        .join(PurchasingGroup, PurchasingGroup.id == SeatCount.group_id)
        .where(PurchasingGroup.store_id == store_id, SeatCount.seats != 0)
    )
    return {(group, product, status): int(count) for group, product, status, count in rows}


def rebuild(session: Session, store_id: str) -> None:
    """Replace a store's counters with a recount (after bulk loads or repairs)."""
    groups = select(PurchasingGroup.id).where(PurchasingGroup.store_id == store_id)
    session.execute(delete(SeatCount).where(SeatCount.group_id.in_(groups)))
    counts = recount(session, store_id)
    if counts:
        session.execute(
            insert(SeatCount),
            [
                {"group_id": g, "product_id": p, "status": s, "seats": n}
                for (g, p, s), n in counts.items()
            ],
        )
