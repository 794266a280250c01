"""Rule 31: API keys for machine clients: made by ``store.manage``, shown once, stored
hashed, scoped to chosen permissions or agent groups of one store, revocable; the audit
trail names the key as the actor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from seatledger.db.base import utcnow
from seatledger.db.models import ApiKey, AuditEvent
from seatledger.domain.tokens import hash_token
from tests.api.conftest import STORE, Person, World, error_code

KEYS = f"/api/v1/stores/{STORE}/api-keys"
SUMMARY = {
    "id", "name", "permissions", "agent_group_ids", "created_by", "created_by_email",
    "created_at", "expires_at", "last_used_at",
}  # fmt: skip


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_key(world: World, by: Person | None = None, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "LMS sync")
    answer = world.client.post(KEYS, json=body, headers=(by or world.owner).headers)
    return dict(world.ok(answer, 201))


@pytest.fixture
def seats(world: World) -> dict[str, Any]:
    """Two groups with seats bought into each."""
    world.product()
    east, west = world.group("East"), world.group("West")
    buyer = world.customer(permissions=["orders.manage"])
    world.order(buyer, east["id"], quantity=2)
    world.order(buyer, west["id"], quantity=2)
    all_seats = world.seats(world.owner)
    by_group = {
        group["id"]: [s["id"] for s in all_seats if s["owner_group_id"] == group["id"]]
        for group in (east, west)
    }
    return {"east": east, "west": west, "by_group": by_group}


def test_a_key_is_made_shown_once_listed_without_it_and_revoked(world: World) -> None:
    made = make_key(world, permissions=["seats.view"])

    assert made["key"].startswith("slk_") and len(made["key"]) > 40
    assert set(made) == SUMMARY | {"key"}
    assert made["permissions"] == ["seats.view"] and made["created_by_email"] == "owner@example.com"
    with world.database.read() as session:
        row = session.get(ApiKey, made["id"])
        assert row is not None and row.key_hash == hash_token(made["key"])
        assert made["key"] not in str(row.__dict__)
    listed = world.ok(world.client.get(KEYS, headers=world.owner.headers))
    assert [k["id"] for k in listed["items"]] == [made["id"]]
    assert set(listed["items"][0]) == SUMMARY  # never the key
    assert made["key"] not in str(listed)

    assert world.client.get(world.url("/seats"), headers=bearer(made["key"])).status_code == 200
    revoked = world.client.delete(f"{KEYS}/{made['id']}", headers=world.owner.headers)
    assert revoked.status_code == 204
    refused = world.client.get(world.url("/seats"), headers=bearer(made["key"]))
    assert refused.status_code == 401 and error_code(refused) == "invalid_token"
    assert world.ok(world.client.get(KEYS, headers=world.owner.headers))["items"] == []
    again = world.client.delete(f"{KEYS}/{made['id']}", headers=world.owner.headers)
    assert again.status_code == 404 and error_code(again) == "api_key_not_found"


def test_a_seats_view_key_reads_seats_but_neither_assigns_nor_manages(
    world: World, seats: dict[str, Any]
) -> None:
    key = make_key(world, permissions=["seats.view"])["key"]
    seat_id = seats["by_group"][seats["east"]["id"]][0]

    assert len(world.ok(world.client.get(world.url("/seats"), headers=bearer(key)))["items"]) == 4
    assigned = world.client.post(
        world.url(f"/seats/{seat_id}/assign"), json={"email": "l@example.com"}, headers=bearer(key)
    )
    assert assigned.status_code in (403, 404), assigned.text
    for method, path, body in [
        ("patch", world.url(""), {"name": "Taken"}),
        ("post", world.url("/groups"), {"name": "New"}),
        ("get", world.url("/audit"), None),
        ("get", world.url("/orders"), None),
    ]:
        answer = world.client.request(method, path, json=body, headers=bearer(key))
        if path.endswith("/orders"):  # the list of one's own orders: a key has none
            assert answer.status_code == 200 and answer.json()["items"] == []
            continue
        assert answer.status_code == 403, (path, answer.text)
        assert error_code(answer) == "permission_denied"


def test_an_agent_key_sees_and_assigns_only_in_its_groups(
    world: World, seats: dict[str, Any]
) -> None:
    east, west = seats["east"]["id"], seats["west"]["id"]
    key = make_key(world, agent_group_ids=[east])["key"]

    visible = world.ok(world.client.get(world.url("/seats"), headers=bearer(key)))["items"]
    assert {s["owner_group_id"] for s in visible} == {east}
    west_seat = seats["by_group"][west][0]
    hidden = world.client.get(world.url(f"/seats/{west_seat}"), headers=bearer(key))
    assert hidden.status_code == 404
    east_seat = seats["by_group"][east][0]
    world.customer("learner@example.com")
    assigned = world.client.post(
        world.url(f"/seats/{east_seat}/assign"),
        json={"email": "learner@example.com"},
        headers=bearer(key),
    )
    assert assigned.status_code == 200, assigned.text


def test_expired_and_unknown_keys_are_refused(world: World) -> None:
    made = make_key(world, permissions=["seats.view"])
    with world.database.write() as session:
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == made["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    for key in (made["key"], "slk_" + "x" * 43):
        refused = world.client.get(world.url("/seats"), headers=bearer(key))
        assert refused.status_code == 401 and error_code(refused) == "invalid_token"


def test_an_expiry_in_the_past_is_refused_and_a_future_one_kept(world: World) -> None:
    past = world.client.post(
        KEYS,
        json={"name": "Old", "permissions": ["seats.view"], "expires_at": "2020-01-01T00:00:00Z"},
        headers=world.owner.headers,
    )
    assert past.status_code == 422 and error_code(past) == "invalid_expiry"
    soon = (utcnow() + timedelta(days=30)).replace(microsecond=0)
    made = make_key(world, permissions=["seats.view"], expires_at=soon.isoformat())
    assert made["expires_at"].startswith(soon.strftime("%Y-%m-%dT%H:%M:%S"))
    assert world.client.get(world.url("/seats"), headers=bearer(made["key"])).status_code == 200


def test_a_key_of_one_store_is_an_outsider_in_another(world: World) -> None:
    key = make_key(world, permissions=["seats.view", "store.manage"])["key"]
    world.ok(
        world.client.post(
            "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
        )
    )
    for path in ("/api/v1/stores/other/seats", "/api/v1/stores/other/audit"):
        refused = world.client.get(path, headers=bearer(key))
        assert refused.status_code == 403 and error_code(refused) == "not_a_customer"
    made = world.client.post(
        "/api/v1/stores", json={"slug": "third", "name": "Third"}, headers=bearer(key)
    )
    assert made.status_code == 403


def test_a_key_cannot_hold_more_than_its_creator(world: World, seats: dict[str, Any]) -> None:
    manager = world.customer(permissions=["store.manage", "seats.view"])
    too_much = world.client.post(
        KEYS, json={"name": "K", "permissions": ["seats.manage"]}, headers=manager.headers
    )
    assert too_much.status_code == 403 and error_code(too_much) == "api_key_exceeds_creator"
    group = world.client.post(
        KEYS, json={"name": "K", "agent_group_ids": [seats["east"]["id"]]}, headers=manager.headers
    )
    assert group.status_code == 403 and error_code(group) == "api_key_exceeds_creator"
    unknown = world.client.post(
        KEYS, json={"name": "K", "agent_group_ids": ["0" * 32]}, headers=world.owner.headers
    )
    assert unknown.status_code == 404
    empty = world.client.post(KEYS, json={"name": "K"}, headers=world.owner.headers)
    assert empty.status_code == 422 and error_code(empty) == "api_key_empty"

    agent = world.customer(permissions=["store.manage"], agent_of=(seats["east"]["id"],))
    assert make_key(world, agent, agent_group_ids=[seats["east"]["id"]])["agent_group_ids"]
    assert make_key(world, manager, permissions=["seats.view"])["permissions"] == ["seats.view"]


def test_a_key_loses_what_its_creator_loses(world: World) -> None:
    manager = world.customer(permissions=["store.manage", "audit.view"])
    key = make_key(world, manager, permissions=["audit.view"])["key"]
    assert world.client.get(world.url("/audit"), headers=bearer(key)).status_code == 200

    world.ok(
        world.client.put(
            world.url(f"/admins/{manager.id}"),
            json={"permissions": ["store.manage"]},
            headers=world.owner.headers,
        )
    )
    assert world.client.get(world.url("/audit"), headers=bearer(key)).status_code == 403

    world.ok(
        world.client.put(
            world.url(f"/admins/{manager.id}"),
            json={"permissions": ["audit.view"]},
            headers=world.owner.headers,
        )
    )
    gone = world.client.get(world.url("/audit"), headers=bearer(key))
    assert gone.status_code == 401 and error_code(gone) == "invalid_token"


def test_only_store_managers_and_never_keys_manage_keys(world: World) -> None:
    viewer = world.customer(permissions=["seats.view", "audit.view"])
    for method in ("get", "post"):
        answer = world.client.request(
            method, KEYS, json={"name": "K", "permissions": ["seats.view"]}, headers=viewer.headers
        )
        assert answer.status_code == 403 and error_code(answer) == "permission_denied"
    made = make_key(world, permissions=["seats.view"])
    denied = world.client.delete(f"{KEYS}/{made['id']}", headers=viewer.headers)
    assert denied.status_code == 403
    anonymous = world.client.get(KEYS)
    assert anonymous.status_code == 401
    blank = world.client.post(KEYS, json={"name": "K", "expires_at": "2000-01-01T00:00:00Z"})
    assert blank.status_code == 401  # who may is checked before the body
    refused_body = world.client.post(KEYS, json={"name": "K"}, headers=viewer.headers)
    assert refused_body.status_code == 403

    manager_key = make_key(world, permissions=["store.manage"])["key"]
    for method in ("get", "post"):
        answer = world.client.request(
            method,
            KEYS,
            json={"name": "K", "permissions": ["seats.view"]},
            headers=bearer(manager_key),
        )
        assert answer.status_code == 403 and error_code(answer) == "api_key_not_allowed"


def test_a_key_is_not_a_person(world: World, seats: dict[str, Any]) -> None:
    key = make_key(world, permissions=["seats.manage", "orders.manage"])["key"]
    for method, path in [
        ("get", "/api/v1/auth/tokens"),
        ("delete", "/api/v1/auth/tokens"),
        ("post", "/api/v1/auth/password"),
    ]:
        answer = world.client.request(
            method,
            path,
            json={"current_password": "x", "new_password": "y" * 20},
            headers=bearer(key),
        )
        assert answer.status_code == 403, (path, answer.text)
        assert error_code(answer) == "api_key_not_allowed"
    order = world.checkout(Person(email="", token=key), seats["east"]["id"], quantity=1)
    assert order.status_code == 422 and error_code(order) == "buyer_required"


def test_changes_made_with_a_key_name_it_as_the_actor(world: World, seats: dict[str, Any]) -> None:
    made = make_key(world, permissions=["seats.manage"], name="Payroll bot")
    seat_id = seats["by_group"][seats["east"]["id"]][0]
    world.customer("learner@example.com")
    world.ok(
        world.client.post(
            world.url(f"/seats/{seat_id}/assign"),
            json={"email": "learner@example.com"},
            headers=bearer(made["key"]),
        ),
        200,
    )
    events = world.ok(
        world.client.get(
            world.url("/audit"), params={"seat_id": seat_id}, headers=world.owner.headers
        )
    )["items"]
    trail = world.ok(world.client.get(world.url("/audit"), headers=world.owner.headers))["items"]
    created = [e for e in trail if e["action"] == "api_key.created"]
    assert created[0]["entity_id"] == made["id"] and created[0]["actor_api_key_id"] is None
    by_key = [e for e in events if e["actor_api_key_id"] == made["id"]]
    assert {e["action"] for e in by_key} >= {"seat.assigned"}, events
    assert all(e["actor_id"] == created[0]["actor_id"] for e in by_key)  # its creator
    assert created[0]["after"]["name"] == "Payroll bot" and made["key"] not in str(trail)
    world.client.delete(f"{KEYS}/{made['id']}", headers=world.owner.headers)
    with world.database.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == made["id"])
        ).all()
    assert sorted(actions) == ["api_key.created", "api_key.revoked"]


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    made = make_key(world, permissions=["seats.view"])
    assert made["last_used_at"] is None
    world.client.get(world.url("/seats"), headers=bearer(made["key"]))
    first = world.ok(world.client.get(KEYS, headers=world.owner.headers))["items"][0]
    assert first["last_used_at"] is not None
    world.client.get(world.url("/seats"), headers=bearer(made["key"]))
    second = world.ok(world.client.get(KEYS, headers=world.owner.headers))["items"][0]
    assert second["last_used_at"] == first["last_used_at"]
