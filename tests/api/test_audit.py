from __future__ import annotations

import pytest

from tests.api.conftest import World, error_code


def test_every_change_leaves_an_event_with_actor_before_and_after(world: World) -> None:
    admin = world.customer(permissions=["groups.manage", "audit.view"])
    group = world.client.post(
        world.url("/groups"), json={"name": "Audited"}, headers=admin.headers
    ).json()

    events = world.client.get(
        world.url("/audit"), params={"actor_id": admin.id}, headers=admin.headers
    ).json()

    assert [e["action"] for e in events["items"]] == ["customer.signed_up", "group.created"]
    event = events["items"][-1]
    assert (event["entity"], event["entity_id"]) == ("purchasing_group", group["id"])
    assert event["before"] is None
    assert event["after"]["name"] == "Audited"
    assert event["at"].endswith("Z") or event["at"].endswith("+00:00")


def test_audit_filters_by_learner_email_and_since(world: World) -> None:
    person = world.customer("filter.me@example.com")
    everything = world.client.get(world.url("/audit"), headers=world.owner.headers).json()["items"]

    by_email = world.client.get(
        world.url("/audit"),
        params={"learner_email": "FILTER.ME@example.com"},
        headers=world.owner.headers,
    ).json()["items"]
    since_last = world.client.get(
        world.url("/audit"), params={"since": everything[-1]["at"]}, headers=world.owner.headers
    ).json()["items"]

    assert [e["entity_id"] for e in by_email if e["action"] == "customer.signed_up"] == [person.id]
    assert everything[-1]["id"] in {e["id"] for e in since_last}
    assert len(since_last) < len(everything)


def test_audit_trail_is_append_only_in_the_database(world: World) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    world.group("Something")
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), world.database.write() as session:
            session.execute(text(statement))


def test_a_bad_since_is_a_validation_error(world: World) -> None:
    response = world.client.get(
        world.url("/audit"), params={"since": "yesterday"}, headers=world.owner.headers
    )

    assert (response.status_code, error_code(response)) == (422, "validation_error")


def test_agents_read_the_history_of_their_own_seats_only(world: World) -> None:
    world.product("PY101")
    mine, theirs = world.group("Mine"), world.group("Theirs")
    agent = world.customer(agent_of=(mine["id"],))
    other = world.customer(agent_of=(theirs["id"],))
    world.order(agent, mine["id"], quantity=2)
    world.order(other, theirs["id"], quantity=3)
    my_seats = {s["id"] for s in world.seats(agent)}

    events = world.client.get(world.url("/audit"), headers=agent.headers).json()["items"]

    assert {e["entity_id"] for e in events} == my_seats
    assert {e["action"] for e in events} == {"seat.created"}


@pytest.mark.parametrize(
    "since", ["2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00+02:00"]
)
def test_since_takes_dates_and_times_without_offsets_as_utc(world: World, since: str) -> None:
    response = world.client.get(
        world.url("/audit"), params={"since": since}, headers=world.owner.headers
    )

    assert response.status_code == 200
    assert len(response.json()["items"]) > 0


@pytest.mark.parametrize("since", ["0.5", "1700000000", "tomorrow"])
def test_since_refuses_numbers_and_words(world: World, since: str) -> None:
    response = world.client.get(
        world.url("/audit"), params={"since": since}, headers=world.owner.headers
    )

    assert (response.status_code, error_code(response)) == (422, "validation_error")
