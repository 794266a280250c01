"""Per-store counters (order numbers): one atomic UPDATE ... RETURNING per number."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from seatledger.db.constraints import add_unique
from seatledger.db.models import StoreCounter
from seatledger.domain.errors import Conflict


def next_value(session: Session, store_id: str, name: str) -> int:
    """The next number of the store's ``name`` sequence, starting at 1; never repeated."""
    for _ in range(2):
        value = session.scalar(
            update(StoreCounter)
            .where(StoreCounter.store_id == store_id, StoreCounter.name == name)
            .values(value=StoreCounter.value + 1)
            .returning(StoreCounter.value)
        )
        if value is not None:
            return int(value)
        try:
            add_unique(session, StoreCounter(store_id=store_id, name=name, value=1), Conflict())
            return 1
        except Conflict:  # created concurrently: take the next number from it
            continue
    raise RuntimeError(f"counter {name} of store {store_id} could not be advanced")
