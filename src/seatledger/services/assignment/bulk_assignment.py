"""Bulk assignment (rule 19): check every row and the remaining capacity first, then apply
all rows in one transaction or none; a dry run reports the problems per row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from seatledger.db import assignment_writer, group_closure, seat_queries
from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Product, Seat, Store
from seatledger.domain.actor import Actor
from seatledger.domain.assignment_plan import (
    REQUESTABLE_MODES,
    Handout,
    Mode,
    Request,
    Row,
    check_rows,
    plan_rows,
)
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.domain.products import ProductKind
from seatledger.domain.seats import SeatStatus
from seatledger.domain.tokens import new_token
from seatledger.domain.visibility import may_use_group
from seatledger.services.assignment import handout
from seatledger.services.people import access
from seatledger.services.storefront.courses import course_of

MAX_ROWS = 10_000
MODES = tuple(mode.value for mode in REQUESTABLE_MODES)
MODE = {mode.value: mode for mode in REQUESTABLE_MODES}


BulkRow = Row  # one row of the list: an address and a mode; its seat or its problem


@dataclass
class BulkResult:
    applied: bool
    rows: list[BulkRow] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(1 for row in self.rows if row.error)


class InvalidRows(Invalid):
    """Some rows cannot be applied; nothing was."""

    def __init__(self, result: BulkResult) -> None:
        super().__init__(
            f"{result.problems} of {len(result.rows)} rows cannot be assigned; nothing was "
            "applied. Fix them or send a dry run to see each problem.",
            code="invalid_rows",
        )
        self.result = result
        self.details = {
            "rows": [{"email": r.email, "error": r.error} for r in result.rows if r.error]
        }


def bulk_assign(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    sku: str,
    owner_group_id: str | None,
    rows: list[BulkRow],
    base_url: str,
    dry_run: bool = False,
    on_row: Callable[[int], None] | None = None,
) -> BulkResult:
    """Assign ``rows`` to available seats of ``sku`` owned by ``owner_group_id``."""
    if not rows:
        raise Invalid("Send at least one row.", code="rows_required")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS:,} rows per request.", code="too_many_rows")
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        product = _product(session, store, sku)
        _check_scope(session, actor, owner_group_id)
        connection = session.connection()
        now = utcnow()
        planned = _plan(connection, store, product, rows, now)
        seats = _available_seats(session, store, actor, product, owner_group_id, limit=len(rows))
        result = BulkResult(applied=False, rows=rows)
        if result.problems:
            if dry_run:
                return result
            raise InvalidRows(result)
        if len(seats) < len(rows):
            raise Conflict(
                f"{len(rows)} rows need as many available {sku} seats; only {len(seats)} are left.",
                code="capacity_exceeded",
            )
        for row, seat in zip(rows, seats, strict=False):
            row.seat_id = seat.id
        if dry_run:
            session.rollback()
            return result
        plan = [h.on(seat) for h, seat in zip(planned, seats, strict=False)]
        where = handout.setting(
            connection, store, actor, base_url=base_url, now=now, with_sender=True, bulk=True
        )
        assignment_writer.apply(connection, plan, where)
        if on_row:
            on_row(len(rows))
        result.applied = True
        return result


def _product(session: Session, store: Store, sku: str) -> Product:
    product = session.scalar(
        select(Product).where(Product.store_id == store.id, Product.sku == sku)
    )
    if product is None:
        raise Invalid(f"No product with SKU '{sku}' exists here.", code="unknown_sku")
    return product


def _check_scope(session: Session, actor: Actor, owner_group_id: str | None) -> None:
    if owner_group_id is None:
        return
    if not may_use_group(actor, group_closure.lineage(session, owner_group_id)):
        raise PermissionDenied(
            "You can only assign seats of groups you are agent of.", code="not_agent_of_group"
        )


def _plan(
    connection: Connection, store: Store, product: Product, rows: list[BulkRow], now: datetime
) -> list[Handout]:
    """Every row through the rules of one hand-out (``check_rows``, then ``decide``); each
    problem is recorded on its row."""
    check_rows(rows)
    course = course_of(connection, product.id)
    course_id = product.id if product.kind != ProductKind.OPEN_ENDED else None
    instant = [r.email for r in rows if r.mode == Mode.INSTANT and not r.error]
    known = handout.learners(connection, store.id, instant, course_id)
    requests = [
        (row, Request(None, row.email, MODE[row.mode], course, learner=known.get(row.email),
                      message=row.message))
        for row in rows
        if not row.error
    ]  # fmt: skip
    ttl = handout.link_ttl(store)
    return plan_rows(requests, now=now, link_ttl=ttl, new_token=new_token)


def _available_seats(
    session: Session,
    store: Store,
    actor: Actor,
    product: Product,
    owner_group_id: str | None,
    *,
    limit: int,
) -> list[Any]:
    """Rows of free seats, oldest first; Core rows rather than ORM objects, since up to 10,000
    are read at once."""
    may_assign = (
        seat_queries.visible_to(actor)
        if actor.has(Permission.SEATS_MANAGE) or owner_group_id is not None
        else Seat.buyer_id == actor.customer_id  # seeing is not assigning: own ungrouped only
    )
    query = select(
        Seat.id, Seat.store_id, Seat.order_id, Seat.product_id, Seat.status, Seat.owner_group_id
    ).where(
        Seat.store_id == store.id,
        Seat.product_id == product.id,
        Seat.status == SeatStatus.AVAILABLE.value,
        may_assign,
        Seat.owner_group_id.is_(None)
        if owner_group_id is None
        else Seat.owner_group_id == owner_group_id,
    )
    query = query.order_by(Seat.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.execute(query))
