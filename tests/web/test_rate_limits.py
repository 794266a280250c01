"""Rate limits on the pages (rule 47): a limited form comes back, filled in, saying when to
retry, with ``Retry-After``; the redemption page answers a guessing address with a 429 page."""

from __future__ import annotations

import pytest

from tests.api.conftest import PASSWORD, STORE, World
from tests.api.test_rate_limits import limit
from tests.web.test_admin_orders import csrf
from tests.web.test_errors import assert_error_page


@pytest.mark.parametrize("path", ["/sign-in", f"/stores/{STORE}/sign-in"])
def test_a_limited_sign_in_form_keeps_the_email_and_says_when_to_retry(
    world: World, path: str
) -> None:
    limit(world, "signin_account=2/minute")
    form = {"csrf_token": csrf(world.client), "email": "owner@example.com", "next": "/x"}
    failures = [world.client.post(path, data={**form, "password": "wrong-one"}) for _ in range(2)]

    refused = world.client.post(path, data={**form, "password": PASSWORD})

    assert [answer.status_code for answer in failures] == [401, 401]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["content-type"].startswith("text/html")
    assert "Too many failed sign-ins for this account: try again in 1 minute." in refused.text
    assert 'name="email" value="owner@example.com"' in refused.text
    assert 'name="next" value="/x"' in refused.text


def test_the_web_and_the_api_count_the_same_failures(world: World) -> None:
    limit(world, "signin_account=2/minute")
    form = {"csrf_token": csrf(world.client), "email": "owner@example.com", "password": "nope"}
    world.client.post("/sign-in", data=form)
    world.client.post("/api/v1/auth/token", json={"email": "owner@example.com", "password": "x"})

    assert world.client.post("/sign-in", data=form).status_code == 429


def test_a_limited_sign_up_form_keeps_what_was_typed(world: World) -> None:
    limit(world, "signup_address=1/hour")
    token = csrf(world.client)
    path = f"/stores/{STORE}/sign-up"
    form = {"csrf_token": token, "name": "Robin Reader", "password": PASSWORD}
    world.client.post(path, data={**form, "email": "first@example.com"})
    world.client.post("/sign-out", data={"csrf_token": csrf(world.client)})

    refused = world.client.post(
        path, data={**form, "csrf_token": csrf(world.client), "email": "second@example.com"}
    )

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3595"
    assert "Too many sign-ups from your address: try again in 1 hour." in refused.text
    assert 'value="second@example.com"' in refused.text
    assert 'value="Robin Reader"' in refused.text


def test_the_redemption_page_answers_a_guessing_address_with_a_429_page(world: World) -> None:
    limit(world, "redeem_address=2/minute")
    guesses = [world.client.get(f"/redeem/guess-{n}") for n in range(2)]

    refused = world.client.get("/redeem/guess-3")

    assert [answer.status_code for answer in guesses] == [404, 404]
    assert_error_page(refused, "rate_limited")
    assert refused.headers["Retry-After"] == "55"
    assert "Too many unknown redemption links tried from your address" in refused.text
