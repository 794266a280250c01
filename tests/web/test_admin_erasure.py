"""Erasing a customer from the admin console (rule 49) over TestClient: the confirmation page
names the person and what happens; the form erases; refusals are sentences."""

from __future__ import annotations

import re

from tests.api.conftest import PASSWORD, STORE, World
from tests.web.test_admin_orders import csrf, sign_in

CUSTOMERS = f"/stores/{STORE}/admin/customers"


def test_the_customers_page_offers_erasure_to_store_managers_only(world: World) -> None:
    learner = world.customer("zoe@example.com")
    boss = world.customer("boss@example.com", permissions=["store.manage", "groups.view"])
    viewer = world.customer("viewer@example.com", permissions=["groups.view"])

    sign_in(world.client, viewer)
    as_viewer = world.client.get(CUSTOMERS).text
    sign_in(world.client, boss)
    as_boss = world.client.get(CUSTOMERS).text

    assert f"{CUSTOMERS}/{learner.id}/erase" not in as_viewer
    assert f"{CUSTOMERS}/{learner.id}/erase" in as_boss
    assert f"{CUSTOMERS}/{boss.id}/erase" not in as_boss  # not oneself


def test_confirming_erases_the_person_and_the_list_shows_the_pseudonym(world: World) -> None:
    learner = world.customer("zoe@example.com")
    boss = world.customer("boss@example.com", permissions=["store.manage", "groups.view"])
    sign_in(world.client, boss)

    confirmation = world.client.get(f"{CUSTOMERS}/{learner.id}/erase")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', confirmation.text)
    assert form_token, "the confirmation's form carries the session's CSRF token"
    erased = world.client.post(
        f"{CUSTOMERS}/{learner.id}/erase", data={"csrf_token": form_token.group(1)}
    )
    listing = world.client.get(CUSTOMERS).text

    assert "Erase Pat Person (zoe@example.com)?" in confirmation.text
    assert "can no longer sign in" in confirmation.text
    assert "Erased. The customer now shows as Erased person, erased-" in erased.text
    assert "zoe@example.com" not in listing and "erased" in listing


def test_erasure_without_store_manage_is_refused_with_a_sentence(world: World) -> None:
    learner = world.customer("zoe@example.com")
    viewer = world.customer("viewer@example.com", permissions=["groups.view"])
    sign_in(world.client, viewer)

    page = world.client.get(f"{CUSTOMERS}/{learner.id}/erase")
    posted = world.client.post(
        f"{CUSTOMERS}/{learner.id}/erase", data={"csrf_token": csrf(world.client)}
    )

    assert page.status_code == 403
    assert "store.manage" in posted.text
    token = world.client.post(
        "/api/v1/auth/token", json={"email": learner.email, "password": PASSWORD}
    )
    assert token.status_code == 201


def test_a_form_without_its_csrf_token_erases_nothing(world: World) -> None:
    learner = world.customer("zoe@example.com")
    sign_in(
        world.client,
        world.customer("boss@example.com", permissions=["store.manage", "groups.view"]),
    )

    response = world.client.post(f"{CUSTOMERS}/{learner.id}/erase")

    assert response.status_code == 403
    assert world.client.get(CUSTOMERS).text.count("zoe@example.com") >= 1
