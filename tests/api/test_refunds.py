from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101", price="100.00")
    group = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    order = world.order(agent, group["id"], quantity=3)
    return {
        "group": group,
        "agent": agent,
        "order": order,
        "seats": [s["id"] for s in world.seats(agent, order_id=order["id"])],
        "admin": world.customer(
            "refunds@example.com", permissions=["refunds.manage", "orders.view"]
        ),
    }


def refund(world: World, who: Any, order_id: str, seat_ids: list[str]) -> Any:
    return world.client.post(
        world.url(f"/orders/{order_id}/refunds"), json={"seat_ids": seat_ids}, headers=who.headers
    )


def order_of(world: World, shop: dict) -> dict[str, Any]:
    return dict(
        world.client.get(
            world.url(f"/orders/{shop['order']['id']}"), headers=shop["admin"].headers
        ).json()
    )


def test_partial_then_full_refund_of_available_seats(world: World, shop: dict) -> None:
    first = refund(world, shop["admin"], shop["order"]["id"], shop["seats"][:1])

    assert first.status_code == 201, first.text
    assert (first.json()["amount"], first.json()["payment_status"]) == (
        "100.00",
        "partially_refunded",
    )
    assert first.json()["external_action_required"] is False
    assert order_of(world, shop)["refunded"] == "100.00"

    rest = refund(world, shop["admin"], shop["order"]["id"], shop["seats"][1:])

    assert (rest.json()["amount"], rest.json()["payment_status"]) == ("200.00", "refunded")
    order = order_of(world, shop)
    assert (order["refunded"], order["payment_status"]) == ("300.00", "refunded")
    capacity = world.client.get(
        world.url(f"/groups/{shop['group']['id']}/capacity"), headers=shop["agent"].headers
    )
    assert (capacity.json()["totals"]["refunded"], capacity.json()["totals"]["available"]) == (3, 0)
    assert [m.template for m in world.mails_to("agent@example.com")] == [
        "refund_issued",
        "refund_issued",
    ]


def test_only_available_seats_are_refunded_and_a_refusal_changes_nothing(
    world: World, shop: dict
) -> None:
    learner = world.customer("learner@example.com")
    world.act(shop["agent"], shop["seats"][0], "assign", {"email": learner.email})
    before = world.audit_count()

    response = refund(world, shop["admin"], shop["order"]["id"], shop["seats"][:2])

    assert (response.status_code, error_code(response)) == (409, "seat_not_available")
    assert world.seat(shop["agent"], shop["seats"][1])["status"] == "available"
    assert order_of(world, shop)["payment_status"] == "paid"
    assert world.audit_count() == before


def test_a_refunded_seat_cannot_be_refunded_or_assigned_again(world: World, shop: dict) -> None:
    refund(world, shop["admin"], shop["order"]["id"], shop["seats"][:1])

    again = refund(world, shop["admin"], shop["order"]["id"], shop["seats"][:1])
    assign = world.act(shop["agent"], shop["seats"][0], "assign", {"email": "agent@example.com"})

    assert (again.status_code, error_code(again)) == (409, "seat_not_available")
    assert (assign.status_code, error_code(assign)) == (409, "seat_not_available")
    assert order_of(world, shop)["refunded"] == "100.00"


def test_invoice_refunds_say_they_need_outside_action(world: World, shop: dict) -> None:
    invoice = world.order(shop["agent"], shop["group"]["id"], method="invoice", quantity=1)
    world.client.post(world.url(f"/orders/{invoice['id']}/capture"), headers=world.owner.headers)
    (seat,) = world.seats(shop["agent"], order_id=invoice["id"])

    response = refund(world, world.owner, invoice["id"], [seat["id"]])

    assert response.json()["external_action_required"] is True


def test_unpaid_orders_and_foreign_seats_are_refused(world: World, shop: dict) -> None:
    unpaid = world.order(shop["agent"], shop["group"]["id"], method="invoice", quantity=1)
    other = world.order(shop["agent"], shop["group"]["id"], quantity=1)
    (foreign,) = world.seats(shop["agent"], order_id=other["id"])

    not_paid = refund(world, shop["admin"], unpaid["id"], [shop["seats"][0]])
    not_in_order = refund(world, shop["admin"], shop["order"]["id"], [foreign["id"]])

    assert (not_paid.status_code, error_code(not_paid)) == (409, "order_not_paid")
    assert (not_in_order.status_code, error_code(not_in_order)) == (422, "seat_not_in_order")


def test_refunds_need_refunds_manage(world: World, shop: dict) -> None:
    viewer = world.customer(permissions=["orders.view"])

    as_viewer = refund(world, viewer, shop["order"]["id"], shop["seats"][:1])
    as_agent = refund(world, shop["agent"], shop["order"]["id"], shop["seats"][:1])

    assert (as_viewer.status_code, error_code(as_viewer)) == (403, "permission_denied")
    assert (as_agent.status_code, error_code(as_agent)) == (403, "permission_denied")
    assert order_of(world, shop)["refunded"] == "0.00"
