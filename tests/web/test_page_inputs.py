"""Page forms and query strings obey the same rules on text as the API (docs/adr/0022)."""

from __future__ import annotations

import pytest

from tests.api.conftest import STORE, World
from tests.web.test_admin_orders import sign_in


@pytest.mark.parametrize("character", ["\x00", "\x01", "\n"])
def test_a_group_name_with_a_control_character_is_refused_by_the_page(
    world: World, character: str
) -> None:
    manager = world.customer("manager@example.com", permissions=["groups.manage", "groups.view"])
    token = sign_in(world.client, manager)
    before = world.audit_count()

    response = world.client.post(
        f"/stores/{STORE}/admin/groups",
        data={"csrf_token": token, "name": f"East{character}"},
        follow_redirects=False,
    )

    assert response.status_code == 422
    assert "invalid_text" in response.text
    assert world.audit_count() == before


def test_a_page_query_string_with_a_nul_character_is_refused(world: World) -> None:
    admin = world.customer("admin@example.com", permissions=["groups.view"])
    sign_in(world.client, admin)

    response = world.client.get(f"/stores/{STORE}/admin/customers", params={"email": "a\x00b"})

    assert response.status_code == 422
    assert "invalid_text" in response.text


def test_a_quantity_in_other_digits_than_ascii_is_refused_by_the_shop(world: World) -> None:
    world.product("PY101")
    world.settings(allow_groupless_checkout=True)
    buyer = world.customer("buyer@example.com")
    token = sign_in(world.client, buyer)

    response = world.client.post(
        f"/stores/{STORE}/checkout",
        data={"csrf_token": token, "sku": "PY101", "quantity": "١٢", "group": ""},
        follow_redirects=False,
    )

    assert response.status_code == 422
    assert "Enter a whole number of seats." in response.text
