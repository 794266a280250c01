"""The store settings form (web/settings_form.py): fields from the settings model, and
typed text read back into a patch or into a sentence per field."""

from __future__ import annotations

from seatledger.domain.store_settings import CardCapture, StoreSettings
from seatledger.web import settings_form

VALID = {
    "allow_groupless_checkout": "on",
    "return_window_days": "45",
    "redemption_link_ttl_days": "30",
    "card_capture": "manual",
    "currency": "EUR",
    "max_quantity_per_line": "500",
    "seat_redeem_within_days": "",
    "link_reminder_days": "7, 21",
    "expiry_warning_days": "3",
}


def test_every_setting_has_a_field_of_the_right_kind() -> None:
    fields = {f.key: f for f in settings_form.fields(StoreSettings())}

    assert set(fields) == set(StoreSettings.model_fields)
    assert fields["returns_enabled"].kind == "checkbox"
    assert fields["return_window_days"].kind == "number"
    assert fields["seat_redeem_within_days"].kind == "number"
    assert fields["seat_redeem_within_days"].optional
    assert fields["card_capture"].options == ["immediate", "manual"]
    assert fields["currency"].kind == "text"


def test_a_filled_form_becomes_a_patch_and_unticked_boxes_are_false() -> None:
    patch, problems = settings_form.parse(VALID)

    assert problems == {}
    assert patch is not None
    assert patch.allow_groupless_checkout is True
    assert patch.returns_enabled is False
    assert patch.return_window_days == 45
    assert patch.card_capture is CardCapture.MANUAL
    assert patch.seat_redeem_within_days is None  # empty: left as it is
    assert patch.link_reminder_days == [7, 21]


def test_reminder_days_are_a_list_typed_with_commas_and_empty_turns_them_off() -> None:
    fields = {f.key: f for f in settings_form.fields(StoreSettings())}
    assert (fields["link_reminder_days"].kind, fields["link_reminder_days"].value) == (
        "days",
        "7, 21",
    )

    patch, _ = settings_form.parse({**VALID, "link_reminder_days": "21 ,3, 7"})
    assert patch is not None and patch.link_reminder_days == [3, 7, 21]
    patch, _ = settings_form.parse({**VALID, "link_reminder_days": ""})
    assert patch is not None and patch.link_reminder_days == []

    patch, problems = settings_form.parse({**VALID, "link_reminder_days": "7, soon"})
    assert patch is None
    assert problems == {
        "link_reminder_days": "Enter whole numbers separated by commas, e.g. 7, 21."
    }
    patch, problems = settings_form.parse({**VALID, "link_reminder_days": "0"})
    assert patch is None and problems == {"link_reminder_days": "Use at least 1."}


def test_bad_values_get_a_sentence_each() -> None:
    patch, problems = settings_form.parse(
        {**VALID, "return_window_days": "lots", "max_quantity_per_line": ""}
    )
    assert patch is None
    assert problems == {
        "return_window_days": "'lots' is not a whole number.",
        "max_quantity_per_line": "Enter a whole number.",
    }

    patch, problems = settings_form.parse(
        {**VALID, "currency": "usd", "return_window_days": "99999", "redemption_link_ttl_days": "0"}
    )
    assert patch is None
    assert problems == {
        "currency": "Use a three-letter currency code in capitals, such as USD.",
        "return_window_days": "Use at most 3650.",
        "redemption_link_ttl_days": "Use at least 1.",
    }


def test_what_was_typed_is_shown_again() -> None:
    fields = {f.key: f for f in settings_form.fields(StoreSettings(), {**VALID, "currency": "x"})}

    assert fields["currency"].value == "x"
    assert fields["allow_groupless_checkout"].value is True
    assert fields["returns_enabled"].value is False


def as_sent(current: StoreSettings) -> dict[str, str]:
    """What the browser sends for an untouched form: each value and the value shown."""
    sent = {}
    for field in settings_form.fields(current):
        sent[field.was_key] = field.was
        if field.was or field.kind != "checkbox":  # an unticked box is not sent
            sent[field.key] = field.was
    return sent


def test_only_the_fields_the_admin_changed_go_into_the_patch() -> None:
    untouched = as_sent(StoreSettings())

    patch, problems = settings_form.parse({**untouched, "currency": "EUR"})
    nothing, _ = settings_form.parse(untouched)

    assert problems == {}
    assert patch is not None and patch.model_dump(exclude_none=True) == {"currency": "EUR"}
    assert nothing is not None and nothing.model_dump(exclude_none=True) == {}


def test_unticking_a_box_that_was_ticked_is_a_change() -> None:
    untouched = as_sent(StoreSettings(returns_enabled=True))
    del untouched["returns_enabled"]

    patch, problems = settings_form.parse(untouched)

    assert problems == {}
    assert patch is not None and patch.model_dump(exclude_none=True) == {"returns_enabled": False}
