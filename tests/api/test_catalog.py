from __future__ import annotations

import pytest

from tests.api.conftest import World, error_code


def test_products_have_exact_decimal_prices_in_the_store_currency(world: World) -> None:
    product = world.product("PY101", price="149.5")

    assert (product["price"], product["currency"], product["kind"]) == ("149.50", "USD", "fixed")
    listed = world.client.get(world.url("/products")).json()
    assert [p["sku"] for p in listed["items"]] == ["PY101"]
    assert listed["next_cursor"] is None


def test_open_ended_product_lists_its_fixed_options(world: World) -> None:
    world.product("PY101")
    world.product("GO101")

    product = world.product("ANY", kind="open_ended", option_skus=["PY101", "GO101"])

    assert product["option_skus"] == ["PY101", "GO101"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"price": "1.234"}, "invalid_price"),
        ({"price": "-1.00"}, "invalid_price"),
        ({"price": "١٢٣.٤٥"}, "invalid_price"),  # digits, but not ASCII ones
        ({"price": "1e3"}, "invalid_price"),
        ({"price": "1000000000000.00"}, "amount_too_large"),
        ({"name": "nul\x00byte"}, "invalid_text"),
        ({"name": "two\nlines"}, "invalid_text"),
        ({"price": 149.0}, "validation_error"),
        ({"kind": "open_ended"}, "options_required"),
        ({"kind": "open_ended", "option_skus": ["NOPE"]}, "unknown_option"),
        ({"option_skus": ["PY101"]}, "unexpected_options"),
        ({"sku": "bad sku"}, "invalid_sku"),
    ],
)
def test_invalid_products_are_refused(world: World, body: dict, code: str) -> None:
    world.product("PY101")
    before = world.audit_count()
    payload = {"sku": "NEW", "name": "New", "price": "10.00", **body}

    response = world.client.post(world.url("/products"), json=payload, headers=world.owner.headers)

    assert (response.status_code, error_code(response)) == (422, code)
    assert world.audit_count() == before


def test_sku_is_unique_in_a_store(world: World) -> None:
    world.product("PY101")

    response = world.client.post(
        world.url("/products"),
        json={"sku": "PY101", "name": "Again", "price": "1.00"},
        headers=world.owner.headers,
    )

    assert (response.status_code, error_code(response)) == (409, "sku_taken")


def test_only_store_managers_add_products(world: World) -> None:
    admin = world.customer(permissions=["seats.manage"])

    response = world.client.post(
        world.url("/products"),
        json={"sku": "X", "name": "X", "price": "1.00"},
        headers=admin.headers,
    )

    assert (response.status_code, error_code(response)) == (403, "permission_denied")
    assert world.client.get(world.url("/products")).json() == {"items": [], "next_cursor": None}
