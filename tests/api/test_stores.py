from __future__ import annotations

import pytest

from tests.api.conftest import World, error_code


def test_new_store_gets_the_default_settings(world: World) -> None:
    settings = world.store["settings"]

    assert settings == {
        "allow_groupless_checkout": False,
        "returns_enabled": True,
        "return_window_days": 30,
        "redemption_link_ttl_days": 30,
        "agents_may_unassign": False,
        "card_capture": "immediate",
        "currency": "USD",
        "max_quantity_per_line": 100000,
        "seat_redeem_within_days": None,
        "link_reminder_days": [7, 21],
        "expiry_warning_days": 3,
    }
    assert world.store["currency"] == "USD"


def test_owner_creates_a_store_with_currency_and_settings(world: World) -> None:
    response = world.client.post(
        "/api/v1/stores",
        json={
            "slug": "euro-shop",
            "name": "Euro",
            "currency": "EUR",
            "settings": {"card_capture": "manual"},
        },
        headers=world.owner.headers,
    )

    assert response.status_code == 201
    store = response.json()
    assert (store["currency"], store["settings"]["card_capture"]) == ("EUR", "manual")


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"return_window_days": -1}, "settings.return_window_days"),
        ({"redemption_link_ttl_days": 0}, "settings.redemption_link_ttl_days"),
        ({"returns_enabled": "yes"}, "settings.returns_enabled"),
        ({"return_window_days": "30"}, "settings.return_window_days"),
        ({"return_window_days": 1.5}, "settings.return_window_days"),
        ({"card_capture": "later"}, "settings.card_capture"),
        ({"currency": "dollars"}, "settings.currency"),
        ({"no_such_setting": True}, "settings.no_such_setting"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_changes(
    world: World, settings: dict, field: str
) -> None:
    before = world.audit_count()

    response = world.client.patch(
        world.url(""), json={"settings": settings}, headers=world.owner.headers
    )

    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert response.json()["error"]["fields"][0]["field"] == field
    assert world.client.get(world.url(""), headers=world.owner.headers).json() == world.store
    assert world.audit_count() == before


def test_settings_change_is_partial_and_audited(world: World) -> None:
    response = world.client.patch(
        world.url(""),
        json={"settings": {"allow_groupless_checkout": True}},
        headers=world.owner.headers,
    )

    assert response.status_code == 200
    settings = response.json()["settings"]
    assert settings["allow_groupless_checkout"] is True
    assert settings["return_window_days"] == 30
    events = world.client.get(world.url("/audit"), headers=world.owner.headers).json()["items"]
    assert events[-1]["action"] == "store.updated"
    assert events[-1]["before"]["settings"]["allow_groupless_checkout"] is False
    assert events[-1]["after"]["settings"]["allow_groupless_checkout"] is True


@pytest.mark.parametrize("slug", ["Acme", "-acme", "acme-", "a_b", "x" * 64, ""])
def test_bad_slugs_are_refused(world: World, slug: str) -> None:
    response = world.client.post(
        "/api/v1/stores", json={"slug": slug, "name": "X"}, headers=world.owner.headers
    )

    assert response.status_code == 422
    assert error_code(response) in {"invalid_slug", "validation_error"}


def test_taken_slug_is_a_conflict(world: World) -> None:
    response = world.client.post(
        "/api/v1/stores", json={"slug": "acme", "name": "Again"}, headers=world.owner.headers
    )

    assert response.status_code == 409
    assert error_code(response) == "slug_taken"


def test_unknown_store_is_not_found(world: World) -> None:
    response = world.client.get("/api/v1/stores/nowhere", headers=world.owner.headers)

    assert response.status_code == 404
    assert error_code(response) == "store_not_found"
