"""The agent portal's read model: the groups an agent manages, as a tree with capacity."""

from __future__ import annotations

from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import User
from seatledger.demo import (
    ADMIN_EMAIL,
    AGENT_EMAIL,
    DEMO_STORE,
    LEARNER_EMAIL,
    SALES_AGENT_EMAIL,
    load_demo,
)
from seatledger.domain.seats import SeatStatus
from seatledger.queries import agent_portal


def _user(database: Database, email: str) -> str:
    with database.read() as session:
        return str(session.scalar(select(User.id).where(User.email == email)))


def test_an_agent_manages_their_granted_group_and_its_subtree(database: Database) -> None:
    load_demo(database)

    roots = agent_portal.managed_groups(database, _user(database, AGENT_EMAIL), DEMO_STORE)

    assert [(root.name, root.is_granted) for root in roots] == [("Engineering", True)]
    engineering = roots[0]
    assert [(c.name, c.is_granted) for c in engineering.children] == [
        ("Data team", False),
        ("Platform team", False),
    ]
    (python,) = engineering.products
    assert python.sku == "PY101"
    assert python.counts[SeatStatus.AVAILABLE] == 16
    assert python.counts[SeatStatus.AWAITING] == 3
    assert python.counts[SeatStatus.ASSIGNED] == 1
    platform = engineering.children[1]
    assert sorted(line.sku for line in platform.products) == ["SEC301", "SQL201"]
    assert [node.name for _, node in agent_portal.flatten(roots)] == [
        "Engineering",
        "Data team",
        "Platform team",
    ]


def test_an_agent_of_sales_sees_only_sales(database: Database) -> None:
    load_demo(database)

    roots = agent_portal.managed_groups(database, _user(database, SALES_AGENT_EMAIL), DEMO_STORE)

    assert [(root.name, root.children) for root in roots] == [("Sales", [])]


def test_admins_and_learners_who_are_agents_of_nothing_manage_no_groups(database: Database) -> None:
    load_demo(database)

    for email in (ADMIN_EMAIL, LEARNER_EMAIL):
        assert agent_portal.managed_groups(database, _user(database, email), DEMO_STORE) == []
