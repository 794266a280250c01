"""Sign-in, sign-up, sign-out and CSRF protection, in a real browser."""

from __future__ import annotations

import re

import httpx

from seatledger.demo import ADMIN_EMAIL, AGENT_EMAIL
from tests.e2e.browser.conftest import LiveStore, screenshot, sign_in


def test_agent_signs_in_sees_the_portal_link_and_signs_out(page, live_store: LiveStore) -> None:
    page.goto(f"/stores/{live_store.slug}/sign-in")
    screenshot(page, "sign-in")
    sign_in(page, live_store, AGENT_EMAIL)

    assert page.url.endswith(f"/stores/{live_store.slug}")
    assert page.get_by_role("link", name="Agent portal").is_visible()
    assert page.get_by_role("link", name="Admin console").count() == 0

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are signed out.").is_visible()
    page.goto(f"/stores/{live_store.slug}")
    assert page.get_by_role("link", name="Agent portal").count() == 0


def test_admin_sees_the_admin_console_link(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)

    assert page.get_by_role("link", name="Admin console").is_visible()


def test_a_wrong_password_is_refused_with_a_sentence(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, AGENT_EMAIL, "not-the-password")

    assert page.get_by_role("alert").inner_text() == "The email or the password is wrong."
    assert page.get_by_label("Email").input_value() == AGENT_EMAIL


def test_sign_up_then_land_in_the_store_signed_in(page, live_store: LiveStore) -> None:
    page.goto(f"/stores/{live_store.slug}/sign-up")
    page.get_by_label("Email").fill("new.customer@example.com")
    page.get_by_label("Your name").fill("New Customer")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Create account").click()

    assert page.get_by_text("Welcome to").is_visible()
    assert page.get_by_role("link", name="My training").is_visible()


def test_a_page_needing_sign_in_sends_you_there_and_back(page, live_store: LiveStore) -> None:
    page.goto(f"/stores/{live_store.slug}/training")
    assert "/sign-in?next=" in page.url

    page.get_by_label("Email").fill(AGENT_EMAIL)
    page.get_by_label("Password").fill(live_store.password)
    page.get_by_role("button", name="Sign in").click()

    assert re.search(r"/stores/[^/]+/training$", page.url)


def _session_cookie_and_csrf(client: httpx.Client, live_store: LiveStore) -> str:
    form = client.get(f"/stores/{live_store.slug}/sign-in").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert match
    return match.group(1)


def test_forms_without_the_csrf_token_are_refused(live_store: LiveStore) -> None:
    with httpx.Client(base_url=live_store.base_url) as client:
        token = _session_cookie_and_csrf(client, live_store)
        fields = {"email": AGENT_EMAIL, "password": live_store.password}

        missing = client.post(f"/stores/{live_store.slug}/sign-in", data=fields)
        wrong = client.post(
            f"/stores/{live_store.slug}/sign-in", data={**fields, "csrf_token": "forged"}
        )
        right = client.post(
            f"/stores/{live_store.slug}/sign-in", data={**fields, "csrf_token": token}
        )

    assert missing.status_code == 403 and "csrf_failed" in missing.text
    assert wrong.status_code == 403 and "csrf_failed" in wrong.text
    assert right.status_code == 303


def test_a_cookie_replayed_after_sign_out_is_not_signed_in(live_store: LiveStore) -> None:
    with httpx.Client(base_url=live_store.base_url) as client:
        token = _session_cookie_and_csrf(client, live_store)
        client.post(
            f"/stores/{live_store.slug}/sign-in",
            data={"email": AGENT_EMAIL, "password": live_store.password, "csrf_token": token},
        )
        stolen = dict(client.cookies)
        assert "Agent portal" in client.get(f"/stores/{live_store.slug}").text
        after_sign_in = re.search(
            r'name="csrf_token" value="([^"]+)"', client.get(f"/stores/{live_store.slug}").text
        )
        assert after_sign_in
        client.post("/sign-out", data={"csrf_token": after_sign_in.group(1)})

    with httpx.Client(base_url=live_store.base_url, cookies=stolen) as replay:
        assert "Agent portal" not in replay.get(f"/stores/{live_store.slug}").text


def test_an_unknown_page_answers_404_in_html(live_store: LiveStore) -> None:
    answer = httpx.get(f"{live_store.base_url}/stores/{live_store.slug}/no-such-page")

    assert answer.status_code == 404
    assert "text/html" in answer.headers["content-type"]
    assert "There is no such page" in answer.text
