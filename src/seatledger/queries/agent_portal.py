"""Read-only views for the agent portal: the groups an agent manages, as a tree, each with
the capacity of the seats it owns itself (docs/rules.md, "Permissions": reach = granted
groups and their descendants), and the agent's own return requests. Writes go through the
ordinary use cases (assignments, bulk_assignment, returns), so the portal obeys the same
rules as the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from seatledger.db import group_closure, seat_queries
from seatledger.db.engine import Database
from seatledger.db.models import PurchasingGroup, ReturnRequest
from seatledger.db.pagination import Page, decode_cursor, encode_cursor
from seatledger.domain.capacity import CapacityLine, summarize
from seatledger.services.people import access
from seatledger.services.refunding import returns
from seatledger.services.refunding.returns import ReturnRequestView


@dataclass
class ManagedGroupNode:
    """One managed group, its own seats' capacity per product, and its managed subgroups."""

    id: str
    name: str
    code: str | None
    active: bool
    parent_id: str | None
    is_granted: bool  # the agent role sits on this group itself (not only on an ancestor)
    products: list[CapacityLine]
    totals: CapacityLine
    children: list[ManagedGroupNode] = field(default_factory=list)


def managed_groups(db: Database, caller: str | None, store_slug: str) -> list[ManagedGroupNode]:
    """The caller's managed groups as a forest (roots first, children by name); empty for a
    customer who is agent of nothing. Admin permissions add nothing here: this is the agent's
    own reach, not the store's groups."""
    with db.read() as session:
        _store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        reach = group_closure.agent_reach_ids(session, actor.agent_grant_group_ids)
        if not reach:
            return []
        rows = session.scalars(
            select(PurchasingGroup)
            .where(PurchasingGroup.id.in_(reach))
            .order_by(PurchasingGroup.name, PurchasingGroup.id)
        )
        nodes: dict[str, ManagedGroupNode] = {}
        for group in rows:
            products, totals = summarize(seat_queries.capacity_counts(session, [group.id]))
            nodes[group.id] = ManagedGroupNode(
                id=group.id,
                name=group.name,
                code=group.code,
                active=group.active,
                parent_id=group.parent_id,
                is_granted=group.id in actor.agent_grant_group_ids,
                products=products,
                totals=totals,
            )
    roots: list[ManagedGroupNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id or "")
        (parent.children if parent else roots).append(node)
    return roots


def flatten(roots: list[ManagedGroupNode]) -> list[tuple[int, ManagedGroupNode]]:
    """Depth-first (depth, node) pairs: the order a tree-shaped <select> lists groups in."""
    out: list[tuple[int, ManagedGroupNode]] = []

    def walk(node: ManagedGroupNode, depth: int) -> None:
        out.append((depth, node))
        for child in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def my_return_requests(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    status: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> Page[ReturnRequestView]:
    """The return requests the caller filed, newest first, a page at a time. Admin permissions
    add nothing here (``refunds.manage`` reads everyone's in the admin console's queue)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(ReturnRequest).where(
            ReturnRequest.store_id == store.id, ReturnRequest.requester_id == actor.customer_id
        )
        if status is not None:
            query = query.where(ReturnRequest.status == status)
        if cursor:
            query = query.where(ReturnRequest.id < decode_cursor(cursor))
        found = list(session.scalars(query.order_by(ReturnRequest.id.desc()).limit(limit + 1)))
        next_cursor = encode_cursor(found[limit - 1].id) if len(found) > limit else None
        return Page([returns.request_view(session, r) for r in found[:limit]], next_cursor)
