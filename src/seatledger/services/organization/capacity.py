"""The capacity audit of a purchasing group (optionally with its whole subtree)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from seatledger.db import group_closure, seat_queries
from seatledger.db.engine import Database
from seatledger.domain import group_tree
from seatledger.domain.capacity import STATES, CapacityLine, summarize
from seatledger.domain.permissions import Permission
from seatledger.services.organization.groups import find_group, visible_group
from seatledger.services.people import access


@dataclass(frozen=True)
class CapacityReport:
    group_id: str
    group_name: str
    include_descendants: bool
    products: list[CapacityLine]
    totals: CapacityLine


def group_capacity(
    db: Database,
    caller: str | None,
    store_slug: str,
    group_id: str,
    *,
    include_descendants: bool = False,
) -> CapacityReport:
    """Seats per product and state for an agent of the group or an admin with ``seats.view``."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        group = find_group(session, store.id, group_id)
        is_agent = group_tree.is_agent_of(
            group_closure.lineage(session, group.id), actor.agent_grant_group_ids
        )
        if not (is_agent or actor.has(Permission.SEATS_VIEW)):
            visible_group(session, store, actor, group_id)  # 404 when the group is invisible
            actor.require(Permission.SEATS_VIEW)
        scope = seat_queries.subtree(group.id) if include_descendants else [group.id]
        products, totals = summarize(seat_queries.capacity_counts(session, scope))
        return CapacityReport(group.id, group.name, include_descendants, products, totals)


CSV_COLUMNS = [
    "group_id",
    "group_name",
    "sku",
    "product_id",
    "purchased",
    *[s.value for s in STATES],
]


def capacity_csv(report: CapacityReport) -> str:
    """The report as CSV: one row per product, then a TOTAL row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in [*report.products, report.totals]:
        row = line.as_dict()
        row["sku"] = row["sku"] or "TOTAL"
        writer.writerow({"group_id": report.group_id, "group_name": report.group_name, **row})
    return out.getvalue()
