"""Cursor pagination over id-ordered queries (ids sort by creation time)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from seatledger.domain.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        value = ""
    if not value or not value.isalnum() or len(value) > 64:
        raise BadRequest("The cursor is not one this service gave out.", code="invalid_cursor")
    return value


def paginate(
    session: Session,
    query: Select[Any],
    id_column: InstrumentedAttribute[str],
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[Any]:
    """One page of ``query`` in id order, and the cursor of the next page if there is one."""
    if cursor:
        query = query.where(id_column > decode_cursor(cursor))
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], id_column.key)) if has_more else None
    return Page(items=rows, next_cursor=next_cursor)
