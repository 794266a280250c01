"""Who may call each restricted endpoint (docs/rules.md, "Permissions"; docs/api.md).

Every test walks one endpoint through a table of callers. A refusal must carry the exact
status and error code and change nothing: no audit event, and the same stores, groups, group
tree, agent grants and admin grants read back from the database. An allowed caller must
succeed, and the change must be visible when read back as the owner.

The scene: groups North (root) > Team, and South (root). ``agent`` is agent of North, and so
of Team through its ancestor; ``other-agent`` is agent of South only; ``subject`` is a plain
customer that calls act upon. Other callers: ``anonymous`` (no header), ``outsider`` (signed
in, but a customer of another store only), ``customer`` (no rights), ``admin:P`` (exactly P;
``*`` for all), ``admin-without:P`` (every permission except P and those implying it), ``owner``.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from seatledger.db.models import AdminPermission, AgentGrant, GroupClosure, PurchasingGroup, Store
from tests.api.conftest import PASSWORD, Person, World, error_code

ALL_PERMISSIONS = (
    "audit.view", "groups.manage", "groups.view", "orders.manage", "orders.view",
    "refunds.manage", "seats.manage", "seats.view", "store.manage",
)  # fmt: skip
IMPLIES = {
    "groups.manage": "groups.view",
    "seats.manage": "seats.view",
    "orders.manage": "orders.view",
}

UNAUTHENTICATED = ("anonymous", 401, "not_authenticated")
OUTSIDER = ("outsider", 403, "not_a_customer")
DENIED = (403, "permission_denied")
HIDDEN = (404, "purchasing_group_not_found")
SIGNED_OUT = [UNAUTHENTICATED, OUTSIDER]


def denied(*names: str) -> list[tuple[Any, ...]]:
    return [(name, *DENIED) for name in names]


def hidden(*names: str) -> list[tuple[Any, ...]]:
    return [(name, *HIDDEN) for name in names]


# A group the caller cannot see answers 404; a visible one without groups.manage answers 403.
GROUP_CHANGE_REFUSALS = [
    *SIGNED_OUT,
    *hidden("customer", "other-agent", "admin-without:groups.view"),
    *denied("agent", "admin-without:groups.manage"),
]


def callers(refused: list[tuple[Any, ...]], allowed: list[str], status: int = 200) -> Any:
    """Parametrize ``caller`` and ``expected`` = (status, code); code is None when allowed."""
    params = []
    for caller, refused_status, code in refused:
        ident = f"{caller}->{refused_status}-{code}"
        params.append(pytest.param(caller, (refused_status, code), id=ident))
    params += [pytest.param(c, (status, None), id=f"{c}->{status}") for c in allowed]
    return pytest.mark.parametrize(("caller", "expected"), params)


def snapshot(world: World) -> dict[str, Any]:
    """Every record an authorization mistake could change, read straight from the database."""
    with world.database.read() as session:

        def rows(*columns: Any) -> list[tuple[Any, ...]]:
            return sorted(tuple(row) for row in session.execute(select(*columns)))

        g = PurchasingGroup
        return {
            "stores": {s.slug: (s.name, dict(s.settings)) for s in session.scalars(select(Store))},
            "groups": rows(g.id, g.name, g.code, g.parent_id, g.active, g.updated_at),
            "tree": rows(GroupClosure.ancestor_id, GroupClosure.descendant_id, GroupClosure.depth),
            "agents": rows(AgentGrant.group_id, AgentGrant.customer_id),
            "admins": rows(AdminPermission.customer_id, AdminPermission.permission),
        }


class Scene:
    def __init__(self, world: World) -> None:
        self.world = world
        self.north = world.group("North")["id"]
        self.team = world.group("Team", parent=self.north)["id"]
        self.south = world.group("South")["id"]
        self.agent = world.customer(agent_of=(self.north,))
        self.subject = world.customer()
        self._people: dict[str, Person] = {"owner": world.owner, "agent": self.agent}

    def person(self, caller: str) -> Person | None:
        if caller == "anonymous":
            return None
        if caller not in self._people:
            self._people[caller] = self._make(caller)
        return self._people[caller]

    def _make(self, caller: str) -> Person:
        world = self.world
        if caller == "customer":
            return world.customer()
        if caller == "other-agent":
            return world.customer(agent_of=(self.south,))
        if caller == "outsider":
            body = {"slug": "elsewhere", "name": "Elsewhere"}
            world.ok(world.client.post("/api/v1/stores", json=body, headers=world.owner.headers))
            body = {"email": "outsider@example.com", "name": "Out Sider", "password": PASSWORD}
            world.ok(world.client.post("/api/v1/stores/elsewhere/customers", json=body))
            return Person(email=body["email"], token=world.token_for(body["email"]))
        kind, _, permission = caller.partition(":")
        if kind == "admin":
            return world.customer(
                permissions=ALL_PERMISSIONS if permission == "*" else [permission]
            )
        if kind == "admin-without":
            lacking = {permission} | {p for p, implied in IMPLIES.items() if implied == permission}
            return world.customer(permissions=[p for p in ALL_PERMISSIONS if p not in lacking])
        raise ValueError(f"unknown caller {caller!r}")

    def call(self, caller: str, method: str, path: str, body: Any = None) -> Any:
        person = self.person(caller)  # created before the snapshot: sign-ups are audited
        self._method = method
        self._before = (self.world.audit_count(), snapshot(self.world))
        url = path if path.startswith("/api/") else self.world.url(path)
        headers = person.headers if person else {}
        return self.world.client.request(method, url, json=body, headers=headers)

    def refused(self, response: Any, expected: tuple[int, str | None]) -> bool:
        """Check a refusal completely (and answer True), or check the success status."""
        status, code = expected
        if code is None:
            assert response.status_code == status, response.text
            writes = 0 if self._method == "GET" else 1
            assert self.world.audit_count() == self._before[0] + writes
            return False
        assert (response.status_code, error_code(response)) == expected, response.text
        assert (self.world.audit_count(), snapshot(self.world)) == self._before
        return True

    def read(self, path: str) -> Any:
        """Read back as the owner."""
        url = path if path.startswith("/api/") else self.world.url(path)
        return self.world.ok(self.world.client.get(url, headers=self.world.owner.headers))


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world)


# Stores


@callers(
    refused=[UNAUTHENTICATED, *denied("customer", "other-agent", "admin:*")],
    allowed=["owner"],
    status=201,
)
def test_only_the_installation_owner_may_create_stores(scene, caller, expected) -> None:
    response = scene.call(caller, "POST", "/api/v1/stores", {"slug": "globex", "name": "Globex"})
    if scene.refused(response, expected):
        return
    assert scene.read("/api/v1/stores/globex")["name"] == "Globex"


@callers(refused=SIGNED_OUT, allowed=["customer", "other-agent", "owner"])
def test_any_customer_of_the_store_may_read_it_with_its_settings(scene, caller, expected) -> None:
    response = scene.call(caller, "GET", "")
    if scene.refused(response, expected):
        return
    assert response.json()["slug"] == "acme"
    assert response.json()["settings"]["returns_enabled"] is True


@callers(
    refused=[*SIGNED_OUT, *denied("customer", "other-agent", "admin-without:store.manage")],
    allowed=["admin:store.manage", "owner"],
)
def test_only_store_managers_may_rename_the_store_or_change_settings(scene, caller, expected):
    body = {"name": "Acme Renamed", "settings": {"returns_enabled": False}}
    response = scene.call(caller, "PATCH", "", body)
    if scene.refused(response, expected):
        return
    store = scene.read("")
    assert (store["name"], store["settings"]["returns_enabled"]) == ("Acme Renamed", False)


# Customers and admins


@callers(
    refused=[*SIGNED_OUT, *denied("customer", "agent", "admin-without:groups.view")],
    allowed=["admin:groups.view", "admin:groups.manage", "owner"],
)
def test_looking_up_customers_by_email_needs_groups_view(scene, caller, expected) -> None:
    response = scene.call(caller, "GET", f"/customers?email={scene.subject.email}")
    if scene.refused(response, expected):
        return
    assert [c["id"] for c in response.json()["items"]] == [scene.subject.id]


@callers(refused=SIGNED_OUT, allowed=["customer", "agent", "admin:audit.view", "owner"])
def test_me_describes_any_customer_of_the_store(scene, caller, expected) -> None:
    response = scene.call(caller, "GET", "/me")
    if scene.refused(response, expected):
        return
    me, person = response.json(), scene.person(caller)
    assert (me["customer"] or {}).get("id") == person.id
    assert me["is_owner"] is (caller == "owner")
    assert set(me["agent_group_ids"]) == ({scene.north, scene.team} if caller == "agent" else set())
    if caller == "admin:audit.view":
        assert me["permissions"] == ["audit.view"]


LACKING_STORE_MANAGE = denied("customer", "agent", "admin-without:store.manage")


@callers(refused=[*SIGNED_OUT, *LACKING_STORE_MANAGE], allowed=["admin:store.manage", "owner"])
def test_only_store_managers_may_set_a_customers_admin_permissions(scene, caller, expected):
    body = {"permissions": ["audit.view"]}
    response = scene.call(caller, "PUT", f"/admins/{scene.subject.id}", body)
    if scene.refused(response, expected):
        return
    grants = {a["customer_id"]: a["permissions"] for a in scene.read("/admins")["items"]}
    assert grants[scene.subject.id] == ["audit.view"]


@callers(refused=LACKING_STORE_MANAGE, allowed=[])
def test_no_one_without_store_manage_may_grant_themselves_permissions(scene, caller, expected):
    own_id = scene.person(caller).id
    body = {"permissions": list(ALL_PERMISSIONS)}
    assert scene.refused(scene.call(caller, "PUT", f"/admins/{own_id}", body), expected)


@callers(refused=[*SIGNED_OUT, *LACKING_STORE_MANAGE], allowed=["admin:store.manage", "owner"])
def test_only_store_managers_may_list_the_admins(scene, caller, expected) -> None:
    response = scene.call(caller, "GET", "/admins")
    if scene.refused(response, expected):
        return
    stored: dict[str, list[str]] = {}
    for customer_id, permission in snapshot(scene.world)["admins"]:
        stored.setdefault(customer_id, []).append(permission)
    assert {a["customer_id"]: a["permissions"] for a in response.json()["items"]} == stored
    if caller != "owner":
        assert stored[scene.person(caller).id] == ["store.manage"]


# Purchasing groups


@callers(
    refused=[*SIGNED_OUT, *denied("customer", "agent", "admin-without:groups.manage")],
    allowed=["admin:groups.manage", "owner"],
    status=201,
)
def test_creating_a_group_needs_groups_manage_even_under_the_agents_own_group(
    scene, caller, expected
) -> None:
    response = scene.call(caller, "POST", "/groups", {"name": "West", "parent_id": scene.north})
    if scene.refused(response, expected):
        return
    created = scene.read(f"/groups/{response.json()['id']}")
    assert (created["name"], created["parent_id"], created["active"]) == ("West", scene.north, True)


@callers(
    refused=[*SIGNED_OUT, *denied("customer", "admin-without:groups.view")],
    allowed=["agent", "other-agent", "admin:groups.view", "owner"],
)
def test_groups_are_listed_to_agents_within_their_reach_and_to_viewers(scene, caller, expected):
    response = scene.call(caller, "GET", "/groups")
    if scene.refused(response, expected):
        return
    reach = {"agent": {scene.north, scene.team}, "other-agent": {scene.south}}
    everything = {scene.north, scene.team, scene.south}
    assert {g["id"] for g in response.json()["items"]} == reach.get(caller, everything)


@callers(
    refused=[*SIGNED_OUT, *hidden("customer", "other-agent", "admin-without:groups.view")],
    allowed=["agent", "admin:groups.view", "owner"],
)
def test_a_group_is_shown_to_agents_of_it_or_an_ancestor_and_to_viewers_only(
    scene, caller, expected
) -> None:
    response = scene.call(caller, "GET", f"/groups/{scene.team}")
    if scene.refused(response, expected):
        return
    assert (response.json()["id"], response.json()["parent_id"]) == (scene.team, scene.north)


@callers(refused=GROUP_CHANGE_REFUSALS, allowed=["admin:groups.manage", "owner"])
def test_changing_a_group_needs_groups_manage_and_hidden_groups_answer_404(scene, caller, expected):
    body = {"name": "Renamed", "parent_id": scene.south, "active": False}
    response = scene.call(caller, "PATCH", f"/groups/{scene.team}", body)
    if scene.refused(response, expected):
        return
    team = scene.read(f"/groups/{scene.team}")
    assert (team["name"], team["parent_id"], team["active"]) == ("Renamed", scene.south, False)


@callers(refused=GROUP_CHANGE_REFUSALS, allowed=["admin:groups.manage", "owner"])
def test_granting_the_agent_role_needs_groups_manage(scene, caller, expected) -> None:
    response = scene.call(caller, "PUT", f"/groups/{scene.team}/agents/{scene.subject.id}")
    if scene.refused(response, expected):
        return
    listed = scene.read(f"/groups/{scene.team}/agents")["items"]
    agents = {a["customer_id"]: a["via"] for a in listed}
    assert agents == {scene.agent.id: scene.north, scene.subject.id: scene.team}


@callers(refused=GROUP_CHANGE_REFUSALS, allowed=["admin:groups.manage", "owner"], status=204)
def test_revoking_the_agent_role_needs_groups_manage(scene, caller, expected) -> None:
    response = scene.call(caller, "DELETE", f"/groups/{scene.north}/agents/{scene.agent.id}")
    if scene.refused(response, expected):
        return
    assert scene.read(f"/groups/{scene.north}/agents")["items"] == []
    assert scene.read(f"/groups/{scene.team}/agents")["items"] == []


@callers(
    refused=[
        *SIGNED_OUT,
        *hidden("customer", "other-agent", "admin-without:groups.view"),
        *denied("agent"),
    ],
    allowed=["admin:groups.view", "admin:groups.manage", "owner"],
)
def test_listing_a_groups_agents_needs_groups_view_even_for_its_agents(scene, caller, expected):
    response = scene.call(caller, "GET", f"/groups/{scene.team}/agents")
    if scene.refused(response, expected):
        return
    agents = [(a["customer_id"], a["via"]) for a in response.json()["items"]]
    assert agents == [(scene.agent.id, scene.north)]


@callers(
    refused=[*SIGNED_OUT, *denied("customer", "other-agent", "admin-without:groups.view")],
    allowed=["agent", "admin:groups.view", "owner"],
)
def test_a_customers_managed_groups_are_shown_to_themself_and_to_viewers(scene, caller, expected):
    response = scene.call(caller, "GET", f"/customers/{scene.agent.id}/purchasing-groups")
    if scene.refused(response, expected):
        return
    managed = {(g["id"], g["via"]) for g in response.json()["items"]}
    assert managed == {(scene.north, scene.north), (scene.team, scene.north)}


# Audit


@callers(
    refused=[
        UNAUTHENTICATED,
        OUTSIDER,
        *denied("customer", "admin-without:audit.view"),
    ],
    allowed=["admin:audit.view", "owner", "other-agent"],
)
def test_reading_the_audit_trail_needs_audit_view_or_agency(scene, caller, expected) -> None:
    response = scene.call(caller, "GET", "/audit?limit=500")
    if scene.refused(response, expected):
        return
    actions = [event["action"] for event in response.json()["items"]]
    if caller == "other-agent":  # agents read only the history of seats they can see
        assert actions == []
        return
    assert actions.count("group.created") == 3
    assert {"store.created", "customer.signed_up", "agent.granted"} <= set(actions)
