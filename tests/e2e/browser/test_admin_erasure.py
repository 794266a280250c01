"""Erasing a customer from the admin console in a real browser (rule 49): the confirmation
names the person and what happens, and the list then shows the pseudonym."""

from __future__ import annotations

import re
import uuid

from seatledger.demo import ADMIN_EMAIL
from seatledger.services.people import customers
from tests.e2e.browser.conftest import LiveStore, sign_in


def test_an_admin_erases_a_customer_after_reading_what_happens(
    page,  # type: ignore[no-untyped-def]
    live_store: LiveStore,
) -> None:
    email = f"{uuid.uuid4().hex[:10]}@erasure.example.com"
    customers.sign_up(
        live_store.database, live_store.slug, email=email, name="Ezra Erasable",
        password=live_store.password,
    )  # fmt: skip
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/customers?email={email}")

    page.get_by_role("link", name="Erase Ezra Erasable").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Erase Ezra Erasable ({email})?").is_visible()
    assert page.get_by_text("they are signed out everywhere and can no longer sign in").is_visible()
    page.get_by_role("button", name="Erase Ezra Erasable").click()
    page.wait_for_load_state()

    flash = page.locator("p.flash").first.inner_text()
    assert re.fullmatch(
        r"Erased\. The customer now shows as Erased person, erased-\w+@erased\.invalid\.", flash
    )
    page.goto(f"/stores/{live_store.slug}/admin/customers?email={email}")
    assert page.get_by_text(f"No customer has the email {email}.").is_visible()
