"""Pages: the purchasing agent portal — my groups and one group's capacity.

The seats, bulk-assign and return-request pages live in ``agent_seats``, ``agent_bulk`` and
``agent_returns``, each a ``page_router()`` of its own (CSRF checked), included here.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.queries import agent_portal
from seatledger.services.organization import capacity
from seatledger.services.seating import seats
from seatledger.services.storefront import catalog
from seatledger.web.pages import CustomerPageDep, csv_download, render
from seatledger.web.routes import agent_bulk, agent_returns, agent_seats, page_router

router = page_router()
PREFIX = "/stores/{store}/agent"


@router.get(PREFIX)
def my_groups(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    roots = agent_portal.managed_groups(database, page.viewer, page.slug)
    return render(
        request,
        "agent/groups.html",
        page=page,
        tab="groups",
        roots=roots,
        products={p.sku: p for p in catalog.list_products(database, page.slug)},
    )


@router.get(PREFIX + "/groups/{group_id}")
def group_page(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    subgroups: bool = False,
    cursor: str | None = None,
) -> Response:
    """The capacity table, its CSV and the group's seats; 404 for a group one may not see."""
    report = capacity.group_capacity(
        database, page.viewer, page.slug, group_id, include_descendants=subgroups
    )
    listed = seats.list_seats(
        database, page.viewer, page.slug, owner_group_id=group_id, limit=50, cursor=cursor
    )
    managed = agent_portal.flatten(agent_portal.managed_groups(database, page.viewer, page.slug))
    node = next((node for _, node in managed if node.id == group_id), None)
    return render(
        request,
        "agent/group.html",
        page=page,
        tab="groups",
        report=report,
        subgroups=subgroups,
        seats=listed,
        children=node.children if node else [],
        group_names={n.id: n.name for _, n in managed},
        products={p.sku: p for p in catalog.list_products(database, page.slug)},
    )


@router.get(PREFIX + "/groups/{group_id}/capacity.csv")
def group_capacity_csv(
    page: CustomerPageDep, database: DatabaseDep, group_id: str, subgroups: bool = False
) -> Response:
    report = capacity.group_capacity(
        database, page.viewer, page.slug, group_id, include_descendants=subgroups
    )
    name = f"capacity-{report.group_id}{'-with-subgroups' if subgroups else ''}.csv"
    return csv_download(capacity.capacity_csv(report), name)


for module in (agent_seats, agent_bulk, agent_returns):
    router.include_router(module.router, prefix=PREFIX)
