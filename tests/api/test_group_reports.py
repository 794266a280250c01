"""The admin console's read-only reports (services/group_reports.py): who may read them and
what they count."""

from __future__ import annotations

from typing import Any

import pytest

from seatledger.domain.errors import NotFound, PermissionDenied
from seatledger.queries import group_reports
from seatledger.services.people import access
from tests.api.conftest import STORE, World


def _user(world: World, person: Any) -> str:
    return access.authenticate_token(world.database, person.token)


@pytest.fixture
def tree(world: World) -> dict[str, Any]:
    world.product("PY101")
    world.product("GO101", price="99.00")
    acme = world.group("Acme")
    team = world.group("Team", parent=acme["id"])
    beta = world.group("Beta")
    agent = world.customer("agent@example.com", agent_of=(acme["id"],))
    world.order(agent, acme["id"], quantity=4)
    world.order(agent, team["id"], quantity=2)
    world.order(agent, team["id"], quantity=3, sku="GO101")
    world.settings(allow_groupless_checkout=True)
    world.order(agent, None, quantity=2)
    return {"acme": acme, "team": team, "beta": beta, "agent": agent}


def test_the_tree_lists_groups_depth_first_by_name_with_their_own_seats(
    world: World, tree: dict
) -> None:
    admin = world.customer(permissions=["groups.view", "seats.view"])

    nodes = group_reports.group_tree_with_counts(world.database, _user(world, admin), STORE)

    assert [(n.name, n.depth) for n in nodes] == [("Acme", 0), ("Team", 1), ("Beta", 0)]
    assert [n.purchased for n in nodes] == [4, 5, 0]
    assert nodes[1].counts is not None and nodes[1].counts["available"] == 5


def test_the_tree_leaves_seat_counts_out_without_seats_view(world: World, tree: dict) -> None:
    admin = world.customer(permissions=["groups.view"])

    nodes = group_reports.group_tree_with_counts(world.database, _user(world, admin), STORE)

    assert len(nodes) == 3
    assert all(n.counts is None for n in nodes)


def test_the_tree_needs_groups_view(world: World, tree: dict) -> None:
    with pytest.raises(PermissionDenied) as refusal:
        group_reports.group_tree_with_counts(world.database, _user(world, tree["agent"]), STORE)

    assert refusal.value.message == "This needs the 'groups.view' permission in this store."


def test_the_summary_counts_only_what_the_admin_may_see(world: World, tree: dict) -> None:
    everything = world.customer(
        permissions=["groups.view", "seats.view", "refunds.manage", "audit.view"]
    )
    auditor = world.customer(permissions=["audit.view"])

    full = group_reports.console_summary(world.database, _user(world, everything), STORE)
    partial = group_reports.console_summary(world.database, _user(world, auditor), STORE)

    assert full == group_reports.ConsoleSummary(
        groups=3, inactive_groups=0, ungrouped_available=2, ungrouped_total=2, pending_returns=0
    )
    assert partial == group_reports.ConsoleSummary(None, None, None, None, None)


def test_the_summary_refuses_customers_without_admin_permissions(world: World, tree: dict) -> None:
    with pytest.raises(PermissionDenied) as refusal:
        group_reports.console_summary(world.database, _user(world, tree["agent"]), STORE)

    assert refusal.value.message == "The admin console is for admins of this store."


def test_invoice_items_group_seats_by_order_line(world: World, tree: dict) -> None:
    admin = world.customer(permissions=["seats.view"])
    caller = _user(world, admin)

    own = group_reports.group_invoice_items(world.database, caller, STORE, tree["team"]["id"])
    rolled = group_reports.group_invoice_items(
        world.database, caller, STORE, tree["acme"]["id"], include_descendants=True
    )

    assert [(i.sku, i.seats, i.unit_price, i.counts["available"]) for i in own] == [
        ("GO101", 3, "99.00", 3),
        ("PY101", 2, "149.00", 2),
    ]
    assert sorted((i.owner_group_name, i.sku, i.seats) for i in rolled) == [
        ("Acme", "PY101", 4),
        ("Team", "GO101", 3),
        ("Team", "PY101", 2),
    ]
    assert [i.order_number for i in rolled] == sorted(
        (i.order_number for i in rolled), reverse=True
    )


def test_invoice_items_follow_the_capacity_reports_access(world: World, tree: dict) -> None:
    outsider = world.customer(agent_of=(tree["beta"]["id"],))
    viewer = world.customer(permissions=["groups.view"])

    agent_items = group_reports.group_invoice_items(
        world.database, _user(world, tree["agent"]), STORE, tree["team"]["id"]
    )
    with pytest.raises(NotFound):
        group_reports.group_invoice_items(
            world.database, _user(world, outsider), STORE, tree["team"]["id"]
        )
    with pytest.raises(PermissionDenied):
        group_reports.group_invoice_items(
            world.database, _user(world, viewer), STORE, tree["team"]["id"]
        )

    assert len(agent_items) == 2
