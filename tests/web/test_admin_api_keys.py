"""The admin console's API keys page over TestClient (rule 31): made with the key shown in
that one answer, listed without it, revoked; the audit trail names a key that acted."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import STORE, World
from tests.web.test_admin_orders import sign_in

PAGE = f"/stores/{STORE}/admin/api-keys"


def shown_key(html: str) -> str | None:
    match = re.search(r'id="new-key"[^>]*value="(slk_[A-Za-z0-9_-]+)"', html)
    return match.group(1) if match else None


def test_a_manager_makes_sees_once_and_revokes_a_key(world: World, client: TestClient) -> None:
    manager = world.customer(permissions=["store.manage", "seats.view", "audit.view"])
    token = sign_in(client, manager)
    listing = client.get(PAGE)
    assert listing.status_code == 200 and "Make a key" in listing.text
    assert 'href="/stores/acme/admin/api-keys"' in listing.text  # in the console's tabs
    assert 'value="seats.manage"' not in listing.text  # only what the manager holds is offered

    made = client.post(
        PAGE,
        data={"name": "LMS sync", "permissions": ["seats.view"], "csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 201
    key = shown_key(made.text)
    assert key is not None
    assert world.client.get(
        world.url("/seats"), headers={"Authorization": f"Bearer {key}"}
    ).is_success

    again = client.get(PAGE)
    assert "LMS sync" in again.text and key not in again.text and shown_key(again.text) is None
    key_id = re.search(r'/api-keys/(\w+)/revoke"', again.text)
    assert key_id
    revoked = client.post(f"{PAGE}/{key_id.group(1)}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 200 and "The API key is revoked" in revoked.text
    refused = world.client.get(world.url("/seats"), headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401


def test_too_much_is_refused_as_a_sentence(world: World, client: TestClient) -> None:
    manager = world.customer(permissions=["store.manage"])
    token = sign_in(client, manager)
    answer = client.post(
        PAGE, data={"name": "K", "permissions": ["seats.manage"], "csrf_token": token}
    )
    assert answer.status_code == 200
    assert "A key cannot hold what you do not" in answer.text and shown_key(answer.text) is None


def test_others_get_no_page_and_no_tab(world: World, client: TestClient) -> None:
    viewer = world.customer(permissions=["seats.view"])
    sign_in(client, viewer)
    assert client.get(PAGE).status_code == 403
    assert "/admin/api-keys" not in client.get(f"/stores/{STORE}/admin/audit").text


def test_the_audit_trail_page_names_the_key_that_acted(world: World, client: TestClient) -> None:
    made = world.ok(
        world.client.post(
            world.url("/api-keys"),
            json={"name": "Payroll bot", "permissions": ["groups.manage"]},
            headers=world.owner.headers,
        )
    )
    world.ok(
        world.client.post(
            world.url("/groups"),
            json={"name": "Made by a bot"},
            headers={"Authorization": f"Bearer {made['key']}"},
        )
    )
    auditor = world.customer(permissions=["audit.view"])
    sign_in(client, auditor)
    trail = client.get(f"/stores/{STORE}/admin/audit").text
    assert "API key Payroll bot" in trail
    assert "made by owner@example.com" in trail
