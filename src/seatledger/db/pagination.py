"""Cursor pagination over id-ordered queries (ids sort by creation time)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


# A cursor is the sort key of the last item of the previous page, as it is (ids and the
# keys built from them are ASCII letters and digits): any cursor of this form is a position
# in the list, so a schema-valid cursor is never refused (docs/adr/0022).
CURSOR_PATTERN = r"^[A-Za-z0-9]{1,64}$"
_CURSOR = re.compile(CURSOR_PATTERN)


def encode_cursor(last_id: str) -> str:
    return last_id


def decode_cursor(cursor: str) -> str:
    if not _CURSOR.fullmatch(cursor):
        raise BadRequest(
            "The cursor is not one this service gives out (next_cursor of a page).",
            code="invalid_cursor",
        )
    return cursor


def by_id(record: Any) -> str:
    return str(record.id)


def page_of(
    items: Iterable[T],
    *,
    limit: int,
    cursor: str | None = None,
    key: Callable[[T], str] = by_id,
) -> Page[T]:
    """One page of a short list already read whole (a group's agents, a store's products), in
    ``key`` order: the same pages and cursors as ``paginate`` gives over a query."""
    after = decode_cursor(cursor) if cursor else ""
    rest = sorted((item for item in items if key(item) > after), key=key)
    found = rest[:limit]
    next_cursor = encode_cursor(key(found[-1])) if len(rest) > limit else None
    return Page(items=found, next_cursor=next_cursor)


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
