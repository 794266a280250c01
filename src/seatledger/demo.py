"""The demo store: a few groups in a tree, agents and admins, loaded through the services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import Seat, Store
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.permissions import Permission
from seatledger.domain.products import ProductKind
from seatledger.domain.store_settings import StoreSettingsPatch
from seatledger.services.assignment import assignments
from seatledger.services.organization import groups
from seatledger.services.people import accounts, admins, customers
from seatledger.services.purchasing import checkout, payments
from seatledger.services.storefront import catalog, stores

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
    accounts: list[tuple[str, str, str]]  # who, email, the page to start from


def load_demo(database: Database, *, base_url: str = "http://127.0.0.1:8000") -> DemoSummary:
    """Load the demo store once; later calls only report how to sign in."""
    summary = DemoSummary(
        store_slug=DEMO_STORE,
        password=DEMO_PASSWORD,
        accounts=[
            ("owner", OWNER_EMAIL, "/admin"),
            ("admin, every right", ADMIN_EMAIL, "/admin"),
            ("agent, Engineering", AGENT_EMAIL, "/agent"),
            ("agent, Sales", SALES_AGENT_EMAIL, "/agent"),
            ("learner", LEARNER_EMAIL, "/training"),
        ],
    )
    with database.read() as session:
        if session.scalar(select(Store.id).where(Store.slug == DEMO_STORE)):
            return summary
    owner = accounts.create_owner(database, email=OWNER_EMAIL, password=DEMO_PASSWORD)
    stores.create_store(database, owner.id, slug=DEMO_STORE, name="Demo Training Store")

    def customer(email: str, name: str) -> customers.CustomerView:
        return customers.sign_up(
            database, DEMO_STORE, email=email, name=name, password=DEMO_PASSWORD
        )

    admin = customer(ADMIN_EMAIL, "Avery Admin")
    admins.set_permissions(database, owner.id, DEMO_STORE, admin.id, list(Permission))
    agent = customer(AGENT_EMAIL, "Parker Agent")
    sales_agent = customer(SALES_AGENT_EMAIL, "Sasha Sales")
    customer(LEARNER_EMAIL, "Lee Learner")

    def group(name: str, code: str, parent: str | None = None) -> str:
        return groups.create_group(
            database, owner.id, DEMO_STORE, name=name, code=code, parent_id=parent
        ).id

    acme = group("Acme Corp", "ACME")
    engineering = group("Engineering", "ACME-ENG", acme)
    platform = group("Platform team", "ACME-ENG-PLAT", engineering)
    group("Data team", "ACME-ENG-DATA", engineering)
    sales = group("Sales", "ACME-SALES", acme)
    globex = group("Globex", "GLOBEX")
    group("Globex Support", "GLOBEX-SUP", globex)
    groups.grant_agent(database, owner.id, DEMO_STORE, engineering, agent.id)
    groups.grant_agent(database, owner.id, DEMO_STORE, sales, sales_agent.id)
    _load_orders(
        database,
        owner.id,
        agent_user=agent.user_id,
        sales_user=sales_agent.user_id,
        engineering=engineering,
        platform=platform,
        sales=sales,
        base_url=base_url,
    )
    return summary


def _load_orders(
    database: Database,
    owner: str,
    *,
    agent_user: str,
    sales_user: str,
    engineering: str,
    platform: str,
    sales: str,
    base_url: str,
) -> None:
    """Products, and orders with and without groups in several payment states."""
    fixed = ProductKind.FIXED
    for sku, name, price in [
        ("PY101", "Python Fundamentals", "149.00"),
        ("SQL201", "SQL for Analysts", "199.00"),
        ("SEC301", "Secure Coding", "249.00"),
    ]:
        catalog.create_product(
            database, owner, DEMO_STORE, sku=sku, name=name, price=price, kind=fixed
        )
    catalog.create_product(
        database,
        owner,
        DEMO_STORE,
        sku="ANY-COURSE",
        name="Any one course",
        price="179.00",
        kind=ProductKind.OPEN_ENDED,
        option_skus=["PY101", "SQL201", "SEC301"],
    )
    stores.update_store(
        database, owner, DEMO_STORE, settings=StoreSettingsPatch(allow_groupless_checkout=True)
    )

    def buy(user: str, group: str | None, sku: str, quantity: int, method: PaymentMethod) -> str:
        card = "4242424242424242" if method is PaymentMethod.TEST_CARD else None
        return checkout.place_order(
            database,
            user,
            DEMO_STORE,
            lines=[checkout.LineRequest(sku, quantity)],
            purchasing_group_id=group,
            payment_method=method,
            card_number=card,
        ).id

    python_order = buy(agent_user, engineering, "PY101", 20, PaymentMethod.TEST_CARD)
    buy(agent_user, platform, "SEC301", 8, PaymentMethod.TEST_CARD)
    invoice = buy(agent_user, platform, "SQL201", 10, PaymentMethod.INVOICE)
    payments.capture_order(database, owner, DEMO_STORE, invoice)  # the admin marks it paid
    buy(agent_user, None, "ANY-COURSE", 5, PaymentMethod.TEST_CARD)  # ungrouped: set its group
    buy(sales_user, sales, "PY101", 12, PaymentMethod.TEST_CARD)
    buy(sales_user, sales, "SQL201", 6, PaymentMethod.INVOICE)  # waits for payment
    cancelled = buy(sales_user, sales, "SEC301", 3, PaymentMethod.INVOICE)
    payments.cancel_order(database, sales_user, DEMO_STORE, cancelled)
    _assign_some(database, agent_user, python_order, base_url)


def _assign_some(database: Database, agent_user: str, order_id: str, base_url: str) -> None:
    """Seats in several states: one enrolled learner, links out, one link redeemed."""
    with database.read() as session:
        seat_ids = list(
            session.scalars(select(Seat.id).where(Seat.order_id == order_id).order_by(Seat.id))
        )
    assignments.assign_seat(database, agent_user, DEMO_STORE, seat_ids[0], email=LEARNER_EMAIL)
    for seat_id, email in zip(
        seat_ids[1:4],
        ["new.hire@demo.example.com", "contractor@demo.example.com", "intern@demo.example.com"],
        strict=False,
    ):
        assignments.email_redemption_link(
            database,
            agent_user,
            DEMO_STORE,
            seat_id,
            email=email,
            base_url=base_url,
            message="Welcome to the team: this course is on us.",
        )
