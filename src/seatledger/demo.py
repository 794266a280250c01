"""The demo store: a few groups in a tree, agents and admins, loaded through the services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import Store
from seatledger.domain.permissions import Permission
from seatledger.services import accounts, admins, customers, groups, stores

DEMO_STORE = "demo"
DEMO_PASSWORD = "demo-password"
OWNER_EMAIL = "owner@demo.example.com"

ADMIN_EMAIL = "admin@demo.example.com"
AGENT_EMAIL = "agent@demo.example.com"
SALES_AGENT_EMAIL = "sales.agent@demo.example.com"
LEARNER_EMAIL = "learner@demo.example.com"


@dataclass(frozen=True)
class DemoSummary:
    store_slug: str
    password: str
    accounts: list[tuple[str, str]]


def load_demo(database: Database) -> DemoSummary:
    """Load the demo store once; later calls only report how to sign in."""
    summary = DemoSummary(
        store_slug=DEMO_STORE,
        password=DEMO_PASSWORD,
        accounts=[
            ("installation owner", OWNER_EMAIL),
            ("store admin (all permissions)", ADMIN_EMAIL),
            ("agent of Acme Engineering", AGENT_EMAIL),
            ("agent of Acme Sales", SALES_AGENT_EMAIL),
            ("learner", LEARNER_EMAIL),
        ],
    )
    with database.read() as session:
        if session.scalar(select(Store.id).where(Store.slug == DEMO_STORE)):
            return summary
    owner = accounts.create_owner(database, email=OWNER_EMAIL, password=DEMO_PASSWORD)
    stores.create_store(database, owner.id, slug=DEMO_STORE, name="Demo Training Store")

    def customer(email: str, name: str) -> str:
        return customers.sign_up(
            database, DEMO_STORE, email=email, name=name, password=DEMO_PASSWORD
        ).id

    admin = customer(ADMIN_EMAIL, "Avery Admin")
    admins.set_permissions(database, owner.id, DEMO_STORE, admin, list(Permission))
    agent = customer(AGENT_EMAIL, "Parker Agent")
    sales_agent = customer(SALES_AGENT_EMAIL, "Sasha Sales")
    customer(LEARNER_EMAIL, "Lee Learner")

    def group(name: str, code: str, parent: str | None = None) -> str:
        return groups.create_group(
            database, owner.id, DEMO_STORE, name=name, code=code, parent_id=parent
        ).id

    acme = group("Acme Corp", "ACME")
    engineering = group("Engineering", "ACME-ENG", acme)
    group("Platform team", "ACME-ENG-PLAT", engineering)
    group("Data team", "ACME-ENG-DATA", engineering)
    sales = group("Sales", "ACME-SALES", acme)
    globex = group("Globex", "GLOBEX")
    group("Globex Support", "GLOBEX-SUP", globex)
    groups.grant_agent(database, owner.id, DEMO_STORE, engineering, agent)
    groups.grant_agent(database, owner.id, DEMO_STORE, sales, sales_agent)
    return summary
