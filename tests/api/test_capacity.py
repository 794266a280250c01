from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.api.conftest import World, error_code

ZERO = {"awaiting": 0, "assigned": 0, "return_pending": 0, "refunded": 0, "expired": 0}


@pytest.fixture
def tree(world: World) -> dict[str, Any]:
    world.product("PY101")
    world.product("GO101", price="99.00")
    acme = world.group("Acme")
    team = world.group("Team", parent=acme["id"])
    agent = world.customer("agent@example.com", agent_of=(acme["id"],))
    world.order(agent, acme["id"], quantity=4)
    world.order(agent, team["id"], quantity=2)
    world.order(agent, team["id"], quantity=3, sku="GO101")
    return {"acme": acme, "team": team, "agent": agent}


def capacity(world: World, who: Any, group_id: str, **params: Any) -> Any:
    return world.client.get(
        world.url(f"/groups/{group_id}/capacity"), params=params, headers=who.headers
    )


def test_capacity_counts_seats_per_product_and_state(world: World, tree: dict) -> None:
    report = capacity(world, tree["agent"], tree["team"]["id"]).json()

    assert report["group_id"] == tree["team"]["id"]
    assert [(p["sku"], p["purchased"], p["available"]) for p in report["products"]] == [
        ("GO101", 3, 3),
        ("PY101", 2, 2),
    ]
    assert report["totals"] == {
        "product_id": None,
        "sku": None,
        "purchased": 5,
        "available": 5,
        **ZERO,
    }


def test_capacity_rolls_up_descendants_on_request(world: World, tree: dict) -> None:
    own = capacity(world, tree["agent"], tree["acme"]["id"]).json()
    rolled = capacity(world, tree["agent"], tree["acme"]["id"], include_descendants="true").json()

    assert own["totals"]["purchased"] == 4
    assert rolled["totals"]["purchased"] == 9
    assert {p["sku"]: p["purchased"] for p in rolled["products"]} == {"GO101": 3, "PY101": 6}


def test_remaining_capacity_is_available_only(world: World, tree: dict) -> None:
    seats = world.seats(world.owner, owner_group_id=tree["acme"]["id"])
    for seat, status in zip(seats, ["awaiting", "assigned", "return_pending"], strict=False):
        world.force_status(seat["id"], status)

    (line,) = capacity(world, tree["agent"], tree["acme"]["id"]).json()["products"]

    assert line == {
        **line,
        "purchased": 4,
        "available": 1,
        "awaiting": 1,
        "assigned": 1,
        "return_pending": 1,
    }


def test_capacity_csv_has_a_row_per_product_and_a_total(world: World, tree: dict) -> None:
    response = world.client.get(
        world.url(f"/groups/{tree['acme']['id']}/capacity.csv"),
        params={"include_descendants": "true"},
        headers=tree["agent"].headers,
    )

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["sku"], r["purchased"], r["available"]) for r in rows] == [
        ("GO101", "3", "3"),
        ("PY101", "6", "6"),
        ("TOTAL", "9", "9"),
    ]


def test_empty_group_reports_zero(world: World, tree: dict) -> None:
    empty = world.group("Empty", parent=tree["acme"]["id"])

    report = capacity(world, tree["agent"], empty["id"]).json()

    assert report["products"] == []
    assert report["totals"]["purchased"] == 0


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("other_agent", 404, "purchasing_group_not_found"),
        ("groups_viewer", 403, "permission_denied"),
        ("customer", 404, "purchasing_group_not_found"),
    ],
)
def test_capacity_is_for_agents_of_the_group_and_seat_viewers(
    world: World, tree: dict, who: str, status: int, code: str
) -> None:
    other = world.group("Other")
    people = {
        "other_agent": world.customer(agent_of=(other["id"],)),
        "groups_viewer": world.customer(permissions=["groups.view"]),
        "customer": world.customer(),
    }
    viewer = world.customer(permissions=["seats.view"])

    response = capacity(world, people[who], tree["acme"]["id"])

    assert (response.status_code, error_code(response)) == (status, code)
    assert capacity(world, viewer, tree["acme"]["id"]).status_code == 200
