"""Review checks across the pages: every form needs the CSRF token, and the agent portal's
return requests are the agent's own, a page at a time."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts

from tests.api.conftest import PASSWORD, STORE, Person, World
from tests.web.test_admin_orders import ask_return, csrf, sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
AGENT_RETURNS = f"/stores/{STORE}/agent/returns"


def page_forms(world: World) -> list[tuple[str, str]]:
    """(method, path) of every unsafe route outside the API, its parameters filled in."""
    found = []
    for route in iter_route_contexts(world.client.app.router.routes):  # type: ignore[attr-defined]
        path = route.path or ""
        if path.startswith("/api/"):
            continue
        for method in sorted((route.methods or set()) & UNSAFE):
            filled = re.sub(r"\{[a-z_]+\}", "x", path.replace("{store}", STORE))
            found.append((method, filled))
    return found


def test_every_form_of_every_page_is_refused_without_this_sessions_csrf_token(
    world: World,
) -> None:
    admin = world.customer("admin@example.com", permissions=["store.manage"])
    token = sign_in(world.client, admin)
    forms = page_forms(world)
    before = world.audit_count()

    answers = {
        (method, path, sent): world.client.request(
            method, path, data={"csrf_token": sent}, follow_redirects=False
        )
        for method, path in forms
        for sent in ("", token[::-1])
    }

    assert len(forms) >= 30  # the enumeration found the page routers
    refused = {key: answer.status_code for key, answer in answers.items()}
    assert set(refused.values()) == {403}, refused
    assert all("csrf_failed" in answer.text for answer in answers.values())
    assert world.audit_count() == before


def test_an_agent_who_may_decide_returns_sees_only_their_own_requests_in_the_portal(
    world: World,
) -> None:
    world.product("PY101")
    east, west = world.group("East"), world.group("West")
    other = world.customer("other@example.com", agent_of=(west["id"],))
    both = world.customer(
        "both@example.com", permissions=["refunds.manage"], agent_of=(east["id"],)
    )
    theirs = world.order(other, west["id"], quantity=1)
    mine = world.order(both, east["id"], quantity=1)
    their_request = ask_return(world, other, world.seats(other, order_id=theirs["id"])[0]["id"])
    my_request = ask_return(world, both, world.seats(both, order_id=mine["id"])[0]["id"])
    sign_in(world.client, both)

    portal = world.client.get(AGENT_RETURNS).text
    queue = world.client.get(f"/stores/{STORE}/admin/returns").text

    assert f'id="request-{my_request["id"]}"' in portal
    assert their_request["id"] not in portal
    assert their_request["id"] in queue  # the admin console's queue still shows everyone's


@pytest.mark.parametrize("status", ["", "pending"])
def test_the_agents_return_requests_come_a_page_at_a_time_newest_first(
    world: World, status: str
) -> None:
    world.product("PY101")
    east = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(east["id"],))
    order = world.order(agent, east["id"], quantity=27)
    made = [ask_return(world, agent, seat["id"])["id"] for seat in world.seats(agent)]
    sign_in(world.client, agent)

    first = world.client.get(AGENT_RETURNS, params={"status": status} if status else {})
    cursor = re.search(r'cursor=([^"&]+)"', first.text)
    assert cursor, "the first page links to the next"
    second = world.client.get(
        AGENT_RETURNS, params={"cursor": cursor.group(1), **({"status": status} if status else {})}
    )

    def shown(html: str) -> list[str]:
        return re.findall(r'id="request-([0-9a-zA-Z]+)"', html)

    assert order["id"]
    assert shown(first.text) == made[::-1][:25]
    assert shown(second.text) == made[::-1][25:]


def form_fields(html: str) -> dict[str, str]:
    """The values a browser would send for the settings form as the page shows it."""
    sent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    sent.update(re.findall(r'<input id="s-[a-z_]+" name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    selected = (
        r'<select id="s-[a-z_]+" name="([a-z_]+)">(?:(?!</select>).)*?<option selected>([^<]*)<'
    )
    sent.update(re.findall(selected, html, re.DOTALL))
    sent.update((key, "on") for key in re.findall(r'name="([a-z_]+)" checked', html))
    return sent


def test_saving_a_settings_page_opened_earlier_keeps_other_admins_changes(world: World) -> None:
    manager = world.customer("manager@example.com", permissions=["store.manage"])
    sign_in(world.client, manager)
    opened = form_fields(world.client.get(f"/stores/{STORE}/admin/settings").text)
    world.settings(returns_enabled=False, return_window_days=7)  # meanwhile, over the API

    saved = world.client.post(
        f"/stores/{STORE}/admin/settings",
        data={**opened, "currency": "EUR"},
        follow_redirects=False,
    )

    assert saved.status_code == 303
    store = world.ok(world.client.get(world.url(""), headers=manager.headers))
    assert store["settings"]["currency"] == "EUR"
    assert store["settings"]["returns_enabled"] is False
    assert store["settings"]["return_window_days"] == 7


HOSTILE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
]


def stays_here(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") and "evil" not in location


@pytest.mark.parametrize("target", HOSTILE)
def test_next_never_leads_off_site(world: World, target: str) -> None:
    world.product("PY101")
    east = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(east["id"],))
    seat = world.seats(agent, order_id=world.order(agent, east["id"], quantity=1)["id"])[0]
    token = sign_in(world.client, agent)
    login_form = {"email": agent.email, "password": PASSWORD, "csrf_token": token, "next": target}

    after_sign_in = world.client.post(
        f"/stores/{STORE}/sign-in", data=login_form, follow_redirects=False
    )
    home = world.client.get("/", params={"next": target}, follow_redirects=False)
    token = csrf(world.client)
    after_refusal = world.client.post(  # an available seat has no link to resend
        f"/stores/{STORE}/agent/seats/{seat['id']}/resend",
        data={"csrf_token": token, "next": target},
        follow_redirects=False,
    )

    for answer in (after_sign_in, home, after_refusal):
        assert answer.status_code == 303
        assert stays_here(answer.headers["location"]), answer.headers["location"]
    assert after_refusal.headers["location"] == f"/stores/{STORE}/agent/seats"


def test_the_order_page_shows_seats_and_learners_only_to_those_who_may_see_them(
    world: World,
) -> None:
    world.product("PY101")
    east = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(east["id"],))
    order = world.order(agent, east["id"], quantity=2)
    taken, free = [s["id"] for s in world.seats(agent, order_id=order["id"])]
    world.customer("learner@example.com")
    world.act(agent, taken, "assign", {"email": "learner@example.com"})
    clerk = world.customer("clerk@example.com", permissions=["orders.view"])
    refunder = world.customer("refunder@example.com", permissions=["orders.view", "refunds.manage"])
    auditor = world.customer("auditor@example.com", permissions=["orders.view", "seats.view"])
    page = f"/stores/{STORE}/admin/orders/{order['id']}"

    def seen_by(person: Person) -> str:
        sign_in(world.client, person)
        answer = world.client.get(page)
        assert answer.status_code == 200
        return answer.text

    as_clerk, as_refunder, as_auditor = seen_by(clerk), seen_by(refunder), seen_by(auditor)

    assert taken not in as_clerk and free not in as_clerk
    assert "learner@example.com" not in as_clerk
    assert "You may not see the seats of this order." in as_clerk
    assert free in as_refunder and taken not in as_refunder  # to refund the available one
    assert "learner@example.com" not in as_refunder
    assert taken in as_auditor and free in as_auditor and "learner@example.com" in as_auditor


def test_the_return_queue_names_learners_only_to_those_who_may_see_the_seats(
    world: World,
) -> None:
    world.product("PY101")
    east = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(east["id"],))
    seat = world.seats(agent, order_id=world.order(agent, east["id"], quantity=1)["id"])[0]
    world.customer("learner@example.com")
    world.act(agent, seat["id"], "assign", {"email": "learner@example.com"})
    ask_return(world, agent, seat["id"])
    refunder = world.customer("refunder@example.com", permissions=["refunds.manage"])
    auditor = world.customer("auditor@example.com", permissions=["refunds.manage", "seats.view"])
    queue = f"/stores/{STORE}/admin/returns"

    sign_in(world.client, refunder)
    as_refunder = world.client.get(queue).text
    sign_in(world.client, auditor)
    as_auditor = world.client.get(queue).text

    assert seat["id"][-8:] in as_refunder and "learner@example.com" not in as_refunder
    assert "learner@example.com" in as_auditor


def test_an_admin_who_may_manage_groups_grants_the_agent_role_by_email(world: World) -> None:
    east = world.group("East")
    world.customer("newagent@example.com")
    manager = world.customer("manager@example.com", permissions=["groups.manage"])
    token = sign_in(world.client, manager)
    form = f"/stores/{STORE}/admin/groups/{east['id']}/agents"

    granted = world.client.post(
        form, data={"csrf_token": token, "email": " NewAgent@Example.com "}, follow_redirects=False
    )
    unknown = world.client.post(
        form, data={"csrf_token": token, "email": "nobody@example.com"}, follow_redirects=True
    )

    assert granted.status_code == 303
    agents = world.ok(
        world.client.get(world.url(f"/groups/{east['id']}/agents"), headers=world.owner.headers)
    )
    assert [agent["email"] for agent in agents["items"]] == ["newagent@example.com"]
    assert "No customer with the email nobody@example.com is registered" in unknown.text


def test_saving_permissions_from_a_page_opened_earlier_does_not_undo_another_grant(
    world: World,
) -> None:
    clerk = world.customer("clerk@example.com")
    manager = world.customer("manager@example.com", permissions=["store.manage", "groups.view"])
    token = sign_in(world.client, manager)
    page = world.client.get(f"/stores/{STORE}/admin/customers").text
    shown = re.search(
        rf'customers/{clerk.id}/permissions".*?name="was" value="([^"]*)"', page, re.DOTALL
    )
    assert shown and shown.group(1) == "none"
    world.ok(  # meanwhile, over the API
        world.client.put(
            world.url(f"/admins/{clerk.id}"),
            json={"permissions": ["seats.view"]},
            headers=world.owner.headers,
        ),
        200,
    )

    stale = world.client.post(
        f"/stores/{STORE}/admin/customers/{clerk.id}/permissions",
        data={"csrf_token": token, "permissions": ["orders.view"], "was": shown.group(1)},
        follow_redirects=True,
    )

    assert "changed since this page was opened; they are now: seats.view." in stale.text
    admins = world.ok(world.client.get(world.url("/admins"), headers=world.owner.headers))
    granted = {a["email"]: a["permissions"] for a in admins["items"]}
    assert granted["clerk@example.com"] == ["seats.view"]
