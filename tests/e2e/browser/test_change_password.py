"""Changing one's password in the browser (rules 47-48): this session stays signed in, the
other browser is signed out."""

from __future__ import annotations

import uuid

from seatledger.services.people import customers
from tests.e2e.browser.conftest import LiveStore, playwright_api, sign_in

expect = playwright_api.expect
OLD, NEW = "an old passphrase", "a newer passphrase"


def test_changing_the_password_keeps_this_session_and_ends_the_other(
    new_page, live_store: LiveStore
) -> None:  # type: ignore[no-untyped-def]
    email = f"changer-{uuid.uuid4().hex[:8]}@example.com"
    customers.sign_up(live_store.database, live_store.slug, email=email, name="Chang", password=OLD)
    here, elsewhere = new_page(), new_page()
    sign_in(here, live_store, email, OLD)
    sign_in(elsewhere, live_store, email, OLD)

    here.get_by_role("link", name="Change password").click()
    here.get_by_label("Current password").fill(OLD)
    here.get_by_label("New password", exact=True).fill("password123")
    here.get_by_label("New password again").fill("password123")
    here.get_by_role("button", name="Change password").click()
    expect(here.get_by_role("alert")).to_contain_text("on a list of commonly used passwords")

    here.get_by_label("Current password").fill(OLD)
    here.get_by_label("New password", exact=True).fill(NEW)
    here.get_by_label("New password again").fill(NEW)
    here.get_by_role("button", name="Change password").click()

    expect(here.get_by_text("Your password is changed; 1 other session")).to_be_visible()
    expect(here.get_by_role("button", name="Sign out")).to_be_visible()
    elsewhere.reload()
    expect(elsewhere.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(elsewhere, live_store, email, NEW)
    expect(elsewhere.get_by_role("button", name="Sign out")).to_be_visible()
