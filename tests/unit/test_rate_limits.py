"""The rate-limit policy and its arithmetic (rule 47): parsing, windows, progressive waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from seatledger.config import Settings
from seatledger.domain.rate_limits import (
    DEFAULTS,
    NAMES,
    Limit,
    account_wait,
    describe_policy,
    describe_wait,
    parse_policy,
    whole_seconds,
    window_start,
)

MINUTE = timedelta(minutes=1)


def test_empty_text_means_the_documented_defaults() -> None:
    assert dict(parse_policy("")) == dict(DEFAULTS)
    assert describe_policy(parse_policy("")) == (
        "signin_account=5/minute,signin_address=100/hour,"
        "signup_address=50/hour,redeem_address=30/hour"
    )


def test_off_turns_every_limit_off() -> None:
    assert dict(parse_policy(" OFF ")) == dict.fromkeys(NAMES)


def test_overrides_replace_only_the_limits_they_name() -> None:
    policy = parse_policy("signin_account=3/second, redeem_address=off")

    assert policy["signin_account"] == Limit(3, timedelta(seconds=1))
    assert policy["redeem_address"] is None
    assert policy["signup_address"] == DEFAULTS["signup_address"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("signin_acount=5/minute", "'signin_acount=5/minute' is not name=N/period"),
        ("signin_account", "'signin_account' is not name=N/period"),
        ("signin_account=5/day", "signin_account='5/day' is not N/period"),
        ("signin_account=0/minute", "signin_account='0/minute' is not N/period"),
        ("signin_account=-1/minute", "signin_account='-1/minute' is not N/period"),
        ("signin_account=five/minute", "signin_account='five/minute' is not N/period"),
        ("signin_account=5", "signin_account='5' is not N/period"),
        ("signup_address=1/hour,signup_address=2/hour", "signup_address is given twice"),
        ("signin_account=5/minute,", "'' is not name=N/period"),
    ],
)
def test_unreadable_text_is_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="SEATLEDGER_RATE_LIMITS") as refused:
        parse_policy(text)

    assert problem in str(refused.value)


def test_settings_refuse_unreadable_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEATLEDGER_RATE_LIMITS", "signin_account=5/fortnight")

    with pytest.raises(ValidationError, match="signin_account='5/fortnight' is not N/period"):
        Settings()


def test_settings_read_the_policy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEATLEDGER_RATE_LIMITS", "signup_address=2/minute")

    assert Settings().rate_limit_policy["signup_address"] == Limit(2, MINUTE)


def test_the_account_waits_after_its_free_failures_doubling_up_to_fifteen_minutes() -> None:
    limit = Limit(5, MINUTE)

    waits = [account_wait(failures, limit) / MINUTE for failures in range(1, 12)]

    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 15, 15, 15]
    assert account_wait(10_000, limit) == timedelta(minutes=15)


def test_a_period_longer_than_the_cap_is_the_cap() -> None:
    assert account_wait(1, Limit(1, timedelta(hours=1))) == timedelta(hours=1)
    assert account_wait(3, Limit(1, timedelta(hours=1))) == timedelta(hours=1)


def test_windows_start_on_multiples_of_the_period() -> None:
    now = datetime(2026, 12, 1, 10, 41, 7, 500_000, tzinfo=UTC)

    assert window_start(now, Limit(1, MINUTE)) == datetime(2026, 12, 1, 10, 41, tzinfo=UTC)
    assert window_start(now, Limit(1, timedelta(hours=1))) == datetime(2026, 12, 1, 10, tzinfo=UTC)


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one() -> None:
    assert whole_seconds(timedelta(seconds=59.01)) == 60
    assert whole_seconds(timedelta(0)) == 1


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(1, "1 second"), (42, "42 seconds"), (60, "1 minute"), (61, "2 minutes"), (3600, "1 hour")],
)
def test_waits_are_said_in_words(seconds: int, said: str) -> None:
    assert describe_wait(seconds) == said
