"""The admin console's orders and returns pages over TestClient, and their read-only services.

Fast checks of what needs no browser: filters, paging, refusals as sentences, permissions.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from seatledger.domain.errors import PermissionDenied
from seatledger.domain.orders import PaymentStatus
from seatledger.queries import order_desk, return_queue
from seatledger.services.people import access
from tests.api.conftest import PASSWORD, STORE, Person, World

ORDERS = f"/stores/{STORE}/admin/orders"
RETURNS = f"/stores/{STORE}/admin/returns"


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101", price="100.00")
    east, west = world.group("East"), world.group("West")
    agent = world.customer("agent@example.com", agent_of=(east["id"], west["id"]))
    admin = world.customer("admin@example.com", permissions=["orders.manage", "refunds.manage"])
    return {"east": east, "west": west, "agent": agent, "admin": admin}


def caller(world: World, person: Person) -> str:
    return access.authenticate_token(world.database, person.token)


def sign_in(http: TestClient, person: Person) -> str:
    """Sign in through the form; returns the new session's CSRF token."""
    http.post(
        f"/stores/{STORE}/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": csrf(http)},
    )
    return csrf(http)


def csrf(http: TestClient) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"/stores/{STORE}").text)
    assert match
    return match.group(1)


def order_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'/admin/orders/[0-9a-f]+">#(\d+)<', html)]


def ask_return(world: World, agent: Person, seat_id: str, **body: Any) -> dict[str, Any]:
    payload = {"seat_ids": [seat_id], "refund": True, "reason": "Over-purchased", **body}
    response = world.client.post(world.url("/return-requests"), json=payload, headers=agent.headers)
    return dict(world.ok(response))


def test_orders_filter_by_payment_status_group_and_buyer(world: World, shop: dict) -> None:
    paid = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    unpaid = world.order(shop["agent"], shop["west"]["id"], quantity=1, method="invoice")
    other = world.customer("buyer@example.com", agent_of=(shop["east"]["id"],))
    theirs = world.order(other, shop["east"]["id"], quantity=1)
    sign_in(world.client, shop["admin"])

    every = world.client.get(ORDERS).text
    unpaid_only = world.client.get(ORDERS, params={"payment_status": "unpaid"}).text
    west_only = world.client.get(ORDERS, params={"group": shop["west"]["id"]}).text
    by_buyer = world.client.get(ORDERS, params={"buyer": " Buyer@Example.com "}).text
    nothing = world.client.get(ORDERS, params={"group": "none"}).text

    assert order_numbers(every) == [theirs["number"], unpaid["number"], paid["number"]]
    assert order_numbers(unpaid_only) == [unpaid["number"]]
    assert order_numbers(west_only) == [unpaid["number"]]
    assert order_numbers(by_buyer) == [theirs["number"]]
    assert "No orders match these filters." in nothing


def test_order_list_pages_newest_first(world: World, shop: dict) -> None:
    placed = [world.order(shop["agent"], shop["east"]["id"], quantity=1) for _ in range(3)]
    admin = caller(world, shop["admin"])

    first = order_desk.list_orders(world.database, admin, STORE, limit=2)
    second = order_desk.list_orders(world.database, admin, STORE, limit=2, cursor=first.next_cursor)

    assert [o.number for o in first.orders] == [placed[2]["number"], placed[1]["number"]]
    assert [o.number for o in second.orders] == [placed[0]["number"]]
    assert second.next_cursor is None
    assert [g.name for g in first.groups] == ["East", "West"]


def test_an_unknown_filter_is_a_422_sentence(world: World, shop: dict) -> None:
    sign_in(world.client, shop["admin"])

    answer = world.client.get(ORDERS, params={"payment_status": "lost"})

    assert answer.status_code == 422
    assert "&#39;lost&#39; is not a payment status" in answer.text


def test_a_customer_without_orders_view_gets_the_services_403(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    sign_in(world.client, shop["agent"])

    listing = world.client.get(ORDERS)
    one = world.client.get(f"{ORDERS}/{order['id']}")
    queue = world.client.get(RETURNS)

    assert listing.status_code == one.status_code == queue.status_code == 403
    assert "This needs the &#39;orders.view&#39; permission in this store." in listing.text
    assert "orders.view" in one.text
    assert "This needs the &#39;refunds.manage&#39; permission in this store." in queue.text


def test_no_pending_requests_shows_that_none_are_waiting(world: World, shop: dict) -> None:
    sign_in(world.client, shop["admin"])

    page = world.client.get(RETURNS)

    assert page.status_code == 200
    assert "No return requests are waiting." in page.text


def test_deny_without_a_note_is_refused_and_nothing_changes(world: World, shop: dict) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    (seat,) = [s["id"] for s in world.seats(shop["agent"], order_id=order["id"])]
    request = ask_return(world, shop["agent"], seat)
    token = sign_in(world.client, shop["admin"])

    answer = world.client.post(
        f"{RETURNS}/{request['id']}/decision",
        data={"decision": "deny", "note": "   ", "csrf_token": token},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    followed = world.client.get(answer.headers["location"]).text
    assert "Write a note to deny a return: the requester reads it to learn why." in followed
    assert world.seat(shop["agent"], seat)["status"] == "return_pending"


def test_approve_as_reclaim_with_an_outcome_and_a_second_decision_is_a_sentence(
    world: World, shop: dict
) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    (seat,) = [s["id"] for s in world.seats(shop["agent"], order_id=order["id"])]
    request = ask_return(world, shop["agent"], seat, refund=False)
    token = sign_in(world.client, shop["admin"])
    form = {"decision": "reclaim", "outcome": "drop", "status": "pending", "csrf_token": token}

    decision = f"{RETURNS}/{request['id']}/decision"
    first = world.client.post(decision, data=form, follow_redirects=False)
    again = world.client.post(decision, data=form, follow_redirects=False)

    assert first.headers["location"] == f"{RETURNS}?status=pending"
    page = world.client.get(again.headers["location"]).text
    assert "Return approved: 1 seat back in the pool, no money moves." in page
    assert f"Return request {request['id']} is already decided." in page
    assert world.seat(shop["agent"], seat)["status"] == "available"


def test_a_refund_without_seats_or_of_another_orders_seat_is_a_sentence(
    world: World, shop: dict
) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    other = world.order(shop["agent"], shop["east"]["id"], quantity=1)
    (foreign,) = [s["id"] for s in world.seats(shop["agent"], order_id=other["id"])]
    token = sign_in(world.client, shop["admin"])
    url = f"{ORDERS}/{order['id']}/refunds"

    empty = world.client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert "Name the seats to refund." in world.client.get(empty.headers["location"]).text
    wrong = world.client.post(
        url, data={"csrf_token": token, "seat_id": foreign}, follow_redirects=False
    )

    assert empty.status_code == wrong.status_code == 303
    page = world.client.get(wrong.headers["location"]).text
    assert f"Seat {foreign} is not a seat of order {order['id']}." in page
    assert world.seat(shop["agent"], foreign)["status"] == "available"


def test_voiding_an_invoice_is_refused_and_forms_need_the_csrf_token(
    world: World, shop: dict
) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=1, method="invoice")
    token = sign_in(world.client, shop["admin"])

    forged = world.client.post(f"{ORDERS}/{order['id']}/cancel", data={"csrf_token": "x"})
    void = world.client.post(
        f"{ORDERS}/{order['id']}/void", data={"csrf_token": token}, follow_redirects=False
    )

    assert forged.status_code == 403 and "csrf_failed" in forged.text
    page = world.client.get(void.headers["location"]).text
    assert "Only an authorized card payment can be voided; cancel the order." in page
    assert order_desk.order_detail(
        world.database, caller(world, shop["admin"]), STORE, order["id"]
    ).order.payment_status == (PaymentStatus.UNPAID)


def test_the_queue_shows_pending_oldest_first_then_decided_newest_first(
    world: World, shop: dict
) -> None:
    order = world.order(shop["agent"], shop["east"]["id"], quantity=4)
    seats = [s["id"] for s in world.seats(shop["agent"], order_id=order["id"])]
    made = [ask_return(world, shop["agent"], seat, refund=False)["id"] for seat in seats]
    admin = caller(world, shop["admin"])
    for request_id in (made[0], made[2]):
        world.ok(
            world.client.post(
                world.url(f"/return-requests/{request_id}/decision"),
                json={"decision": "approve"},
                headers=shop["admin"].headers,
            ),
            200,
        )

    walked, cursor = [], None
    while True:
        page = return_queue.list_queue(world.database, admin, STORE, limit=1, cursor=cursor)
        walked += [r.id for r in page.requests]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    approved = return_queue.list_queue(world.database, admin, STORE, status="approved")

    assert walked == [made[1], made[3], made[2], made[0]]
    assert page.pending_count == 2
    assert [r.id for r in approved.requests] == [made[2], made[0]]
    with pytest.raises(PermissionDenied):
        return_queue.list_queue(world.database, caller(world, shop["agent"]), STORE)
