from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101")
    group = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    world.order(agent, group["id"], quantity=4)
    return {"group": group, "agent": agent}


def bulk(world: World, shop: dict, rows: list[dict], **extra: Any) -> Any:
    body = {"sku": "PY101", "owner_group_id": shop["group"]["id"], "rows": rows, **extra}
    return world.client.post(
        world.url("/seats/bulk-assign"), json=body, headers=shop["agent"].headers
    )


def test_bulk_assignment_applies_every_row(world: World, shop: dict) -> None:
    world.customer("known@example.com")
    rows = [
        {"email": "known@example.com", "mode": "instant"},
        {"email": "new1@example.com"},
        {"email": "new2@example.com"},
    ]

    response = bulk(world, shop, rows)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["applied"] is True
    assert all(row["seat_id"] and row["error"] is None for row in body["rows"])
    statuses = sorted(s["status"] for s in world.seats(shop["agent"]))
    assert statuses == ["assigned", "available", "awaiting", "awaiting"]
    assert len(world.mails_to("new1@example.com")) == 1
    first, second = world.link_token("new1@example.com"), world.link_token("new2@example.com")
    assert first != second
    newcomer = world.customer("new2@example.com")
    redeemed = world.client.post(f"/api/v1/redeem/{second}", json={}, headers=newcomer.headers)
    assert redeemed.status_code == 201
    assert "SEATLEDGER-LINK" not in world.mails_to("new1@example.com")[0].html_body


def test_dry_run_reports_each_rows_problem_and_changes_nothing(world: World, shop: dict) -> None:
    world.customer("enrolled@example.com")
    bulk(world, shop, [{"email": "enrolled@example.com", "mode": "instant"}])
    before = world.audit_count()
    rows = [
        {"email": "fine@example.com"},
        {"email": "not-an-address"},
        {"email": "ghost@example.com", "mode": "instant"},
        {"email": "enrolled@example.com", "mode": "instant"},
        {"email": "FINE@example.com"},
    ]

    response = bulk(world, shop, rows, dry_run=True)

    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False
    assert [row["error"] for row in body["rows"]] == [
        None, "invalid_email", "unknown_customer", "already_enrolled", "duplicate_row",
    ]  # fmt: skip
    assert world.audit_count() == before
    assert (
        sorted(s["status"] for s in world.seats(shop["agent"])) == ["assigned"] + ["available"] * 3
    )


def test_rows_with_problems_apply_nothing(world: World, shop: dict) -> None:
    before = world.audit_count()

    response = bulk(
        world,
        shop,
        [{"email": "fine@example.com"}, {"email": "ghost@example.com", "mode": "instant"}],
    )

    assert (response.status_code, error_code(response)) == (422, "invalid_rows")
    assert response.json()["error"]["rows"] == [
        {"email": "ghost@example.com", "error": "unknown_customer"}
    ]
    assert world.audit_count() == before
    assert world.mails_to("fine@example.com") == []


def test_more_rows_than_available_seats_is_capacity_exceeded(world: World, shop: dict) -> None:
    rows = [{"email": f"p{i}@example.com"} for i in range(5)]
    before = world.audit_count()

    response = bulk(world, shop, rows)

    assert (response.status_code, error_code(response)) == (409, "capacity_exceeded")
    assert world.audit_count() == before
    assert {s["status"] for s in world.seats(shop["agent"])} == {"available"}


def test_agents_of_other_groups_cannot_bulk_assign(world: World, shop: dict) -> None:
    other = world.customer(agent_of=(world.group("West")["id"],))
    body = {
        "sku": "PY101",
        "owner_group_id": shop["group"]["id"],
        "rows": [{"email": "a@example.com"}],
    }

    response = world.client.post(world.url("/seats/bulk-assign"), json=body, headers=other.headers)

    assert (response.status_code, error_code(response)) == (403, "not_agent_of_group")


def test_seeing_seats_is_not_enough_to_bulk_assign_them(world: World, shop: dict) -> None:
    world.settings(allow_groupless_checkout=True)
    world.order(shop["agent"], None, quantity=2)
    viewer = world.customer(permissions=["seats.view"])
    body = {"sku": "PY101", "owner_group_id": None, "rows": [{"email": "x@example.com"}]}

    response = world.client.post(world.url("/seats/bulk-assign"), json=body, headers=viewer.headers)

    assert (response.status_code, error_code(response)) == (409, "capacity_exceeded")
    assert {s["status"] for s in world.seats(world.owner)} == {"available"}
