from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Person, World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    """A product, a group with an agent, and an admin who manages orders."""
    world.product("PY101", price="149.00")
    group = world.group("Acme")
    return {
        "group": group,
        "agent": world.customer("agent@example.com", agent_of=(group["id"],)),
        "admin": world.customer("orders@example.com", permissions=["orders.manage", "seats.view"]),
    }


def seat_count(world: World, order_id: str) -> int:
    return len(world.seats(world.owner, order_id=order_id))


def test_card_checkout_captures_and_creates_one_seat_per_unit(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["group"]["id"], quantity=25)

    assert (order["status"], order["payment_status"]) == ("paid", "paid")
    assert order["total"] == "3725.00"
    assert order["purchasing_group_id"] == shop["group"]["id"]
    seats = world.seats(world.owner, order_id=order["id"])
    assert len(seats) == 25
    assert {(s["status"], s["owner_group_id"], s["price"], s["sku"]) for s in seats} == {
        ("available", shop["group"]["id"], "149.00", "PY101")
    }


def test_inherited_agent_rights_allow_buying_for_a_subgroup(world: World, shop: dict) -> None:
    team = world.group("Team", parent=shop["group"]["id"])

    order = world.order(shop["agent"], team["id"], quantity=2)

    assert order["purchasing_group_id"] == team["id"]


def test_buying_for_a_group_the_buyer_is_not_agent_of_is_refused(world: World, shop: dict) -> None:
    other = world.group("Other")
    before = world.audit_count()

    response = world.checkout(shop["agent"], other["id"])
    missing = world.checkout(shop["agent"], "0" * 32)  # no such group

    assert (response.status_code, error_code(response)) == (403, "not_agent_of_group")
    assert response.json() == missing.json()
    assert world.audit_count() == before
    assert world.seats(world.owner) == []


def test_groupless_checkout_is_refused_then_allowed_by_the_setting(
    world: World, shop: dict
) -> None:
    refused = world.checkout(shop["agent"], None)
    assert (refused.status_code, error_code(refused)) == (422, "group_required")
    assert world.seats(world.owner) == []

    world.settings(allow_groupless_checkout=True)
    order = world.order(shop["agent"], None, quantity=2)

    assert order["purchasing_group_id"] is None
    seats = world.seats(world.owner, order_id=order["id"])
    assert [s["owner_group_id"] for s in seats] == [None, None]


def test_declined_card_creates_no_order_and_no_seats(world: World, shop: dict) -> None:
    before = world.audit_count()

    response = world.checkout(shop["agent"], shop["group"]["id"], card="4000000000000002")

    assert (response.status_code, error_code(response)) == (402, "payment_declined")
    assert world.seats(world.owner) == []
    assert world.client.get(world.url("/orders"), headers=world.owner.headers).json()["items"] == []
    assert world.audit_count() == before


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [
        (0, 422, "invalid_quantity"),
        (-3, 422, "invalid_quantity"),
        (100_001, 422, "invalid_quantity"),
        (2.5, 422, "validation_error"),
        ("3", 422, "validation_error"),
        (True, 422, "validation_error"),
    ],
)
def test_quantities_are_whole_numbers_within_the_store_limit(
    world: World, shop: dict, quantity: Any, status: int, code: str
) -> None:
    response = world.checkout(shop["agent"], shop["group"]["id"], quantity=quantity)

    assert (response.status_code, error_code(response)) == (status, code)
    assert world.seats(world.owner) == []


def test_store_limit_per_line_is_a_setting(world: World, shop: dict) -> None:
    world.settings(max_quantity_per_line=10)

    response = world.checkout(shop["agent"], shop["group"]["id"], quantity=11)

    assert (response.status_code, error_code(response)) == (422, "invalid_quantity")


def test_unknown_sku_and_bad_card_numbers_are_refused(world: World, shop: dict) -> None:
    unknown = world.checkout(shop["agent"], shop["group"]["id"], sku="NOPE")
    short = world.checkout(shop["agent"], shop["group"]["id"], card="4242")

    assert (unknown.status_code, error_code(unknown)) == (422, "unknown_sku")
    assert (short.status_code, error_code(short)) == (422, "invalid_card_number")


def test_deactivated_group_takes_no_new_purchases(world: World, shop: dict) -> None:
    world.client.patch(
        world.url(f"/groups/{shop['group']['id']}"),
        json={"active": False},
        headers=world.owner.headers,
    )

    response = world.checkout(shop["agent"], shop["group"]["id"])

    assert (response.status_code, error_code(response)) == (409, "group_inactive")


def test_same_idempotency_key_returns_the_same_order(world: World, shop: dict) -> None:
    first = world.order(shop["agent"], shop["group"]["id"], quantity=4, key="retry-1")
    again = world.checkout(shop["agent"], shop["group"]["id"], quantity=4, key="retry-1")
    different = world.checkout(shop["agent"], shop["group"]["id"], quantity=5, key="retry-1")

    assert again.status_code == 201
    assert again.json() == first
    assert (different.status_code, error_code(different)) == (409, "idempotency_key_reused")
    assert len(world.seats(world.owner)) == 4


def test_invoice_waits_until_an_admin_marks_it_paid(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["group"]["id"], method="invoice", quantity=3)
    assert (order["status"], order["payment_status"]) == ("pending", "unpaid")
    assert seat_count(world, order["id"]) == 0

    denied = world.client.post(
        world.url(f"/orders/{order['id']}/capture"), headers=shop["agent"].headers
    )
    paid = world.client.post(
        world.url(f"/orders/{order['id']}/capture"), headers=shop["admin"].headers
    )
    again = world.client.post(
        world.url(f"/orders/{order['id']}/capture"), headers=shop["admin"].headers
    )

    assert (denied.status_code, error_code(denied)) == (403, "permission_denied")
    assert paid.json()["payment_status"] == "paid"
    assert (again.status_code, error_code(again)) == (409, "order_already_paid")
    assert seat_count(world, order["id"]) == 3


def test_manual_capture_authorizes_then_captures(world: World, shop: dict) -> None:
    world.settings(card_capture="manual")
    order = world.order(shop["agent"], shop["group"]["id"], quantity=2)
    assert (order["status"], order["payment_status"]) == ("pending", "authorized")
    assert seat_count(world, order["id"]) == 0

    captured = world.client.post(
        world.url(f"/orders/{order['id']}/capture"), headers=shop["admin"].headers
    )

    assert captured.json()["status"] == "paid"
    assert seat_count(world, order["id"]) == 2


def test_void_releases_an_authorization_and_creates_no_seats(world: World, shop: dict) -> None:
    world.settings(card_capture="manual")
    order = world.order(shop["agent"], shop["group"]["id"], quantity=2)

    voided = world.client.post(
        world.url(f"/orders/{order['id']}/void"), headers=shop["admin"].headers
    )
    capture = world.client.post(
        world.url(f"/orders/{order['id']}/capture"), headers=shop["admin"].headers
    )

    assert (voided.json()["status"], voided.json()["payment_status"]) == ("cancelled", "voided")
    assert (capture.status_code, error_code(capture)) == (409, "order_cancelled")
    assert seat_count(world, order["id"]) == 0


def test_void_of_an_invoice_or_a_paid_order_is_refused(world: World, shop: dict) -> None:
    invoice = world.order(shop["agent"], shop["group"]["id"], method="invoice")
    paid = world.order(shop["agent"], shop["group"]["id"])

    for order_id, code in ((invoice["id"], "not_authorized"), (paid["id"], "order_already_paid")):
        response = world.client.post(
            world.url(f"/orders/{order_id}/void"), headers=shop["admin"].headers
        )
        assert (response.status_code, error_code(response)) == (409, code)


def test_buyer_may_cancel_an_unpaid_order_but_not_a_paid_one(world: World, shop: dict) -> None:
    unpaid = world.order(shop["agent"], shop["group"]["id"], method="invoice")
    paid = world.order(shop["agent"], shop["group"]["id"])

    cancelled = world.client.post(
        world.url(f"/orders/{unpaid['id']}/cancel"), headers=shop["agent"].headers
    )
    too_late = world.client.post(
        world.url(f"/orders/{paid['id']}/cancel"), headers=shop["agent"].headers
    )

    assert cancelled.json()["status"] == "cancelled"
    assert (too_late.status_code, error_code(too_late)) == (409, "order_already_paid")
    capture = world.client.post(
        world.url(f"/orders/{unpaid['id']}/capture"), headers=shop["admin"].headers
    )
    assert (capture.status_code, error_code(capture)) == (409, "order_cancelled")


def test_admin_buys_on_behalf_of_a_customer(world: World, shop: dict) -> None:
    learner = world.customer()

    order = world.order(shop["admin"], shop["group"]["id"], on_behalf_of=learner.id)

    assert order["buyer_id"] == learner.id
    assert order["placed_by"] == shop["admin"].id
    mine = world.client.get(world.url("/orders"), headers=learner.headers).json()["items"]
    assert [o["id"] for o in mine] == [order["id"]]


def test_on_behalf_of_needs_orders_manage(world: World, shop: dict) -> None:
    learner = world.customer()

    response = world.checkout(shop["agent"], shop["group"]["id"], on_behalf_of=learner.id)

    assert (response.status_code, error_code(response)) == (403, "permission_denied")


def test_buyers_see_their_own_orders_and_others_get_404(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["group"]["id"])
    stranger: Person = world.customer()

    mine = world.client.get(world.url(f"/orders/{order['id']}"), headers=shop["agent"].headers)
    theirs = world.client.get(world.url(f"/orders/{order['id']}"), headers=stranger.headers)
    listed = world.client.get(world.url("/orders"), headers=stranger.headers).json()["items"]

    assert mine.status_code == 200
    assert (theirs.status_code, error_code(theirs)) == (404, "order_not_found")
    assert listed == []


def test_orders_and_seats_are_audited(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["group"]["id"], quantity=2)

    events = world.client.get(
        world.url("/audit"), params={"order_id": order["id"]}, headers=world.owner.headers
    )
    actions = [e["action"] for e in events.json()["items"]]

    assert actions == ["order.placed", "order.paid", "seat.created", "seat.created"]


def test_order_numbers_count_up_per_store(world: World, shop: dict) -> None:
    numbers = [world.order(shop["agent"], shop["group"]["id"])["number"] for _ in range(3)]

    assert numbers == [1, 2, 3]
