"""The maintained seat counts always equal a recount of the seats, whatever happens."""

from __future__ import annotations

import itertools
from contextlib import suppress

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from seatledger.db import seat_counts
from seatledger.db.engine import Database
from seatledger.db.models import Seat, Store
from seatledger.domain.errors import DomainError
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.products import ProductKind
from seatledger.domain.store_settings import StoreSettingsPatch
from seatledger.services.organization import groups
from seatledger.services.people import accounts, customers
from seatledger.services.purchasing.checkout import LineRequest, place_order
from seatledger.services.purchasing.payments import cancel_order, capture_order
from seatledger.services.seating import seats
from seatledger.services.storefront import catalog, stores

PASSWORD = "property-password"
_stores = itertools.count(1)


class SeatCountMachine(RuleBasedStateMachine):
    database: Database

    def __init__(self) -> None:
        super().__init__()
        number = next(_stores)
        self.slug = f"counts{number}"
        owner = accounts.create_owner(self.database, email="owner@example.com", password=PASSWORD)
        self.owner = owner.id
        stores.create_store(
            self.database, self.owner, slug=self.slug, name="Counts",
            settings=StoreSettingsPatch(allow_groupless_checkout=True),
        )  # fmt: skip
        for sku in ("A", "B"):
            catalog.create_product(
                self.database,
                self.owner,
                self.slug,
                sku=sku,
                name=sku,
                price="5.00",
                kind=ProductKind.FIXED,
            )
        agent = customers.sign_up(
            self.database,
            self.slug,
            email=f"agent{number}@example.com",
            name="Agent",
            password=PASSWORD,
        )
        self.agent = agent.user_id
        self.groups = [groups.create_group(self.database, self.owner, self.slug, name="Root").id]
        groups.grant_agent(self.database, self.owner, self.slug, self.groups[0], agent.id)
        self.unpaid: list[str] = []
        with self.database.read() as session:
            self.store_id = session.query(Store.id).filter(Store.slug == self.slug).scalar()

    @rule(parent=st.integers(min_value=0, max_value=20))
    def add_group(self, parent: int) -> None:
        parent_id = self.groups[parent % len(self.groups)]
        self.groups.append(
            groups.create_group(
                self.database, self.owner, self.slug, name="G", parent_id=parent_id
            ).id
        )

    @rule(
        group=st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
        sku=st.sampled_from(["A", "B"]),
        quantity=st.integers(min_value=1, max_value=7),
        invoice=st.booleans(),
    )
    def checkout(self, group: int | None, sku: str, quantity: int, invoice: bool) -> None:
        group_id = None if group is None else self.groups[group % len(self.groups)]
        order = place_order(
            self.database, self.agent, self.slug, lines=[LineRequest(sku, quantity)],
            purchasing_group_id=group_id,
            payment_method=PaymentMethod.INVOICE if invoice else PaymentMethod.TEST_CARD,
            card_number=None if invoice else "4242424242424242",
        )  # fmt: skip
        if invoice:
            self.unpaid.append(order.id)

    @precondition(lambda self: self.unpaid)
    @rule(pick=st.integers(min_value=0), capture=st.booleans())
    def settle(self, pick: int, capture: bool) -> None:
        order_id = self.unpaid.pop(pick % len(self.unpaid))
        action = capture_order if capture else cancel_order
        action(self.database, self.owner, self.slug, order_id)

    @rule(
        pick=st.integers(min_value=0),
        group=st.integers(min_value=0, max_value=20),
        as_agent=st.booleans(),
    )
    def set_owner_group(self, pick: int, group: int, as_agent: bool) -> None:
        with self.database.read() as session:
            ids = [
                row[0]
                for row in session.query(Seat.id)
                .filter(Seat.store_id == self.store_id)
                .order_by(Seat.id)
            ]
        if not ids:
            return
        caller = self.agent if as_agent else self.owner
        with suppress(DomainError):  # refusals must leave the counts untouched
            seats.set_owner_group(
                self.database,
                caller,
                self.slug,
                ids[pick % len(ids)],
                self.groups[group % len(self.groups)],
            )

    @rule(
        group=st.integers(min_value=1, max_value=20), parent=st.integers(min_value=0, max_value=20)
    )
    def move_group(self, group: int, parent: int) -> None:
        with suppress(DomainError):  # refusals must leave the counts untouched
            groups.update_group(
                self.database, self.owner, self.slug, self.groups[group % len(self.groups)],
                parent_id=self.groups[parent % len(self.groups)],
            )  # fmt: skip

    @invariant()
    def counters_equal_a_recount(self) -> None:
        with self.database.read() as session:
            assert seat_counts.stored(session, self.store_id) == seat_counts.recount(
                session, self.store_id
            )


def test_seat_counts_always_equal_a_recount(database: Database) -> None:
    SeatCountMachine.database = database
    run = SeatCountMachine.TestCase
    run.settings = settings(
        max_examples=15,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    run().runTest()
