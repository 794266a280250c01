from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101")
    world.product("GO101", price="99.00")
    east, west = world.group("East"), world.group("West")
    world.settings(allow_groupless_checkout=True)
    return {
        "east": east,
        "west": west,
        "east_agent": world.customer("east@example.com", agent_of=(east["id"],)),
        "west_agent": world.customer("west@example.com", agent_of=(west["id"],)),
        "seat_admin": world.customer("seats@example.com", permissions=["seats.manage"]),
    }


def test_agents_see_only_their_groups_seats_and_own_ungrouped_purchases(
    world: World, shop: dict
) -> None:
    east_order = world.order(shop["east_agent"], shop["east"]["id"], quantity=2)
    world.order(shop["west_agent"], shop["west"]["id"], quantity=3)
    own_ungrouped = world.order(shop["east_agent"], None, quantity=1)
    world.order(shop["west_agent"], None, quantity=1)

    seen = world.seats(shop["east_agent"])

    assert sorted(s["order_id"] for s in seen) == sorted(
        [east_order["id"]] * 2 + [own_ungrouped["id"]]
    )


def test_agent_gets_404_for_another_groups_seat(world: World, shop: dict) -> None:
    world.order(shop["west_agent"], shop["west"]["id"], quantity=1)
    (seat,) = world.seats(world.owner)

    response = world.client.get(
        world.url(f"/seats/{seat['id']}"), headers=shop["east_agent"].headers
    )

    assert (response.status_code, error_code(response)) == (404, "seat_not_found")


def test_seat_filters(world: World, shop: dict) -> None:
    world.order(shop["east_agent"], shop["east"]["id"], quantity=2)
    world.order(shop["east_agent"], shop["east"]["id"], quantity=1, sku="GO101")
    world.order(shop["east_agent"], None, quantity=1)

    assert len(world.seats(world.owner, sku="GO101")) == 1
    assert len(world.seats(world.owner, owner_group_id=shop["east"]["id"])) == 3
    assert len(world.seats(world.owner, ungrouped="true")) == 1
    assert len(world.seats(world.owner, status="available")) == 4
    assert world.seats(world.owner, status="assigned") == []


def test_seat_list_paginates(world: World, shop: dict) -> None:
    world.order(shop["east_agent"], shop["east"]["id"], quantity=5)

    first = world.client.get(
        world.url("/seats"), params={"limit": 3}, headers=world.owner.headers
    ).json()
    second = world.client.get(
        world.url("/seats"),
        params={"limit": 3, "cursor": first["next_cursor"]},
        headers=world.owner.headers,
    ).json()

    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}


def test_admin_sets_the_owner_group_of_an_ungrouped_seat(world: World, shop: dict) -> None:
    world.order(shop["east_agent"], None, quantity=1)
    (seat,) = world.seats(world.owner, ungrouped="true")

    response = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": shop["west"]["id"]},
        headers=shop["seat_admin"].headers,
    )

    assert response.status_code == 200
    assert response.json()["owner_group_id"] == shop["west"]["id"]
    assert [s["id"] for s in world.seats(shop["west_agent"])] == [seat["id"]]
    assert world.seats(shop["east_agent"]) == []
    events = world.client.get(
        world.url("/audit"), params={"seat_id": seat["id"]}, headers=world.owner.headers
    )
    last = events.json()["items"][-1]
    assert (last["action"], last["before"], last["after"]) == (
        "seat.owner_group_set",
        {"owner_group_id": None},
        {"owner_group_id": shop["west"]["id"]},
    )


@pytest.mark.parametrize(
    "status", ["awaiting", "assigned", "return_pending", "refunded", "expired"]
)
def test_owner_group_is_fixed_once_the_seat_is_not_available(
    world: World, shop: dict, status: str
) -> None:
    world.order(shop["east_agent"], None, quantity=1)
    (seat,) = world.seats(world.owner)
    world.force_status(seat["id"], status)
    before = world.audit_count()

    response = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": shop["west"]["id"]},
        headers=shop["seat_admin"].headers,
    )

    assert (response.status_code, error_code(response)) == (409, "seat_not_available")
    assert world.seats(world.owner)[0]["owner_group_id"] is None
    assert world.audit_count() == before


def test_agent_moves_a_visible_seat_only_into_their_own_groups(world: World, shop: dict) -> None:
    team = world.group("East team", parent=shop["east"]["id"])
    world.order(shop["east_agent"], None, quantity=1)
    (seat,) = world.seats(shop["east_agent"])

    into_other = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": shop["west"]["id"]},
        headers=shop["east_agent"].headers,
    )
    into_own = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": team["id"]},
        headers=shop["east_agent"].headers,
    )

    assert (into_other.status_code, error_code(into_other)) == (403, "not_agent_of_group")
    assert into_own.json()["owner_group_id"] == team["id"]


def test_agent_cannot_touch_seats_they_cannot_see(world: World, shop: dict) -> None:
    world.order(shop["west_agent"], None, quantity=1)
    (seat,) = world.seats(world.owner)

    response = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": shop["east"]["id"]},
        headers=shop["east_agent"].headers,
    )

    assert (response.status_code, error_code(response)) == (404, "seat_not_found")
    assert world.seats(world.owner)[0]["owner_group_id"] is None


def test_admin_without_seats_view_sees_only_own_purchases(world: World, shop: dict) -> None:
    world.order(shop["east_agent"], shop["east"]["id"], quantity=1)
    viewer = world.customer(permissions=["groups.view"])

    assert world.seats(viewer) == []


def test_seat_viewers_who_are_agents_cannot_take_other_groups_seats(
    world: World, shop: dict
) -> None:
    world.order(shop["west_agent"], shop["west"]["id"], quantity=1)
    (seat,) = world.seats(world.owner)
    viewer_agent = world.customer(permissions=["seats.view"], agent_of=(shop["east"]["id"],))

    response = world.client.patch(
        world.url(f"/seats/{seat['id']}"),
        json={"owner_group_id": shop["east"]["id"]},
        headers=viewer_agent.headers,
    )

    assert (response.status_code, error_code(response)) == (403, "permission_denied")
    assert world.seats(world.owner)[0]["owner_group_id"] == shop["west"]["id"]
