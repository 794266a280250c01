"""Queries over seats: who may see which, and capacity counts per product and state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from seatledger.db.models import AgentGrant, GroupClosure, Product, Seat, SeatCount
from seatledger.domain.actor import Actor
from seatledger.domain.permissions import Permission


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """SPEC section 3: ``seats.view`` sees all; an agent sees seats of their groups (and
    descendants) and the ungrouped seats of orders they bought themselves."""
    if actor.has(Permission.SEATS_VIEW):
        return true()
    if actor.customer_id is None:
        return false()
    reach = select(GroupClosure.descendant_id).where(
        GroupClosure.ancestor_id.in_(
            select(AgentGrant.group_id).where(AgentGrant.customer_id == actor.customer_id)
        )
    )
    return or_(
        Seat.owner_group_id.in_(reach),
        and_(Seat.owner_group_id.is_(None), Seat.buyer_id == actor.customer_id),
    )


def capacity_counts(session: Session, group_ids: Any) -> list[tuple[str, str, str, int]]:
    """(product_id, sku, status, count) for the seats owned by ``group_ids`` (a list or subquery).

    Read from the maintained counters (a few rows per group), not by counting seats.
    """
    counts = (
        select(SeatCount.product_id, SeatCount.status, func.sum(SeatCount.seats).label("seats"))
        .where(SeatCount.group_id.in_(group_ids))
        .group_by(SeatCount.product_id, SeatCount.status)
        .subquery()
    )
    rows = session.execute(
        select(counts.c.product_id, Product.sku, counts.c.status, counts.c.seats)
        .join(Product, Product.id == counts.c.product_id)
        .order_by(Product.sku, counts.c.status)
    )
    return [(row[0], row[1], row[2], int(row[3])) for row in rows]


def subtree(group_id: str) -> Any:
    return select(GroupClosure.descendant_id).where(GroupClosure.ancestor_id == group_id)
