"""The rules on what comes in, alike on SQLite and PostgreSQL (docs/adr/0022).

Money stays below 10^12 units of the currency (a price, a line total, an order total), so no
amount ever nears a 64-bit integer; text holds no control character; amounts are written in
ASCII digits; lists answer pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DataError

from seatledger.db.models import Order, Product
from tests.api.conftest import World, error_code

BOUND = "999999999999.99"  # the largest amount in USD: 10^14 - 1 cents


def _order(world: World, buyer: Any, lines: list[tuple[str, int]]) -> Any:
    body = {
        "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
        "purchasing_group_id": None,
        "payment": {"method": "invoice"},
    }
    return world.client.post(world.url("/orders"), json=body, headers=buyer.headers)


def _orders(world: World) -> int:
    with world.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Order)) or 0)


@pytest.fixture
def buyer(world: World) -> Any:
    world.settings(allow_groupless_checkout=True)
    return world.customer()


# --- money bounds ---------------------------------------------------------------------------


def test_a_price_at_the_bound_is_taken_and_one_cent_more_is_refused(world: World) -> None:
    at_bound = world.product("MAX", price=BOUND)
    over = world.client.post(
        world.url("/products"),
        json={"sku": "OVER", "name": "Over", "price": "1000000000000.00"},
        headers=world.owner.headers,
    )

    assert at_bound["price"] == BOUND
    assert (over.status_code, error_code(over)) == (422, "amount_too_large")


def test_a_line_total_at_the_bound_is_taken_and_one_cent_more_is_refused(
    world: World, buyer: Any
) -> None:
    world.product("THIRD", price="10101010101.01")  # x 99 = 999,999,999,999.99
    world.product("TENTH", price="10000000000.00")  # x 100 = 1,000,000,000,000.00

    at_bound = _order(world, buyer, [("THIRD", 99)])
    before = (world.audit_count(), _orders(world))
    over = _order(world, buyer, [("TENTH", 100)])

    assert (at_bound.status_code, at_bound.json()["total"]) == (201, BOUND), at_bound.text
    assert (over.status_code, error_code(over)) == (422, "amount_too_large")
    assert "1000000000000.00" in over.json()["error"]["message"]
    assert (world.audit_count(), _orders(world)) == before


def test_an_order_total_past_the_bound_is_refused_though_each_line_is_within_it(
    world: World, buyer: Any
) -> None:
    world.product("MAX", price=BOUND)
    world.product("CENT", price="0.01")
    before = (world.audit_count(), _orders(world))

    over = _order(world, buyer, [("MAX", 1), ("CENT", 1)])

    assert (over.status_code, error_code(over)) == (422, "amount_too_large")
    assert "order's total" in over.json()["error"]["message"]
    assert (world.audit_count(), _orders(world)) == before


def test_the_reported_overflow_is_a_422_on_both_databases(world: World, buyer: Any) -> None:
    """The report: a product priced 9999999999999.99 and an order of 100,000 answered 500 on
    SQLite (OverflowError) and 422 on PostgreSQL. Such a price is refused now; one stored
    before the bound existed still cannot make an order past it."""
    refused = world.client.post(
        world.url("/products"),
        json={"sku": "HUGE", "name": "Huge", "price": "9999999999999.99"},
        headers=world.owner.headers,
    )
    world.product("OLD")
    with world.database.write() as session:  # a price from before the bound
        session.execute(
            update(Product).where(Product.sku == "OLD").values(price_minor=999999999999999)
        )
    before = (world.audit_count(), _orders(world))

    ordered = _order(world, buyer, [("OLD", 100_000)])

    assert (refused.status_code, error_code(refused)) == (422, "amount_too_large")
    assert (ordered.status_code, error_code(ordered)) == (422, "amount_too_large")
    assert (world.audit_count(), _orders(world)) == before


@pytest.mark.parametrize(
    "price",
    [
        "١٢٣.٤٥",
        "\uff11\uff12\uff13.\uff14\uff15",  # fullwidth digits
        "123.45\n",
        " 123.45",
        "+1.00",
        "1_000.00",
        "1e3",
        "NaN",
        "1.",
        ".5",
    ],
)
def test_prices_are_written_in_ascii_digits(world: World, price: str) -> None:
    response = world.client.post(
        world.url("/products"),
        json={"sku": "P", "name": "P", "price": price},
        headers=world.owner.headers,
    )

    assert (response.status_code, error_code(response)) == (422, "invalid_price")
    assert world.client.get(world.url("/products")).json()["items"] == []


# --- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x01", "\t", "\n", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_name_with_a_control_character_is_refused(world: World, character: str) -> None:
    before = world.audit_count()

    response = world.client.post(
        world.url("/groups"), json={"name": f"a{character}b"}, headers=world.owner.headers
    )

    assert (response.status_code, error_code(response)) == (422, "invalid_text")
    assert f"U+{ord(character):04X}" in response.json()["error"]["message"]
    assert world.audit_count() == before


def test_text_of_several_lines_takes_tabs_and_line_breaks_but_no_other_control_character(
    world: World,
) -> None:
    world.product("PY101")
    group = world.group("North")
    agent = world.customer(agent_of=(group["id"],))
    seats = world.order(agent, group["id"], quantity=2)
    seat_ids = [s["id"] for s in world.seats(world.owner)]
    assert len(seat_ids) == 2, seats

    sent = world.act(
        agent, seat_ids[0], "redemption-link", {"email": "a@example.com", "message": "Hi,\r\n\tgo"}
    )
    refused = world.act(
        agent, seat_ids[1], "redemption-link", {"email": "b@example.com", "message": "Hi\x00"}
    )

    assert sent.status_code == 200, sent.text
    assert (refused.status_code, error_code(refused)) == (422, "invalid_text")
    assert world.seat(world.owner, seat_ids[1])["status"] == "available"


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("/customers", {"email": "a\x00b@example.com"}, "invalid_text"),
        ("/seats", {"learner_email": "x\x01@example.com"}, "invalid_text"),
        ("/seats", {"sku": "PY\x00101"}, "invalid_sku"),
        ("/seats", {"order_id": "a\x00"}, "validation_error"),
        ("/groups", {"cursor": "ab\x00c"}, "invalid_cursor"),
    ],
)
def test_query_strings_are_held_to_the_same_rules(
    world: World, path: str, params: dict[str, str], code: str
) -> None:
    response = world.client.get(world.url(path), params=params, headers=world.owner.headers)

    assert error_code(response) == code
    assert response.status_code == (400 if code == "invalid_cursor" else 422)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/stores/ac%00me", "invalid_slug"),
        ("/api/v1/stores/acme/seats/abc%00", "validation_error"),
        ("/api/v1/redeem/tok%00en", "validation_error"),
    ],
)
def test_path_parameters_are_held_to_their_shape(world: World, path: str, code: str) -> None:
    response = world.client.get(path, headers=world.owner.headers)

    assert (response.status_code, error_code(response)) == (422, code)


def test_the_database_refuses_what_the_inputs_let_through_alike_on_both(world: World) -> None:
    """A value that reached the database unchecked is refused the same way on both: a NUL
    character in text, an integer past 64 bits (SQLite would store the first and raise an
    OverflowError on the second)."""
    world.product("PY101")
    for values in ({"name": "a\x00b"}, {"price_minor": 2**63}):
        with pytest.raises(DataError), world.database.write() as session:
            session.execute(update(Product).where(Product.sku == "PY101").values(**values))
    with world.database.write() as session:
        session.execute(update(Product).where(Product.sku == "PY101").values(price_minor=2**63 - 1))


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/products",
        "/admins",
        "/me/enrollments",
        "/return-requests",
        "/groups/{group}/agents",
        "/customers/{agent}/purchasing-groups",
    ],
)
def test_every_list_answers_a_page(world: World, path: str) -> None:
    group = world.group("North")
    agent = world.customer(agent_of=(group["id"],), permissions=["seats.view"])
    url = world.url(path.format(group=group["id"], agent=agent.id))

    response = world.client.get(url, params={"limit": 1}, headers=world.owner.headers)

    assert response.status_code in (200, 403), response.text
    if response.status_code == 200:
        assert set(response.json()) == {"items", "next_cursor"}


def test_products_page_through_with_limit_and_cursor(world: World) -> None:
    skus = [world.product(f"P{n}")["sku"] for n in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = world.client.get(world.url("/products"), params=params).json()
        seen += [p["sku"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == skus  # oldest first, each once


def test_a_groups_agents_page_through(world: World) -> None:
    group = world.group("North")
    agents = [world.customer(agent_of=(group["id"],)) for _ in range(3)]
    url = world.url(f"/groups/{group['id']}/agents")

    first = world.client.get(url, params={"limit": 2}, headers=world.owner.headers).json()
    rest = world.client.get(
        url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=world.owner.headers
    ).json()

    listed = [a["customer_id"] for a in first["items"] + rest["items"]]
    assert listed == [a.id for a in agents]
    assert rest["next_cursor"] is None


def test_an_idempotency_key_with_a_control_character_is_refused(world: World, buyer: Any) -> None:
    world.product("PY101")

    response = world.checkout(buyer, None, key="retry\x01one")

    assert (response.status_code, error_code(response)) == (422, "invalid_text")
    assert _orders(world) == 0
