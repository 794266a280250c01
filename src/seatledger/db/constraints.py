"""Let the database enforce uniqueness, and turn its refusal into a domain conflict.

No check-then-act: concurrent requests race on the constraint and exactly one wins.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seatledger.db.base import Base
from seatledger.domain.errors import DomainError


def add_unique(session: Session, row: Base, conflict: DomainError) -> None:
    """Insert ``row`` inside a savepoint; a unique violation raises ``conflict``.

    The savepoint keeps the surrounding transaction usable, so a caller may catch the
    conflict and carry on (for example to return the row a concurrent request inserted).
    """
    session.flush()  # earlier changes go out before the savepoint, not inside it
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise conflict from None


def flush_or_raise(session: Session, conflict: DomainError) -> None:
    """Flush pending changes; a unique violation raises ``conflict`` (the transaction is lost)."""
    try:
        session.flush()
    except IntegrityError:
        raise conflict from None
