"""Rule 49: erasing a customer leaves no trace of their address or name, and keeps the counts,
the money and the events."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, String, cast, func, or_, select
from sqlalchemy.types import Text

from seatledger.db import seat_counts
from seatledger.db.base import Base, utcnow
from seatledger.db.models import AuditEvent, Order, OutboxMessage, Refund, Seat, Store
from seatledger.services.people import access, erasure
from tests.api.conftest import PASSWORD, Person, World, error_code

EMAIL = "Zoe.Quintrell@Example.com"
ADDRESS = EMAIL.lower()
NAME = "Zoë Quintrell"


def sign_up(world: World, email: str = EMAIL, name: str = NAME, store: str = "acme") -> Person:
    created = world.ok(
        world.client.post(
            f"/api/v1/stores/{store}/customers",
            json={"email": email, "name": name, "password": PASSWORD},
        )
    )
    return Person(email=created["email"], token=world.token_for(email), id=created["id"])


@pytest.fixture
def scene(world: World) -> dict[str, Any]:
    """A learner with an enrollment, a pending link, mail sent long ago, sent lately and queued,
    audit events and a return request that names them."""
    world.product("PY101", price="100.00")
    world.product("JS101", price="80.00")
    group = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    python = [s["id"] for s in world.seats(agent, order_id=world.order(agent, group["id"])["id"])]
    script = world.seats(agent, order_id=world.order(agent, group["id"], sku="JS101")["id"])
    learner = sign_up(world)
    second_token = world.token_for(EMAIL)
    world.ok(world.act(agent, python[0], "assign", {"email": EMAIL}), 200)
    world.ok(
        world.client.post(
            world.url(f"/seats/{script[0]['id']}/redemption-link"),
            json={"email": EMAIL, "message": f"Hello {NAME}, this one is for you."},
            headers=agent.headers,
        ),
        200,
    )
    world.ok(
        world.client.post(
            world.url("/return-requests"),
            json={
                "seat_ids": [python[0]],
                "refund": False,
                "reason": "Leaving",
                "comment": f"{NAME} <{EMAIL}> left the team.",
            },
            headers=agent.headers,
        )
    )
    now = utcnow()
    with world.database.write() as session:  # the worker sent the first mail, long ago
        first, second = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == ADDRESS)
            .order_by(OutboxMessage.id)
        ).all()[:2]
        first.sent_at = now - timedelta(days=40)
        second.sent_at = now - timedelta(days=1)
    # ... and a fresh link waits in the outbox
    world.ok(
        world.client.post(
            world.url(f"/seats/{script[0]['id']}/redemption-link/resend"), headers=agent.headers
        ),
        200,
    )
    return {
        "agent": agent,
        "learner": learner,
        "second_token": second_token,
        "group": group,
        "python": python,
        "script": [s["id"] for s in script],
    }


def admin(world: World) -> Person:
    return world.customer("boss@example.com", permissions=["store.manage"])


def erase(world: World, who: Person, customer_id: str, store: str = "acme") -> Any:
    return world.client.post(
        f"/api/v1/stores/{store}/customers/{customer_id}/erase", headers=who.headers
    )


def traces(world: World, needles: set[str], *, store_id: str | None = None) -> list[str]:
    """Every text and JSON column of every table that holds one of ``needles`` (any case)."""
    found = []
    with world.database.read() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, String | JSON | Text)]
            where = []
            for column in columns:
                text = cast(column, Text) if isinstance(column.type, JSON) else column
                where += [func.lower(text).contains(n.lower(), autoescape=True) for n in needles]
                where += [text.contains(n, autoescape=True) for n in needles]
            if not where:
                continue
            query = select(*table.c).where(or_(*where))
            if store_id is not None and "store_id" in table.c:
                query = query.where(table.c.store_id == store_id)
            elif store_id is not None:
                continue
            found += [f"{table.name}: {dict(row._mapping)}" for row in session.execute(query)]
    return found


def forms(*values: str) -> set[str]:
    """Each value as written, and as JSON and HTML write it."""
    out = set()
    for value in values:
        out |= {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
        out |= {value.replace("'", "&#39;"), value.replace("ë", "&euml;")}
    return out


def snapshot(world: World) -> dict[str, Any]:
    with world.database.read() as session:
        store_id = session.scalar(select(Store.id).where(Store.slug == "acme"))
        assert store_id is not None
        return {
            "counts": seat_counts.stored(session, store_id),
            "recount": seat_counts.recount(session, store_id),
            "money": (
                session.scalar(select(func.sum(Order.total_minor))),
                session.scalar(select(func.sum(Order.refunded_minor))),
                session.scalar(select(func.coalesce(func.sum(Refund.amount_minor), 0))),
                session.scalar(select(func.sum(Seat.price_minor))),
            ),
            "events": {
                e.id: (e.action, e.entity, e.entity_id, e.actor_id, e.at)
                for e in session.scalars(select(AuditEvent))
            },
        }


def test_erasing_a_learner_leaves_no_trace_and_keeps_counts_money_and_events(
    world: World, scene: dict[str, Any]
) -> None:
    boss = admin(world)
    assert traces(world, forms(ADDRESS, NAME)) != []  # the sweep finds what is there
    before = snapshot(world)

    response = erase(world, boss, scene["learner"].id)

    body = world.ok(response, 200)
    assert body["email"].startswith("erased-") and body["email"].endswith("@erased.invalid")
    assert (body["name"], body["already_erased"], body["login_erased"]) == (
        "Erased person",
        False,
        True,
    )
    assert (body["links_cancelled"], body["enrollments_ended"], body["tokens_revoked"]) == (1, 1, 2)
    assert traces(world, forms(ADDRESS, NAME)) == []
    after = snapshot(world)
    assert after["counts"] == after["recount"]
    assert after["money"] == before["money"]
    new_events = set(after["events"]) - set(before["events"])
    assert {id: after["events"][id] for id in before["events"]} == before["events"]
    assert sorted(after["events"][id][0] for id in new_events) == [
        "customer.erased",
        "enrollment.ended",
        "seat.link_cancelled",
    ]
    assert world.seat(scene["agent"], scene["script"][0])["status"] == "available"


def test_the_erased_learner_cannot_sign_in_and_their_tokens_are_dead(
    world: World, scene: dict[str, Any]
) -> None:
    world.ok(erase(world, admin(world), scene["learner"].id), 200)

    signing_in = world.client.post(
        "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}
    )
    for token in (scene["learner"].token, scene["second_token"]):
        answer = world.client.get(world.url("/me"), headers={"Authorization": f"Bearer {token}"})
        assert (answer.status_code, error_code(answer)) == (401, "invalid_token")
    assert (signing_in.status_code, error_code(signing_in)) == (401, "invalid_credentials")


def test_the_erased_learner_keeps_their_history_under_the_pseudonym(
    world: World, scene: dict[str, Any]
) -> None:
    boss = admin(world)
    alias = world.ok(erase(world, boss, scene["learner"].id), 200)["email"]

    trail = world.client.get(
        world.url("/audit"), params={"learner_email": alias}, headers=world.owner.headers
    ).json()["items"]
    mail = world.mails_to(alias)

    assert [e["action"] for e in trail][:2] == ["customer.signed_up", "seat.assigned"]
    assert trail[0]["after"] == {"email": alias, "name": "Erased person"}
    assert trail[-1]["action"] == "customer.erased" and trail[-1]["before"] is None
    # sent 40 days ago: pruned; queued: it cannot reach them now; sent yesterday: kept
    assert [(m.template, m.sent_at is not None) for m in mail] == [("redemption_link", True)]
    assert "Hello Erased person, this one is for you." in mail[0].text_body


def test_erasing_twice_changes_nothing_more(world: World, scene: dict[str, Any]) -> None:
    boss = admin(world)
    first = world.ok(erase(world, boss, scene["learner"].id), 200)
    events = world.audit_count()

    again = world.ok(erase(world, boss, scene["learner"].id), 200)

    assert again == {
        **first,
        "already_erased": True,
        "links_cancelled": 0,
        "enrollments_ended": 0,
        "tokens_revoked": 0,
        "login_erased": False,
    }
    assert world.audit_count() == events


def test_erasure_needs_store_manage_and_changes_nothing_when_refused(
    world: World, scene: dict[str, Any]
) -> None:
    viewer = world.customer("viewer@example.com", permissions=["groups.manage", "seats.manage"])
    events = world.audit_count()

    refused = [erase(world, who, scene["learner"].id) for who in (scene["agent"], viewer)]
    anonymous = world.client.post(world.url(f"/customers/{scene['learner'].id}/erase"))

    assert [(r.status_code, error_code(r)) for r in refused] == [(403, "permission_denied")] * 2
    assert (anonymous.status_code, error_code(anonymous)) == (401, "not_authenticated")
    assert world.audit_count() == events
    assert world.client.get(world.url("/me"), headers=scene["learner"].headers).status_code == 200


def test_an_admin_of_another_store_cannot_reach_the_customer(
    world: World, scene: dict[str, Any]
) -> None:
    world.ok(
        world.client.post(
            "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
        )
    )
    outsider = sign_up(world, "outsider@example.com", "Olga Outsider", store="other")
    world.ok(
        world.client.put(
            f"/api/v1/stores/other/admins/{outsider.id}",
            json={"permissions": ["store.manage"]},
            headers=world.owner.headers,
        )
    )

    through_own_store = erase(world, outsider, scene["learner"].id, store="other")
    through_theirs = erase(world, outsider, scene["learner"].id)

    assert (through_own_store.status_code, error_code(through_own_store)) == (
        404,
        "customer_not_found",
    )
    assert (through_theirs.status_code, error_code(through_theirs)) == (403, "not_a_customer")
    assert traces(world, {ADDRESS}) != []


def test_an_admin_cannot_erase_themselves(world: World) -> None:
    boss = admin(world)

    response = erase(world, boss, str(boss.id))

    assert (response.status_code, error_code(response)) == (409, "cannot_erase_self")
    assert world.client.get(world.url("/me"), headers=boss.headers).status_code == 200


def test_a_person_known_to_another_store_is_erased_here_only(world: World) -> None:
    world.ok(
        world.client.post(
            "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
        )
    )
    learner = sign_up(world)
    sign_up(world, store="other")  # the same login joins the other store
    with world.database.read() as session:
        acme = session.scalar(select(Store.id).where(Store.slug == "acme"))
    boss = admin(world)

    body = world.ok(erase(world, boss, str(learner.id)), 200)

    assert (body["login_erased"], body["tokens_revoked"]) == (False, 0)
    assert traces(world, forms(ADDRESS, NAME), store_id=acme) == []
    elsewhere = world.client.get("/api/v1/stores/other/me", headers=learner.headers)
    here = world.client.get(world.url("/me"), headers=learner.headers)
    assert elsewhere.json()["customer"]["email"] == ADDRESS
    assert (here.status_code, error_code(here)) == (403, "not_a_customer")
    rejoined = world.client.post(
        world.url("/customers"), json={"email": EMAIL, "name": NAME, "password": PASSWORD}
    )
    assert rejoined.status_code == 201 and rejoined.json()["id"] != learner.id


def test_the_installation_owner_login_is_never_erased_by_a_store(world: World) -> None:
    owner_customer = sign_up(world, "owner@example.com", "Olive Owner")
    boss = admin(world)

    body = world.ok(erase(world, boss, str(owner_customer.id)), 200)

    assert body["login_erased"] is False
    assert world.client.get("/api/v1/stores/acme", headers=world.owner.headers).status_code == 200


def test_two_admins_erasing_at_once_erase_once(world: World, scene: dict[str, Any]) -> None:
    boss, other_boss = (
        admin(world),
        world.customer("boss2@example.com", permissions=["store.manage"]),
    )
    callers = [access.authenticate_token(world.database, p.token) for p in (boss, other_boss)]
    events = world.audit_count()
    start = threading.Barrier(2)

    def race(caller: str) -> erasure.Erasure:
        start.wait()
        return erasure.erase_customer(world.database, caller, "acme", str(scene["learner"].id))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(race, callers))

    assert sorted(r.already_erased for r in results) == [False, True]
    assert results[0].email == results[1].email
    assert world.audit_count() == events + 3  # one link, one enrollment, one erasure
