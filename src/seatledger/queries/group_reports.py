"""Read-only reports for the admin console: the group tree with its seat counts, the
console's summary figures, and a group's invoice items (seats grouped by order line).

Each function is one read transaction and asks for the same permissions as the API calls
showing the same records (``groups.view`` for groups, ``seats.view`` or the agent role for
seats, ``refunds.manage`` for return requests).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from seatledger.db import group_closure, seat_queries
from seatledger.db.engine import Database
from seatledger.db.models import (
    Order,
    OrderLine,
    Product,
    PurchasingGroup,
    ReturnRequest,
    Seat,
    SeatCount,
)
from seatledger.domain import group_tree
from seatledger.domain.errors import PermissionDenied
from seatledger.domain.money import format_amount
from seatledger.domain.permissions import Permission
from seatledger.domain.returns import ReturnRequestStatus
from seatledger.domain.seats import SeatStatus
from seatledger.services.organization.groups import find_group, visible_group
from seatledger.services.people import access


def _no_counts() -> dict[str, int]:
    return dict.fromkeys((s.value for s in SeatStatus), 0)


@dataclass(frozen=True)
class GroupNode:
    """One group of the tree, its depth (0 for roots) and its own seats per state."""

    id: str
    name: str
    code: str | None
    parent_id: str | None
    active: bool
    depth: int
    counts: dict[str, int] | None  # None when the caller may not see seats

    @property
    def purchased(self) -> int:
        return sum((self.counts or {}).values())


def group_tree_with_counts(db: Database, caller: str | None, store_slug: str) -> list[GroupNode]:
    """Every group of the store in tree order (``groups.view``), with the seats each owns
    directly per state when the caller also holds ``seats.view``."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.GROUPS_VIEW)
        found = list(
            session.scalars(select(PurchasingGroup).where(PurchasingGroup.store_id == store.id))
        )
        counts: dict[str, dict[str, int]] | None = None
        if actor.has(Permission.SEATS_VIEW):
            counts = defaultdict(_no_counts)
            rows = session.execute(
                select(SeatCount.group_id, SeatCount.status, func.sum(SeatCount.seats))
                .where(SeatCount.group_id.in_([g.id for g in found]))
                .group_by(SeatCount.group_id, SeatCount.status)
            )
            for group_id, status, seats in rows:
                counts[group_id][status] += int(seats)
    return _in_tree_order(found, counts)


def _in_tree_order(
    found: list[PurchasingGroup], counts: dict[str, dict[str, int]] | None
) -> list[GroupNode]:
    children: dict[str | None, list[PurchasingGroup]] = defaultdict(list)
    for group in found:
        children[group.parent_id].append(group)
    ordered: list[GroupNode] = []
    stack = [(g, 0) for g in sorted(children[None], key=_by_name, reverse=True)]
    while stack:
        group, depth = stack.pop()
        ordered.append(
            GroupNode(
                id=group.id,
                name=group.name,
                code=group.code,
                parent_id=group.parent_id,
                active=group.active,
                depth=depth,
                counts=None if counts is None else dict(counts[group.id]),
            )
        )
        stack.extend((c, depth + 1) for c in sorted(children[group.id], key=_by_name, reverse=True))
    return ordered


def _by_name(group: PurchasingGroup) -> tuple[str, str]:
    return (group.name.lower(), group.id)


@dataclass(frozen=True)
class ConsoleSummary:
    """Figures for the console's overview; None where the caller may not see them."""

    groups: int | None
    inactive_groups: int | None
    ungrouped_available: int | None
    ungrouped_total: int | None
    pending_returns: int | None


def console_summary(db: Database, caller: str | None, store_slug: str) -> ConsoleSummary:
    """The overview's counts, each only when the caller holds the permission to see it."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        if not actor.permissions:
            raise PermissionDenied(
                "The admin console is for admins of this store.", code="permission_denied"
            )
        groups = inactive = ungrouped_available = ungrouped_total = pending = None
        if actor.has(Permission.GROUPS_VIEW):
            per_state = dict(
                session.execute(
                    select(PurchasingGroup.active, func.count())
                    .where(PurchasingGroup.store_id == store.id)
                    .group_by(PurchasingGroup.active)
                ).all()
            )
            groups = sum(per_state.values())
            inactive = per_state.get(False, 0)
        if actor.has(Permission.SEATS_VIEW):
            ungrouped = dict(
                session.execute(
                    select(Seat.status, func.count())
                    .where(Seat.store_id == store.id, Seat.owner_group_id.is_(None))
                    .group_by(Seat.status)
                ).all()
            )
            ungrouped_available = ungrouped.get(SeatStatus.AVAILABLE.value, 0)
            ungrouped_total = sum(ungrouped.values())
        if actor.has(Permission.REFUNDS_MANAGE):
            pending = session.scalar(
                select(func.count()).where(
                    ReturnRequest.store_id == store.id,
                    ReturnRequest.status == ReturnRequestStatus.PENDING.value,
                )
            )
        return ConsoleSummary(groups, inactive, ungrouped_available, ungrouped_total, pending)


@dataclass
class InvoiceItemLine:
    """The seats of one order line owned by one group: how many, and in which states."""

    order_id: str
    order_number: int
    ordered_at: datetime
    sku: str
    product_name: str
    unit_price: str
    currency: str
    owner_group_id: str
    owner_group_name: str
    counts: dict[str, int] = field(default_factory=_no_counts)

    @property
    def seats(self) -> int:
        return sum(self.counts.values())


def group_invoice_items(
    db: Database,
    caller: str | None,
    store_slug: str,
    group_id: str,
    *,
    include_descendants: bool = False,
) -> list[InvoiceItemLine]:
    """The order lines whose seats the group owns (or its subtree owns), newest order first.

    Same access as the capacity report: an agent of the group or ``seats.view``.
    """
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        group = find_group(session, store.id, group_id)
        lineage = group_closure.lineage(session, group.id)
        if not (
            group_tree.is_agent_of(lineage, actor.agent_grant_group_ids)
            or actor.has(Permission.SEATS_VIEW)
        ):
            visible_group(session, store, actor, group_id)  # 404 when the group is invisible
            actor.require(Permission.SEATS_VIEW)
        scope = seat_queries.subtree(group.id) if include_descendants else [group.id]
        rows = session.execute(
            select(
                Order.id,
                Order.number,
                Order.created_at,
                Order.currency,
                OrderLine.id,
                OrderLine.sku,
                OrderLine.unit_price_minor,
                Product.name,
                PurchasingGroup.id,
                PurchasingGroup.name,
                Seat.status,
                func.count(),
            )
            .join(OrderLine, OrderLine.id == Seat.order_line_id)
            .join(Order, Order.id == Seat.order_id)
            .join(Product, Product.id == OrderLine.product_id)
            .join(PurchasingGroup, PurchasingGroup.id == Seat.owner_group_id)
            .where(Seat.store_id == store.id, Seat.owner_group_id.in_(scope))
            .group_by(
                Order.id,
                Order.number,
                Order.created_at,
                Order.currency,
                OrderLine.id,
                OrderLine.line_number,
                OrderLine.sku,
                OrderLine.unit_price_minor,
                Product.name,
                PurchasingGroup.id,
                PurchasingGroup.name,
                Seat.status,
            )
            .order_by(Order.number.desc(), OrderLine.line_number, PurchasingGroup.name)
        ).all()
    lines: dict[tuple[str, str], InvoiceItemLine] = {}
    for row in rows:
        (order_id, number, at, currency, line_id, sku, price, product, owner, owner_name) = row[:10]
        line = lines.setdefault(
            (line_id, owner),
            InvoiceItemLine(
                order_id=order_id,
                order_number=number,
                ordered_at=at,
                sku=sku,
                product_name=product,
                unit_price=format_amount(price, currency),
                currency=currency,
                owner_group_id=owner,
                owner_group_name=owner_name,
            ),
        )
        line.counts[row[10]] += int(row[11])
    return list(lines.values())
