"""Races on real parallel connections: the database decides, exactly one request wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from seatledger.db.engine import Database
from seatledger.db.models import AgentGrant, AuditEvent, PurchasingGroup, User
from seatledger.domain.errors import DomainError
from seatledger.domain.products import ProductKind
from seatledger.services.organization import groups
from seatledger.services.people import accounts, admins, customers
from seatledger.services.storefront import catalog, stores

PASSWORD = "parallel-password"


def race(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run ``action(i)`` in ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait()
        try:
            return action(index)
        except DomainError as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def make_shop(database: Database) -> dict[str, Any]:
    """Store "race" with product PY (10.00), group G and an agent of it: ids by name."""
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
    stores.create_store(database, owner.id, slug="race", name="Race")
    catalog.create_product(
        database,
        owner.id,
        "race",
        sku="PY",
        name="Py",
        price="10.00",
        kind=ProductKind.FIXED,
    )
    group = groups.create_group(database, owner.id, "race", name="G")
    agent = customers.sign_up(
        database, "race", email="agent@example.com", name="Agent", password=PASSWORD
    )
    groups.grant_agent(database, owner.id, "race", group.id, agent.id)
    return {"owner": owner.id, "group": group.id, "agent": agent.user_id}


def make_store(database: Database) -> str:
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
    stores.create_store(database, owner.id, slug="race", name="Race")
    return owner.id


def count(database: Database, model: Any, *where: Any) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_opposite_moves_in_parallel_never_make_a_cycle(database: Database) -> None:
    owner = make_store(database)
    a = groups.create_group(database, owner, "race", name="A").id
    b = groups.create_group(database, owner, "race", name="B").id
    moves = [(a, b), (b, a)]

    results = race(
        2,
        lambda i: groups.update_group(database, owner, "race", moves[i][0], parent_id=moves[i][1]),
    )

    errors = [r for r in results if isinstance(r, DomainError)]
    assert [e.code for e in errors] == ["group_cycle"]
    with database.read() as session:
        parents = dict(session.execute(select(PurchasingGroup.id, PurchasingGroup.parent_id)).all())
    assert None in (parents[a], parents[b])


def test_parallel_sign_ups_with_one_email_make_one_account(database: Database) -> None:
    make_store(database)

    results = race(
        6,
        lambda i: customers.sign_up(
            database,
            "race",
            email=f"{'SAME' if i % 2 else 'same'}@example.com",
            name="Same",
            password=PASSWORD,
        ),
    )

    winners = [r for r in results if not isinstance(r, DomainError)]
    assert len(winners) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} == {"email_taken"}
    assert count(database, User, User.email == "same@example.com") == 1


def test_parallel_grants_of_one_role_make_one_grant_and_one_event(database: Database) -> None:
    owner = make_store(database)
    group = groups.create_group(database, owner, "race", name="G").id
    agent = customers.sign_up(
        database, "race", email="agent@example.com", name="Agent", password=PASSWORD
    )

    results = race(6, lambda _: groups.grant_agent(database, owner, "race", group, agent.id))

    assert all(not isinstance(r, DomainError) for r in results), results
    assert count(database, AgentGrant) == 1
    assert count(database, AuditEvent, AuditEvent.action == "agent.granted") == 1


def test_parallel_permission_changes_leave_one_complete_set(database: Database) -> None:
    owner = make_store(database)
    admin = customers.sign_up(
        database, "race", email="admin@example.com", name="Admin", password=PASSWORD
    )
    choices = [["groups.view"], ["seats.view", "audit.view"], ["store.manage"], ["orders.manage"]]

    results = race(
        4, lambda i: admins.set_permissions(database, owner, "race", admin.id, choices[i])
    )

    assert all(not isinstance(r, DomainError) for r in results), results
    (final,) = admins.list_admins(database, owner, "race")
    assert final.permissions in [sorted(c) for c in choices]


def test_parallel_stores_with_one_slug_make_one_store(database: Database) -> None:
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)

    results = race(4, lambda _: stores.create_store(database, owner.id, slug="same", name="Same"))

    assert sorted(type(r).__name__ for r in results) == [
        "Conflict",
        "Conflict",
        "Conflict",
        "Store",
    ]
