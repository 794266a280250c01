"""Rule 4 for a whole order (services/owner_groups.py): every available ungrouped seat of an
order gets the owner group in one transaction, or none does."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from seatledger.db.models import AuditEvent
from seatledger.domain.errors import Conflict, NotFound, PermissionDenied
from seatledger.services.people import access
from seatledger.services.seating.owner_groups import set_owner_group_of_order
from tests.api.conftest import STORE, World


def _user(world: World, person: Any) -> str:
    return access.authenticate_token(world.database, person.token)


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101")
    world.settings(allow_groupless_checkout=True)
    acme = world.group("Acme")
    other = world.group("Other")
    agent = world.customer("agent@example.com", agent_of=(acme["id"],))
    world.customer("learner@example.com")
    order = world.order(agent, None, quantity=3)
    seats = [s["id"] for s in world.seats(world.owner, order_id=order["id"])]
    return {"acme": acme, "other": other, "agent": agent, "order": order, "seats": seats}


def _owner_groups(world: World, seat_ids: list[str]) -> list[str | None]:
    return [world.seat(world.owner, seat_id)["owner_group_id"] for seat_id in seat_ids]


def _events(world: World) -> int:
    with world.database.read() as session:
        return int(
            session.scalar(select(func.count()).where(AuditEvent.action == "seat.owner_group_set"))
            or 0
        )


def test_every_available_ungrouped_seat_of_the_order_gets_the_group(
    world: World, shop: dict
) -> None:
    admin = world.customer(permissions=["seats.manage"])
    assigned = shop["seats"][0]
    world.ok(world.act(shop["agent"], assigned, "assign", {"email": "learner@example.com"}), 200)

    result = set_owner_group_of_order(
        world.database, _user(world, admin), STORE, shop["order"]["id"], shop["acme"]["id"]
    )

    assert result.seat_ids == shop["seats"][1:]
    assert _owner_groups(world, shop["seats"]) == [None, shop["acme"]["id"], shop["acme"]["id"]]
    assert _events(world) == 2
    capacity = world.client.get(
        world.url(f"/groups/{shop['acme']['id']}/capacity"), headers=admin.headers
    ).json()
    assert capacity["totals"]["available"] == 2


def test_the_buyer_may_only_choose_a_group_they_are_agent_of(world: World, shop: dict) -> None:
    with pytest.raises(PermissionDenied) as refusal:
        set_owner_group_of_order(
            world.database,
            _user(world, shop["agent"]),
            STORE,
            shop["order"]["id"],
            shop["other"]["id"],
        )

    assert refusal.value.code == "not_agent_of_group"
    assert _owner_groups(world, shop["seats"]) == [None, None, None]
    assert _events(world) == 0

    set_owner_group_of_order(
        world.database, _user(world, shop["agent"]), STORE, shop["order"]["id"], shop["acme"]["id"]
    )
    assert _owner_groups(world, shop["seats"]) == [shop["acme"]["id"]] * 3


def test_seeing_seats_is_not_owning_them(world: World, shop: dict) -> None:
    viewer = world.customer(permissions=["seats.view"])

    with pytest.raises(PermissionDenied):
        set_owner_group_of_order(
            world.database, _user(world, viewer), STORE, shop["order"]["id"], shop["acme"]["id"]
        )

    assert _owner_groups(world, shop["seats"]) == [None, None, None]


def test_an_order_the_caller_cannot_see_is_not_found(world: World, shop: dict) -> None:
    stranger = world.customer(agent_of=(shop["other"]["id"],))

    for order_id in (shop["order"]["id"], "no-such-order"):
        with pytest.raises(NotFound):
            set_owner_group_of_order(
                world.database, _user(world, stranger), STORE, order_id, shop["other"]["id"]
            )


def test_an_order_with_nothing_waiting_is_refused_with_a_sentence(world: World, shop: dict) -> None:
    admin = world.customer(permissions=["seats.manage"])
    caller = _user(world, admin)
    set_owner_group_of_order(world.database, caller, STORE, shop["order"]["id"], shop["acme"]["id"])

    with pytest.raises(Conflict) as refusal:
        set_owner_group_of_order(
            world.database, caller, STORE, shop["order"]["id"], shop["other"]["id"]
        )

    assert refusal.value.message == "No available seat of this order is waiting for an owner group."
    assert _owner_groups(world, shop["seats"]) == [shop["acme"]["id"]] * 3
