"""Making and revoking an API key in the admin console in a real browser (rule 31): the key
is shown once, works as a bearer token, and stops working when revoked."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

from seatledger.demo import ADMIN_EMAIL
from tests.e2e.browser.conftest import LiveStore, sign_in


def status_with(live_store: LiveStore, key: str) -> int:
    request = urllib.request.Request(
        live_store.url(f"/api/v1/stores/{live_store.slug}/seats"),
        headers={"Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refusal:
        return refusal.code


def test_an_admin_makes_a_key_sees_it_once_and_revokes_it(
    page,  # type: ignore[no-untyped-def]
    live_store: LiveStore,
) -> None:
    name = f"LMS sync {uuid.uuid4().hex[:6]}"
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin")
    page.get_by_role("link", name="API keys").click()
    page.wait_for_load_state()

    page.get_by_label("Name").fill(name)
    page.get_by_label("seats.view").check()
    page.get_by_role("button", name="Make key").click()
    page.wait_for_load_state()
    assert page.get_by_text("it is shown only this once").is_visible()
    key = page.get_by_role("textbox", name="The key").input_value()
    assert key.startswith("slk_")
    assert status_with(live_store, key) == 200

    page.goto(f"/stores/{live_store.slug}/admin/api-keys")
    assert page.get_by_role("cell", name=name, exact=True).is_visible()
    assert key not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Revoke {name}").click()
    page.wait_for_load_state()
    assert page.get_by_text("The API key is revoked").is_visible()
    assert page.get_by_role("cell", name=name, exact=True).count() == 0
    assert status_with(live_store, key) == 401
