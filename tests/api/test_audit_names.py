"""The emails behind audit events' actor ids (services/audit_names.py)."""

from __future__ import annotations

from typing import Any

from seatledger.queries.audit_names import actor_emails
from seatledger.services.people import access
from tests.api.conftest import STORE, World


def _user(world: World, person: Any) -> str:
    return access.authenticate_token(world.database, person.token)


def test_auditors_see_the_emails_of_customers_and_users(world: World) -> None:
    auditor = world.customer("auditor@example.com", permissions=["audit.view"])
    other = world.customer("other@example.com")
    owner_id = _user(world, world.owner)

    emails = actor_emails(
        world.database, _user(world, auditor), STORE, [other.id, owner_id, None, "unknown"]
    )

    assert emails == {other.id: "other@example.com", owner_id: "owner@example.com"}


def test_others_get_no_names(world: World) -> None:
    agent = world.customer("agent@example.com")

    assert actor_emails(world.database, _user(world, agent), STORE, [agent.id]) == {}
