"""One router per resource; each handler parses, calls one service, renders."""

from __future__ import annotations

from seatledger.api.routers import (
    api_keys,
    assignments,
    audit,
    auth,
    catalog,
    erasure,
    groups,
    orders,
    outgoing_mail,
    redemption,
    returns,
    seats,
    stores,
)

# FastAPI tries routes in this order, every one of them, on every request. Seats and
# assignments come early because the single assignment is the busiest write (docs/adr/0014);
# no path of theirs can match a route of the routers they now precede, and between the
# two the order is unchanged (seats' /{seat_id} before /bulk-assign).
ROUTERS = tuple(
    module.router
    for module in (
        auth,
        seats,
        assignments,
        stores,
        erasure,
        groups,
        catalog,
        orders,
        redemption,
        returns,
        audit,
        api_keys,
        outgoing_mail,
    )
)
