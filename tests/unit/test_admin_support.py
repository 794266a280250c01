"""Small pieces of the admin console (web/admin_support.py)."""

from __future__ import annotations

from seatledger.web.admin_support import changes


def test_an_update_shows_only_the_fields_that_changed_with_nested_settings_flattened() -> None:
    before = {"name": "Shop", "settings": {"currency": "USD", "returns_enabled": True}}
    after = {"name": "Shop", "settings": {"currency": "EUR", "returns_enabled": True}}

    assert changes(before, after) == [("settings.currency", "USD", "EUR")]


def test_a_creation_lists_every_field_and_a_removal_shows_none() -> None:
    assert changes(None, {"name": "Acme", "code": None}) == [("name", None, "Acme")]
    assert changes({"customer_id": "c1"}, None) == [("customer_id", "c1", None)]
