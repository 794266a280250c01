"""Seats (invoice items): listing, reading, and setting the owner group (rules 4-6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from seatledger.db import group_closure, seat_queries, seat_writes
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Order, Product, PurchasingGroup, Seat, Store
from seatledger.db.pagination import Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import LIVE as LIVE_ASSIGNMENTS
from seatledger.domain.errors import not_found
from seatledger.domain.money import format_amount
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatMove, SeatStatus
from seatledger.domain.visibility import (
    ensure_group_active,
    ensure_may_assign_seat,
    ensure_may_use_group,
)
from seatledger.services.audit_trail import audit
from seatledger.services.people import access


@dataclass(frozen=True)
class AssignmentView:
    email: str
    learner_id: str | None
    owner_group_id: str | None
    mode: str
    status: str
    course_sku: str | None
    assigned_at: datetime
    redeemed_at: datetime | None
    link_expires_at: datetime | None


@dataclass(frozen=True)
class SeatView:
    id: str
    status: str
    owner_group_id: str | None
    order_id: str
    order_line_id: str
    product_id: str
    sku: str
    price: str
    currency: str
    buyer_id: str
    redeem_by: datetime | None
    created_at: datetime
    updated_at: datetime
    assignment: AssignmentView | None = None
    enrollment_id: str | None = None


def _views(session: Session, seats: list[Seat]) -> list[SeatView]:
    product_ids = {seat.product_id for seat in seats}
    skus = dict(
        session.execute(select(Product.id, Product.sku).where(Product.id.in_(product_ids))).all()
    )
    order_ids = {seat.order_id for seat in seats}
    currencies = dict(
        session.execute(select(Order.id, Order.currency).where(Order.id.in_(order_ids))).all()
    )
    live = {
        a.seat_id: a
        for a in session.scalars(
            select(Assignment).where(
                Assignment.seat_id.in_([seat.id for seat in seats]),
                Assignment.status.in_(LIVE_ASSIGNMENTS),
            )
        )
    }
    course_ids = {a.course_product_id for a in live.values() if a.course_product_id}
    course_skus = dict(
        session.execute(select(Product.id, Product.sku).where(Product.id.in_(course_ids))).all()
    )
    return [
        SeatView(
            id=seat.id,
            status=seat.status,
            owner_group_id=seat.owner_group_id,
            order_id=seat.order_id,
            order_line_id=seat.order_line_id,
            product_id=seat.product_id,
            sku=skus[seat.product_id],
            price=format_amount(seat.price_minor, currencies[seat.order_id]),
            currency=currencies[seat.order_id],
            buyer_id=seat.buyer_id,
            redeem_by=seat.redeem_by,
            created_at=seat.created_at,
            updated_at=seat.updated_at,
            assignment=_assignment_view(live.get(seat.id), course_skus),
            enrollment_id=live[seat.id].enrollment_id if seat.id in live else None,
        )
        for seat in seats
    ]


def _assignment_view(
    assignment: Assignment | None, course_skus: dict[str, str]
) -> AssignmentView | None:
    if assignment is None:
        return None
    return AssignmentView(
        email=assignment.email,
        learner_id=assignment.learner_id,
        owner_group_id=assignment.owner_group_id,
        mode=assignment.mode,
        status=assignment.status,
        course_sku=course_skus.get(assignment.course_product_id or ""),
        assigned_at=assignment.assigned_at,
        redeemed_at=assignment.redeemed_at,
        link_expires_at=assignment.link_expires_at,
    )


def seat_view(session: Session, seat: Seat) -> SeatView:
    session.flush()
    return _views(session, [seat])[0]


def visible_seat(session: Session, store: Store, actor: Actor, seat_id: str) -> Seat:
    """The seat when the caller may see it; 404 alike for missing and invisible seats."""
    access.require_customer(actor)
    seat = session.scalar(
        select(Seat).where(
            Seat.id == seat_id, Seat.store_id == store.id, seat_queries.visible_to(actor)
        )
    )
    if seat is None:
        raise not_found("seat", seat_id)
    return seat


def visible_seat_core(connection: Connection, store_id: str, actor: Actor, seat_id: str) -> Any:
    """``visible_seat`` on a Core connection: the seat as a row, with its product's sku, its
    order's currency and its owner group's lineage."""
    access.require_customer(actor)
    params: dict[str, Any]
    if actor.has(Permission.SEATS_VIEW):
        statement, params = seat_queries.SEAT_ROW_FOR_VIEWERS, {}
    elif actor.customer_id is not None:
        statement = seat_queries.SEAT_ROW_FOR_CUSTOMER
        params = {"customer_id": actor.customer_id}
    elif actor.agent_grant_group_ids:  # an API key acting as agent of groups
        statement = seat_queries.SEAT_ROW_FOR_GROUPS
        params = {"group_ids": sorted(actor.agent_grant_group_ids)}
    else:  # seat_queries.visible_to: sees nothing
        raise not_found("seat", seat_id)
    seat = connection.execute(statement, {"seat_id": seat_id, "store_id": store_id, **params})
    row = seat.first()
    if row is None:
        raise not_found("seat", seat_id)
    return row


def list_seats(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    owner_group_id: str | None = None,
    status: SeatStatus | None = None,
    order_id: str | None = None,
    sku: str | None = None,
    ungrouped: bool = False,
    learner_email: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[SeatView]:
    """The seats the caller may see, filtered; agents see their groups' and own ungrouped seats."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(Seat).where(Seat.store_id == store.id, seat_queries.visible_to(actor))
        if owner_group_id is not None:
            query = query.where(Seat.owner_group_id == owner_group_id)
        if ungrouped:
            query = query.where(Seat.owner_group_id.is_(None))
        if status is not None:
            query = query.where(Seat.status == status.value)
        if order_id is not None:
            query = query.where(Seat.order_id == order_id)
        if learner_email:
            held_by = select(Assignment.seat_id).where(
                Assignment.store_id == store.id,
                Assignment.email == learner_email.strip().lower(),
                Assignment.status.in_(LIVE_ASSIGNMENTS),
            )
            query = query.where(Seat.id.in_(held_by))
        if sku is not None:
            query = query.where(
                Seat.product_id.in_(
                    select(Product.id).where(Product.store_id == store.id, Product.sku == sku)
                )
            )
        page = paginate(session, query, Seat.id, limit=limit, cursor=cursor)
        return Page(_views(session, page.items), page.next_cursor)


def get_seat(db: Database, caller: str | None, store_slug: str, seat_id: str) -> SeatView:
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        return _views(session, [visible_seat(session, store, actor, seat_id)])[0]


def set_owner_group(
    db: Database, caller: str | None, store_slug: str, seat_id: str, owner_group_id: str
) -> SeatView:
    """Rule 4: set or change the owner group of an available seat.

    Admins with ``seats.manage`` may choose any active group; agents only groups they are
    agent of, on seats they can see.
    """
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        seat = visible_seat(session, store, actor, seat_id)
        ensure_may_assign(session, actor, seat)  # seeing a seat (seats.view) is not owning it
        check_group_choice(session, store, actor, owner_group_id)
        move_to_owner_group(session, store, actor, seat, owner_group_id)
        session.refresh(seat)
        return seat_view(session, seat)


def move_to_owner_group(
    session: Session, store: Store, actor: Actor, seat: Seat, owner_group_id: str
) -> None:
    """Rule 4's write, once checked: the conditional transition and its audit event, in the
    caller's transaction (also used by ``owner_groups`` for a whole order)."""
    before = seat.owner_group_id
    seat_writes.transition(session, seat, SeatMove.SET_OWNER_GROUP, owner_group_id=owner_group_id)
    audit.record(
        session,
        store_id=store.id,
        actor=actor,
        action="seat.owner_group_set",
        entity="seat",
        entity_id=seat.id,
        seat_id=seat.id,
        order_id=seat.order_id,
        group_id=owner_group_id,
        before={"owner_group_id": before},
        after={"owner_group_id": owner_group_id},
    )


def ensure_may_assign(
    executor: Session | Connection,
    actor: Actor,
    seat: Seat | Any,
    *,
    lineage: list[str] | None = None,
) -> None:
    """Agents of the seat's group (or buyers of their own ungrouped seats) and ``seats.manage``.

    ``lineage``: the owner group and its ancestors when the caller read them already.
    """
    if lineage is None:
        lineage = (
            group_closure.lineage(executor, seat.owner_group_id) if seat.owner_group_id else []
        )
    ensure_may_assign_seat(actor, lineage=lineage, buyer_id=seat.buyer_id)


_GROUP = select(PurchasingGroup.store_id, PurchasingGroup.active).where(
    PurchasingGroup.id == bindparam("group_id")
)


def check_group_choice(
    executor: Session | Connection, store: Any, actor: Actor, group_id: str
) -> None:
    """Rule 5: the owner group an assigner picks: one they may use (403 before 404), of this
    store, and active."""
    ensure_may_use_group(actor, group_closure.lineage(executor, group_id))
    row = executor.execute(_GROUP, {"group_id": group_id}).first()
    if row is None or row.store_id != store.id:
        raise not_found("purchasing group", group_id)
    ensure_group_active(active=row.active)
