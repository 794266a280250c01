"""Queries over seats: who may see which, and capacity counts per product and state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from seatledger.db.models import AgentGrant, GroupClosure, Order, Product, Seat, SeatCount
from seatledger.domain.actor import Actor
from seatledger.domain.permissions import Permission


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """docs/rules.md, "Permissions": ``seats.view`` sees all; an agent sees seats of their
    groups (and descendants) and the ungrouped seats of orders they bought themselves."""
    if actor.has(Permission.SEATS_VIEW):
        return true()
    if actor.customer_id is None:  # an API key (rule 31) sees its agent groups' seats only
        if actor.agent_grant_group_ids:
            return Seat.owner_group_id.in_(_below(sorted(actor.agent_grant_group_ids)))
        return false()
    return reachable_by(actor.customer_id)


def _below(group_ids: Any) -> Any:
    return select(GroupClosure.descendant_id).where(GroupClosure.ancestor_id.in_(group_ids))


def reachable_by(customer_id: str | BindParameter[str]) -> ColumnElement[bool]:
    """The seats of the customer's agent groups and their descendants, and the ungrouped seats
    of orders the customer bought: what a customer without ``seats.view`` sees."""
    reach = select(GroupClosure.descendant_id).where(
        GroupClosure.ancestor_id.in_(
            select(AgentGrant.group_id).where(AgentGrant.customer_id == customer_id)
        )
    )
    return or_(
        Seat.owner_group_id.in_(reach),
        and_(Seat.owner_group_id.is_(None), Seat.buyer_id == customer_id),
    )


_COMMA: Any = literal_column("','")
# One seat of a store with its product's sku, its order's currency and its owner group's
# lineage, for use cases that run on a Core connection (docs/adr/0014); built once for each
# of the two kinds of viewer.
_SEAT_ROW = (
    select(
        Seat.id,
        Seat.store_id,
        Seat.order_id,
        Seat.order_line_id,
        Seat.product_id,
        Seat.buyer_id,
        Seat.owner_group_id,
        Seat.price_minor,
        Seat.status,
        Seat.redeem_by,
        Seat.created_at,
        Seat.updated_at,
        Product.sku,
        Order.currency,
        # the owner group and its ancestors, comma-separated (for ensure_may_assign)
        select(func.aggregate_strings(GroupClosure.ancestor_id, _COMMA))
        .where(GroupClosure.descendant_id == Seat.owner_group_id)
        .scalar_subquery()
        .label("lineage"),
    )
    .join(Product, Product.id == Seat.product_id)
    .join(Order, Order.id == Seat.order_id)
    .where(Seat.id == bindparam("seat_id"), Seat.store_id == bindparam("store_id"))
)
SEAT_ROW_FOR_VIEWERS = _SEAT_ROW  # callers holding seats.view
SEAT_ROW_FOR_CUSTOMER = _SEAT_ROW.where(reachable_by(bindparam("customer_id")))
SEAT_ROW_FOR_GROUPS = _SEAT_ROW.where(  # an API key acting as agent of groups
    Seat.owner_group_id.in_(_below(bindparam("group_ids", expanding=True)))
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
