"""Rate limits over HTTP (rule 47): failed sign-ins per account and per address, sign-ups and
redemption-token guesses per address; 429 ``rate_limited`` with ``Retry-After``.

The suite runs with the limits off; each test here puts a ``Limiter`` with tight limits and a
clock it moves by hand on the app, so nothing waits for real time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from seatledger.db.models import AuditEvent, Customer, RateLimitCounter, User
from seatledger.domain.rate_limits import NAMES, parse_policy, subject_key
from seatledger.services.people import passwords
from seatledger.services.rate_limiting import Limiter
from tests.api.conftest import PASSWORD, World, error_code
from tests.waiting import PATIENCE

TOKEN = "/api/v1/auth/token"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def limit(world: World, text: str) -> Clock:
    """Put these limits (over the suite's ``off``) on the app, with a hand-moved clock."""
    clock = Clock()
    others = [f"{name}=off" for name in NAMES if f"{name}=" not in text]
    policy = parse_policy(",".join([text, *others]))
    world.client.app.state.limiter = Limiter(world.database, policy, clock=clock)  # type: ignore[attr-defined]
    return clock


def sign_in(
    world: World, email: str = "owner@example.com", password: str = "wrong-password"
) -> Any:
    return world.client.post(TOKEN, json={"email": email, "password": password})


def statuses(responses: list[Any]) -> list[int]:
    return [response.status_code for response in responses]


def assert_limited(response: Any, retry_after: int) -> None:
    assert response.status_code == 429, response.text
    assert error_code(response) == "rate_limited"
    assert response.headers["Retry-After"] == str(retry_after)


class CountingHasher:
    """Counts argon2 verifications (refused attempts must not get that far)."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = passwords._hasher

    def verify(self, hash_: str, password: str) -> bool:
        self.calls += 1
        return self.real.verify(hash_, password)


# --- failed sign-ins per account ---------------------------------------------------------------


def test_wrong_passwords_past_the_free_ones_are_refused_before_the_password_is_checked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(world, "signin_account=3/minute")
    failures = [sign_in(world) for _ in range(3)]
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)

    refused = sign_in(world)
    even_the_right_one = sign_in(world, password=PASSWORD)

    assert statuses(failures) == [401, 401, 401]
    assert_limited(refused, 60)
    assert_limited(even_the_right_one, 60)
    assert "try again in 1 minute" in refused.json()["error"]["message"]
    assert hasher.calls == 0


def test_email_case_and_spaces_do_not_make_another_account(world: World) -> None:
    limit(world, "signin_account=2/minute")
    sign_in(world, "Owner@Example.com")
    sign_in(world, " owner@example.com ")

    assert_limited(sign_in(world, "OWNER@EXAMPLE.COM"), 60)


def test_successful_sign_ins_do_not_count(world: World) -> None:
    limit(world, "signin_account=3/minute,signin_address=3/minute")
    successes = [sign_in(world, password=PASSWORD) for _ in range(10)]

    failures = [sign_in(world) for _ in range(3)]

    assert set(statuses(successes)) == {201}
    assert statuses(failures) == [401, 401, 401]
    assert sign_in(world).status_code == 429


def test_a_successful_sign_in_forgets_the_accounts_failures(world: World) -> None:
    limit(world, "signin_account=3/minute")
    before = [sign_in(world) for _ in range(2)]
    assert sign_in(world, password=PASSWORD).status_code == 201

    after = [sign_in(world) for _ in range(3)]

    assert statuses(before + after) == [401] * 5
    assert sign_in(world).status_code == 429


def test_the_accounts_wait_doubles_with_each_failure_and_then_passes(world: World) -> None:
    clock = limit(world, "signin_account=2/minute")
    sign_in(world)
    sign_in(world)
    waits = []
    for _ in range(6):
        refused = sign_in(world)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert sign_in(world).status_code == 401  # allowed again, and wrong again

    assert waits == [60, 120, 240, 480, 900, 900]
    clock.advance(seconds=900)
    assert sign_in(world, password=PASSWORD).status_code == 201


def test_the_wait_counts_from_the_latest_failure(world: World) -> None:
    clock = limit(world, "signin_account=1/minute")
    sign_in(world)
    clock.advance(seconds=45)

    assert_limited(sign_in(world), 15)


def test_failures_are_forgotten_a_day_after_the_latest(world: World) -> None:
    clock = limit(world, "signin_account=2/minute")
    for _ in range(2):
        sign_in(world)
    clock.advance(hours=24, seconds=1)

    again = [sign_in(world) for _ in range(2)]

    assert statuses(again) == [401, 401]
    assert_limited(sign_in(world), 60)


def test_unknown_emails_are_limited_like_real_ones(world: World) -> None:
    limit(world, "signin_account=2/minute")
    for email in ("owner@example.com", "ghost@example.com"):
        for _ in range(2):
            sign_in(world, email)

    assert sign_in(world, "owner@example.com").json() == sign_in(world, "ghost@example.com").json()
    assert sign_in(world, "ghost@example.com").status_code == 429


def test_one_accounts_wait_leaves_other_accounts_alone(world: World) -> None:
    limit(world, "signin_account=2/minute")
    person = world.customer()
    for _ in range(3):
        sign_in(world)

    assert sign_in(world, person.email, PASSWORD).status_code == 201


# --- the lockout event --------------------------------------------------------------------------


def lockouts(world: World) -> list[AuditEvent]:
    with world.database.read() as session:
        query = select(AuditEvent).where(AuditEvent.action == "auth.locked_out")
        return list(session.scalars(query.order_by(AuditEvent.id)))


def test_a_lockout_is_audited_once_about_the_user_without_the_password(world: World) -> None:
    clock = limit(world, "signin_account=3/minute")
    with world.database.read() as session:
        owner_id = session.scalar(select(User.id).where(User.email == "owner@example.com"))
    for _ in range(3):
        sign_in(world, password="s3cret-guess")
    clock.advance(minutes=1)
    sign_in(world, password="s3cret-guess")  # a further failure: the same series

    (event,) = lockouts(world)
    assert (event.store_id, event.actor_id) == (None, None)
    assert (event.entity, event.entity_id) == ("user", owner_id)
    assert event.after == {
        "failures": 3,
        "retry_after_seconds": 60,
        "until": "2026-12-01T10:01:05+00:00",
    }
    assert "s3cret-guess" not in str(event.after) + str(event.before)


def test_a_lockout_of_an_unknown_email_names_the_emails_hash(world: World) -> None:
    limit(world, "signin_account=2/minute")
    for _ in range(2):
        sign_in(world, "Ghost@Example.com")

    (event,) = lockouts(world)
    assert (event.entity, event.entity_id) == ("email", subject_key("ghost@example.com"))


def test_no_lockout_event_before_the_free_failures_are_spent(world: World) -> None:
    limit(world, "signin_account=3/minute")
    for _ in range(2):
        sign_in(world)

    assert lockouts(world) == []


# --- failed sign-ins per address ----------------------------------------------------------------


def test_failed_sign_ins_from_one_address_are_limited_per_window(world: World) -> None:
    clock = limit(world, "signin_address=4/minute")
    failures = [sign_in(world, f"person{n}@example.com") for n in range(4)]

    refused = sign_in(world, "someone.else@example.com")
    clock.advance(seconds=55)  # the window started at 10:00:00; it is now 10:01:00
    next_window = sign_in(world, "someone.else@example.com")

    assert statuses(failures) == [401] * 4
    assert_limited(refused, 55)
    assert "from your address" in refused.json()["error"]["message"]
    assert next_window.status_code == 401


# --- sign-ups -----------------------------------------------------------------------------------


def customers(world: World) -> int:
    with world.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Customer)) or 0)


def sign_up(world: World, email: str) -> Any:
    body = {"email": email, "name": "Pat", "password": PASSWORD}
    return world.client.post(world.url("/customers"), json=body)


def test_sign_ups_from_one_address_are_limited(world: World) -> None:
    limit(world, "signup_address=2/hour")
    made = [sign_up(world, f"new{n}@example.com") for n in range(2)]
    existing = customers(world)

    refused = sign_up(world, "new3@example.com")

    assert statuses(made) == [201, 201]
    assert_limited(refused, 3595)  # the hour's window ends at 11:00:00; it is 10:00:05
    assert customers(world) == existing


def test_sign_ups_that_fail_the_form_checks_do_not_count(world: World) -> None:
    limit(world, "signup_address=1/hour")
    short = world.client.post(
        world.url("/customers"), json={"email": "a@example.com", "name": "A", "password": "x"}
    )

    assert short.status_code == 422
    assert sign_up(world, "a@example.com").status_code == 201


# --- redemption-token guesses -------------------------------------------------------------------


def test_unknown_redemption_tokens_from_one_address_are_limited(world: World) -> None:
    clock = limit(world, "redeem_address=2/minute")
    guesses = [world.client.get(f"/api/v1/redeem/guess-{n}") for n in range(2)]

    refused = world.client.get("/api/v1/redeem/guess-3")
    refused_post = world.client.post("/api/v1/redeem/guess-4", json={})
    clock.advance(minutes=1)

    assert statuses(guesses) == [404, 404]
    assert error_code(guesses[0]) == "link_not_found"
    assert_limited(refused, 55)
    assert_limited(refused_post, 55)
    assert world.client.get("/api/v1/redeem/guess-5").status_code == 404


def test_lookups_of_real_links_do_not_count(world: World) -> None:
    limit(world, "redeem_address=1/minute")
    world.product("PY101")
    group = world.group()
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    world.order(agent, group["id"], quantity=1)
    (seat,) = world.seats(agent)
    world.act(agent, seat["id"], "redemption-link", {"email": "learner@example.com"})
    token = world.link_token("learner@example.com")

    looks = [world.client.get(f"/api/v1/redeem/{token}") for _ in range(5)]

    assert statuses(looks) == [200] * 5
    assert world.client.get("/api/v1/redeem/guess").status_code == 404
    assert world.client.get(f"/api/v1/redeem/{token}").status_code == 429


# --- off ----------------------------------------------------------------------------------------


def test_off_lets_every_attempt_through(world: World) -> None:
    world.client.app.state.limiter = Limiter(world.database, parse_policy("off"))  # type: ignore[attr-defined]

    failures = [sign_in(world) for _ in range(20)]
    guesses = [world.client.get(f"/api/v1/redeem/guess-{n}") for n in range(20)]

    assert set(statuses(failures)) == {401}
    assert set(statuses(guesses)) == {404}
    assert sign_in(world, password=PASSWORD).status_code == 201
    with world.database.read() as session:
        assert session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0


# --- no transaction around the password check ---------------------------------------------------


def test_the_password_is_checked_while_other_writers_can_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write started from another thread during the argon2 check finishes during it (on
    SQLite a sign-in used to hold the writer's turn through the check)."""
    limit(world, "signin_account=5/minute,signin_address=5/minute")
    real = passwords._hasher
    finished: list[bool] = []

    class WritingHasher:
        def verify(self, hash_: str, password: str) -> bool:
            writer = threading.Thread(target=_write, args=(world,))
            writer.start()
            writer.join(timeout=PATIENCE)
            finished.append(not writer.is_alive())
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", WritingHasher())
    assert sign_in(world).status_code == 401
    assert sign_in(world, password=PASSWORD).status_code == 201

    assert finished == [True, True]


def _write(world: World) -> None:
    with world.database.write() as session:
        session.execute(update(User).where(User.email == "nobody@example.com").values(name="X"))
