from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from seatledger.db.base import utcnow
from seatledger.db.models import Order
from tests.api.conftest import World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101", price="100.00")
    group = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    order = world.order(agent, group["id"], quantity=3)
    seats = [s["id"] for s in world.seats(agent, order_id=order["id"])]
    learner = world.customer("learner@example.com")
    world.act(agent, seats[0], "assign", {"email": learner.email})
    return {
        "group": group,
        "agent": agent,
        "order": order,
        "seats": seats,
        "learner": learner,
        "admin": world.customer(
            "refunds@example.com", permissions=["refunds.manage", "orders.view"]
        ),
    }


def ask(world: World, who: Any, **body: Any) -> Any:
    payload = {"refund": True, "reason": "Over-purchased", **body}
    return world.client.post(world.url("/return-requests"), json=payload, headers=who.headers)


def decide(world: World, who: Any, request_id: str, **body: Any) -> Any:
    return world.client.post(
        world.url(f"/return-requests/{request_id}/decision"), json=body, headers=who.headers
    )


def statuses(world: World, shop: dict) -> list[str]:
    return [world.seat(shop["agent"], s)["status"] for s in shop["seats"]]


def test_request_puts_seats_in_return_pending_and_a_second_is_refused(
    world: World, shop: dict
) -> None:
    first = ask(world, shop["agent"], seat_ids=shop["seats"][:2])

    assert first.status_code == 201, first.text
    assert statuses(world, shop) == ["return_pending", "return_pending", "available"]
    again = ask(world, shop["agent"], seat_ids=shop["seats"][1:])
    assert (again.status_code, error_code(again)) == (409, "request_pending")
    assert statuses(world, shop)[2] == "available"


def test_approve_as_refund_pays_back_and_ends_the_enrollment(world: World, shop: dict) -> None:
    request = ask(world, shop["agent"], seat_ids=shop["seats"][:2]).json()

    decided = decide(world, shop["admin"], request["id"], decision="approve", outcome="drop")

    assert decided.json()["status"] == "approved"
    assert statuses(world, shop) == ["refunded", "refunded", "available"]
    order = world.client.get(
        world.url(f"/orders/{shop['order']['id']}"), headers=shop["admin"].headers
    ).json()
    assert (order["refunded"], order["payment_status"]) == ("200.00", "partially_refunded")
    enrollments = world.client.get(
        world.url("/me/enrollments"), headers=shop["learner"].headers
    ).json()
    assert [e["status"] for e in enrollments["items"]] == ["dropped"]
    assert "return_decided" in [m.template for m in world.mails_to("agent@example.com")]


def test_approve_as_reclaim_makes_seats_available_without_money(world: World, shop: dict) -> None:
    request = ask(world, shop["agent"], seat_ids=shop["seats"][:1], refund=False).json()

    decide(world, shop["admin"], request["id"], decision="approve")

    assert statuses(world, shop) == ["available", "available", "available"]
    order = world.client.get(
        world.url(f"/orders/{shop['order']['id']}"), headers=shop["admin"].headers
    ).json()
    assert order["refunded"] == "0.00"


def test_deny_restores_each_seat_and_the_requester_reads_the_note(world: World, shop: dict) -> None:
    request = ask(world, shop["agent"], order_id=shop["order"]["id"]).json()
    assert len(request["seat_ids"]) == 3

    denied = decide(
        world, shop["admin"], request["id"], decision="deny", note="Past the training date."
    )
    twice = decide(world, shop["admin"], request["id"], decision="approve")

    assert denied.json()["status"] == "denied"
    assert statuses(world, shop) == ["assigned", "available", "available"]
    assert (twice.status_code, error_code(twice)) == (409, "request_decided")
    mine = world.client.get(world.url("/return-requests"), headers=shop["agent"].headers).json()
    assert [(r["status"], r["note"]) for r in mine["items"]] == [
        ("denied", "Past the training date.")
    ]


def test_returns_disabled_and_window_closed_are_refused(world: World, shop: dict) -> None:
    world.settings(returns_enabled=False)
    disabled = ask(world, shop["agent"], seat_ids=shop["seats"][1:2])
    world.settings(returns_enabled=True, return_window_days=10)
    with world.database.write() as session:
        paid_long_ago = utcnow() - timedelta(days=11)
        session.execute(
            update(Order).where(Order.id == shop["order"]["id"]).values(paid_at=paid_long_ago)
        )
    closed = ask(world, shop["agent"], seat_ids=shop["seats"][1:2])

    assert (disabled.status_code, error_code(disabled)) == (422, "returns_disabled")
    assert (closed.status_code, error_code(closed)) == (422, "return_window_closed")
    assert statuses(world, shop)[1] == "available"


def test_agents_of_another_group_cannot_request_returns_of_seats_they_cannot_see(
    world: World, shop: dict
) -> None:
    other = world.customer(agent_of=(world.group("West")["id"],))
    before = world.audit_count()

    response = ask(world, other, seat_ids=shop["seats"][1:2])

    assert (response.status_code, error_code(response)) == (404, "seat_not_found")
    assert world.audit_count() == before


def test_only_refund_managers_decide(world: World, shop: dict) -> None:
    request = ask(world, shop["agent"], seat_ids=shop["seats"][1:2]).json()

    response = decide(world, shop["agent"], request["id"], decision="approve")

    assert (response.status_code, error_code(response)) == (403, "permission_denied")
    assert statuses(world, shop)[1] == "return_pending"
