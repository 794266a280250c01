from __future__ import annotations

from tests.api.conftest import World, error_code


def _group(world: World, group_id: str) -> dict:
    return world.client.get(world.url(f"/groups/{group_id}"), headers=world.owner.headers).json()


def test_groups_form_a_tree(world: World) -> None:
    root = world.group("Acme Corp", code="ACME")
    child = world.group("Engineering", parent=root["id"])

    assert root["parent_id"] is None
    assert child["parent_id"] == root["id"]
    assert (root["code"], root["active"]) == ("ACME", True)


def test_group_code_is_unique_within_the_store(world: World) -> None:
    world.group("One", code="ONE")

    response = world.client.post(
        world.url("/groups"), json={"name": "Two", "code": "ONE"}, headers=world.owner.headers
    )

    assert response.status_code == 409
    assert error_code(response) == "group_code_taken"


def test_unknown_parent_is_refused(world: World) -> None:
    before = world.audit_count()

    response = world.client.post(
        world.url("/groups"),
        json={"name": "Orphan", "parent_id": "0" * 32},
        headers=world.owner.headers,
    )

    assert (response.status_code, error_code(response)) == (422, "unknown_parent")
    assert world.audit_count() == before


def test_rename_and_move_are_audited(world: World) -> None:
    a = world.group("A")
    b = world.group("B")

    renamed = world.client.patch(
        world.url(f"/groups/{b['id']}"), json={"name": "Bee"}, headers=world.owner.headers
    )
    moved = world.client.patch(
        world.url(f"/groups/{b['id']}"), json={"parent_id": a["id"]}, headers=world.owner.headers
    )

    assert renamed.json()["name"] == "Bee"
    assert moved.json()["parent_id"] == a["id"]
    events = world.client.get(
        world.url("/audit"), params={"group_id": b["id"]}, headers=world.owner.headers
    ).json()
    actions = [e["action"] for e in events["items"]]
    assert actions == ["group.created", "group.updated", "group.moved"]
    assert events["items"][-1]["before"]["parent_id"] is None
    assert events["items"][-1]["after"]["parent_id"] == a["id"]


def test_moving_a_group_under_its_own_descendant_is_refused(world: World) -> None:
    top = world.group("Top")
    middle = world.group("Middle", parent=top["id"])
    bottom = world.group("Bottom", parent=middle["id"])
    before = world.audit_count()

    for new_parent in (top["id"], bottom["id"]):
        response = world.client.patch(
            world.url(f"/groups/{top['id']}"),
            json={"parent_id": new_parent},
            headers=world.owner.headers,
        )
        assert (response.status_code, error_code(response)) == (409, "group_cycle")

    assert _group(world, top["id"])["parent_id"] is None
    assert world.audit_count() == before


def test_moving_to_the_root_with_null_parent(world: World) -> None:
    top = world.group("Top")
    child = world.group("Child", parent=top["id"])

    response = world.client.patch(
        world.url(f"/groups/{child['id']}"), json={"parent_id": None}, headers=world.owner.headers
    )

    assert response.json()["parent_id"] is None


def test_moved_subtree_carries_agent_rights_of_the_new_ancestors(world: World) -> None:
    east = world.group("East")
    west = world.group("West")
    team = world.group("Team", parent=east["id"])
    squad = world.group("Squad", parent=team["id"])
    west_agent = world.customer(agent_of=(west["id"],))
    assert (
        world.client.get(
            world.url(f"/groups/{squad['id']}"), headers=west_agent.headers
        ).status_code
        == 404
    )

    world.client.patch(
        world.url(f"/groups/{team['id']}"),
        json={"parent_id": west["id"]},
        headers=world.owner.headers,
    )

    assert (
        world.client.get(
            world.url(f"/groups/{squad['id']}"), headers=west_agent.headers
        ).status_code
        == 200
    )


def test_deactivated_group_keeps_its_history_and_refuses_new_subgroups(world: World) -> None:
    group = world.group("Old")

    response = world.client.patch(
        world.url(f"/groups/{group['id']}"), json={"active": False}, headers=world.owner.headers
    )
    child = world.client.post(
        world.url("/groups"),
        json={"name": "New", "parent_id": group["id"]},
        headers=world.owner.headers,
    )

    assert response.json()["active"] is False
    assert (child.status_code, error_code(child)) == (409, "group_inactive")
    assert _group(world, group["id"])["name"] == "Old"
    events = world.client.get(
        world.url("/audit"), params={"group_id": group["id"]}, headers=world.owner.headers
    ).json()
    assert events["items"][-1]["action"] == "group.deactivated"


def test_groups_cannot_be_deleted(world: World) -> None:
    group = world.group("Kept")

    response = world.client.delete(world.url(f"/groups/{group['id']}"), headers=world.owner.headers)

    assert response.status_code == 405
    assert _group(world, group["id"])["id"] == group["id"]


def test_agent_lists_only_their_groups_and_descendants(world: World) -> None:
    acme = world.group("Acme")
    engineering = world.group("Engineering", parent=acme["id"])
    platform = world.group("Platform", parent=engineering["id"])
    world.group("Sales", parent=acme["id"])
    world.group("Globex")
    agent = world.customer(agent_of=(engineering["id"],))

    listed = world.client.get(world.url("/groups"), headers=agent.headers).json()["items"]

    assert {g["id"] for g in listed} == {engineering["id"], platform["id"]}


def test_admin_with_groups_view_lists_every_group(world: World) -> None:
    created = {world.group(f"G{i}")["id"] for i in range(3)}
    admin = world.customer(permissions=["groups.view"])

    listed = world.client.get(world.url("/groups"), headers=admin.headers).json()["items"]

    assert {g["id"] for g in listed} == created


def test_agent_of_another_group_gets_404_for_a_group_they_cannot_see(world: World) -> None:
    mine = world.group("Mine")
    theirs = world.group("Theirs")
    agent = world.customer(agent_of=(mine["id"],))

    response = world.client.get(world.url(f"/groups/{theirs['id']}"), headers=agent.headers)
    unknown = "0" * 32
    missing = world.client.get(world.url(f"/groups/{unknown}"), headers=agent.headers)

    assert (response.status_code, error_code(response)) == (404, "purchasing_group_not_found")
    assert response.json()["error"]["message"].replace(theirs["id"], "X") == missing.json()[
        "error"
    ]["message"].replace(unknown, "X")


def test_grant_is_idempotent_and_revoke_removes_reach(world: World) -> None:
    group = world.group("G")
    sub = world.group("Sub", parent=group["id"])
    person = world.customer()

    first = world.client.put(
        world.url(f"/groups/{group['id']}/agents/{person.id}"), headers=world.owner.headers
    )
    count = world.audit_count()
    again = world.client.put(
        world.url(f"/groups/{group['id']}/agents/{person.id}"), headers=world.owner.headers
    )

    assert first.json()["via"] == again.json()["via"] == group["id"]
    assert world.audit_count() == count
    assert (
        world.client.get(world.url(f"/groups/{sub['id']}"), headers=person.headers).status_code
        == 200
    )

    revoked = world.client.delete(
        world.url(f"/groups/{group['id']}/agents/{person.id}"), headers=world.owner.headers
    )

    assert revoked.status_code == 204
    assert (
        world.client.get(world.url(f"/groups/{sub['id']}"), headers=person.headers).status_code
        == 404
    )
    again = world.client.delete(
        world.url(f"/groups/{group['id']}/agents/{person.id}"), headers=world.owner.headers
    )
    assert (again.status_code, error_code(again)) == (404, "agent_grant_not_found")


def test_agents_list_includes_inherited_agents_with_via(world: World) -> None:
    top = world.group("Top")
    sub = world.group("Sub", parent=top["id"])
    inherited = world.customer("inherited@example.com", agent_of=(top["id"],))
    direct = world.customer("direct@example.com", agent_of=(sub["id"],))

    agents = world.client.get(
        world.url(f"/groups/{sub['id']}/agents"), headers=world.owner.headers
    ).json()

    assert agents["next_cursor"] is None
    assert [(a["email"], a["via"]) for a in agents["items"]] == [  # by customer id
        (inherited.email, top["id"]),
        (direct.email, sub["id"]),
    ]


def test_granting_to_a_customer_of_another_store_is_not_found(world: World) -> None:
    world.client.post(
        "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
    )
    stranger = world.client.post(
        "/api/v1/stores/other/customers",
        json={"email": "x@example.com", "name": "X", "password": "long-enough"},
    ).json()
    group = world.group("G")

    response = world.client.put(
        world.url(f"/groups/{group['id']}/agents/{stranger['id']}"), headers=world.owner.headers
    )

    assert (response.status_code, error_code(response)) == (404, "customer_not_found")


def test_customer_purchasing_groups_lists_every_managed_group_with_via(world: World) -> None:
    acme = world.group("Acme")
    engineering = world.group("Engineering", parent=acme["id"])
    platform = world.group("Platform", parent=engineering["id"])
    globex = world.group("Globex")
    world.group("Initech")
    agent = world.customer(agent_of=(acme["id"], engineering["id"], globex["id"]))

    managed = world.client.get(
        world.url(f"/customers/{agent.id}/purchasing-groups"), headers=world.owner.headers
    ).json()

    assert managed["next_cursor"] is None
    assert {g["id"]: g["via"] for g in managed["items"]} == {
        acme["id"]: acme["id"],
        engineering["id"]: engineering["id"],
        platform["id"]: engineering["id"],
        globex["id"]: globex["id"],
    }


def test_groups_of_another_store_are_invisible(world: World) -> None:
    group = world.group("Here")
    world.client.post(
        "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
    )

    response = world.client.get(
        f"/api/v1/stores/other/groups/{group['id']}", headers=world.owner.headers
    )

    assert response.status_code == 404
