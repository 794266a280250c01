from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from seatledger.domain.store_settings import CardCapture, StoreSettings, StoreSettingsPatch


def test_defaults_are_those_of_the_spec() -> None:
    settings = StoreSettings()

    assert settings.allow_groupless_checkout is False
    assert settings.returns_enabled is True
    assert settings.return_window_days == 30
    assert settings.redemption_link_ttl_days == 30
    assert settings.agents_may_unassign is False
    assert settings.card_capture is CardCapture.IMMEDIATE
    assert settings.currency == "USD"


def test_patch_changes_only_the_given_keys() -> None:
    patched = StoreSettingsPatch(return_window_days=7).apply_to(
        StoreSettings(returns_enabled=False)
    )

    assert (patched.return_window_days, patched.returns_enabled) == (7, False)


@pytest.mark.parametrize(
    "values",
    [
        {"return_window_days": -1},
        {"return_window_days": True},
        {"returns_enabled": 1},
        {"redemption_link_ttl_days": 0},
        {"card_capture": "sometimes"},
        {"currency": "usd"},
        {"surprise": 1},
    ],
)
def test_bad_values_are_refused(values: dict) -> None:
    with pytest.raises(ValidationError):
        StoreSettingsPatch.model_validate(values)


@given(st.integers())
def test_window_days_accepted_exactly_within_bounds(days: int) -> None:
    try:
        StoreSettingsPatch(return_window_days=days)
    except ValidationError:
        assert not 0 <= days <= 3650
    else:
        assert 0 <= days <= 3650
