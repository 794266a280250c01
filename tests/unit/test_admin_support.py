"""Small pieces of the admin console (web/admin_support.py)."""

from __future__ import annotations

from seatledger.web.admin_support import bar_counts, changes


def test_the_capacity_bar_folds_seven_states_into_four() -> None:
    counts = {
        "available": 5,
        "awaiting": 2,
        "assigned": 3,
        "return_pending": 1,
        "refunded": 4,
        "expired": 1,
    }

    assert bar_counts(counts) == {"available": 5, "awaiting": 2, "assigned": 3, "returned": 6}
    assert bar_counts({}) == {"available": 0, "awaiting": 0, "assigned": 0, "returned": 0}


def test_an_update_shows_only_the_fields_that_changed_with_nested_settings_flattened() -> None:
    before = {"name": "Shop", "settings": {"currency": "USD", "returns_enabled": True}}
    after = {"name": "Shop", "settings": {"currency": "EUR", "returns_enabled": True}}

    assert changes(before, after) == [("settings.currency", "USD", "EUR")]


def test_a_creation_lists_every_field_and_a_removal_shows_none() -> None:
    assert changes(None, {"name": "Acme", "code": None}) == [("name", None, "Acme")]
    assert changes({"customer_id": "c1"}, None) == [("customer_id", "c1", None)]
