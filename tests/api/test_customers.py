from __future__ import annotations

import pytest

from tests.api.conftest import PASSWORD, World, error_code


def test_sign_up_returns_the_customer_with_a_lower_case_email(world: World) -> None:
    response = world.client.post(
        world.url("/customers"),
        json={"email": "Jane.Doe@Example.COM", "name": "Jane", "password": PASSWORD},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "jane.doe@example.com"
    assert body["name"] == "Jane"
    assert "password" not in str(body).lower()


def test_duplicate_email_differing_only_in_case_is_taken(world: World) -> None:
    world.customer("sam@example.com")
    before = world.audit_count()

    response = world.client.post(
        world.url("/customers"),
        json={"email": "SAM@example.com", "name": "Sam", "password": PASSWORD},
    )

    assert response.status_code == 409
    assert error_code(response) == "email_taken"
    assert world.audit_count() == before


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com"])
def test_invalid_email_is_refused(world: World, email: str) -> None:
    response = world.client.post(
        world.url("/customers"), json={"email": email, "name": "X", "password": PASSWORD}
    )

    assert response.status_code == 422
    assert error_code(response) in {"invalid_email", "validation_error"}


def test_a_user_of_another_store_joins_with_the_same_password(world: World) -> None:
    world.client.post(
        "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
    )
    first = world.client.post(
        "/api/v1/stores/other/customers",
        json={"email": "kim@example.com", "name": "Kim", "password": PASSWORD},
    )
    assert first.status_code == 201

    wrong = world.client.post(
        world.url("/customers"),
        json={"email": "kim@example.com", "name": "Kim", "password": "another-one"},
    )
    right = world.client.post(
        world.url("/customers"),
        json={"email": "kim@example.com", "name": "Kim", "password": PASSWORD},
    )

    assert (wrong.status_code, error_code(wrong)) == (409, "email_taken")
    assert right.status_code == 201
    assert right.json()["id"] != first.json()["id"]


def test_me_shows_customer_permissions_and_agent_groups(world: World) -> None:
    parent = world.group("Parent")
    child = world.group("Child", parent=parent["id"])
    other = world.group("Other")
    person = world.customer(permissions=["seats.manage"], agent_of=(parent["id"],))

    me = world.client.get(world.url("/me"), headers=person.headers).json()

    assert me["customer"]["id"] == person.id
    assert me["permissions"] == ["seats.manage", "seats.view"]
    assert set(me["agent_group_ids"]) == {parent["id"], child["id"]}
    assert other["id"] not in me["agent_group_ids"]
    assert me["agent_grant_group_ids"] == [parent["id"]]


def test_signed_in_user_of_another_store_is_not_a_customer_here(world: World) -> None:
    world.client.post(
        "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
    )
    world.client.post(
        "/api/v1/stores/other/customers",
        json={"email": "lou@example.com", "name": "Lou", "password": PASSWORD},
    )
    token = world.token_for("lou@example.com")

    response = world.client.get(world.url("/me"), headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403
    assert error_code(response) == "not_a_customer"


def test_customer_list_filters_by_email_case_insensitively(world: World) -> None:
    world.customer("one@example.com")
    world.customer("two@example.com")

    response = world.client.get(
        world.url("/customers"), params={"email": "TWO@example.com"}, headers=world.owner.headers
    )

    assert [c["email"] for c in response.json()["items"]] == ["two@example.com"]


def test_customer_list_paginates_with_a_cursor(world: World) -> None:
    emails = {world.customer().email for _ in range(5)}

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = world.client.get(
            world.url("/customers"), params=params, headers=world.owner.headers
        ).json()
        seen += [c["email"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(emails)
    assert len(seen) == len(set(seen))


def test_a_forged_cursor_is_a_bad_request(world: World) -> None:
    response = world.client.get(
        world.url("/customers"), params={"cursor": "!!!"}, headers=world.owner.headers
    )

    assert response.status_code == 400
    assert error_code(response) == "invalid_cursor"


def test_admin_permissions_are_replaced_and_audited(world: World) -> None:
    person = world.customer(permissions=["groups.view", "audit.view"])

    response = world.client.put(
        world.url(f"/admins/{person.id}"),
        json={"permissions": ["seats.view"]},
        headers=world.owner.headers,
    )

    assert response.status_code == 200
    assert response.json()["permissions"] == ["seats.view"]
    events = world.client.get(world.url("/audit"), headers=world.owner.headers).json()["items"]
    assert events[-1]["action"] == "admin.permissions_changed"
    assert events[-1]["before"] == {"permissions": ["audit.view", "groups.view"]}


def test_unknown_permission_is_refused(world: World) -> None:
    person = world.customer()

    response = world.client.put(
        world.url(f"/admins/{person.id}"),
        json={"permissions": ["everything"]},
        headers=world.owner.headers,
    )

    assert response.status_code == 422
    assert error_code(response) == "validation_error"
