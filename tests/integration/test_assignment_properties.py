"""Random assign, link, redeem, cancel, unassign and transfer sequences keep seats whole."""

from __future__ import annotations

import itertools
import re
from contextlib import suppress

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, select

from seatledger.db import seat_counts
from seatledger.db.engine import Database
from seatledger.db.models import (
    Assignment,
    Enrollment,
    Order,
    OutboxMessage,
    ReturnRequest,
    ReturnRequestSeat,
    Seat,
    Store,
)
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.domain.errors import DomainError
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.products import ProductKind
from seatledger.services.assignment import assignments, redemption
from seatledger.services.organization import groups
from seatledger.services.people import accounts, customers
from seatledger.services.purchasing import checkout, payments
from seatledger.services.refunding import refunds, returns
from seatledger.services.storefront import catalog, stores

PASSWORD = "property-password"
BASE_URL = "http://seatledger.test"
_numbers = itertools.count(1)
LEARNERS = 4
SEATS = 4

pick = st.integers(min_value=0, max_value=50)


class AssignmentMachine(RuleBasedStateMachine):
    database: Database

    def __init__(self) -> None:
        super().__init__()
        n = next(_numbers)
        self.slug = f"assign{n}"
        db = self.database
        owner = accounts.create_owner(db, email="owner@example.com", password=PASSWORD)
        self.owner = owner.id
        stores.create_store(db, owner.id, slug=self.slug, name="Props")
        catalog.create_product(
            db,
            owner.id,
            self.slug,
            sku="PY",
            name="Py",
            price="1.00",
            kind=ProductKind.FIXED,
        )
        group = self.group = groups.create_group(db, owner.id, self.slug, name="G").id
        agent = customers.sign_up(
            db, self.slug, email=f"agent{n}@example.com", name="A", password=PASSWORD
        )
        groups.grant_agent(db, owner.id, self.slug, group, agent.id)
        self.agent = agent.user_id
        self.learners = [
            customers.sign_up(
                db, self.slug, email=f"l{n}-{i}@example.com", name="L", password=PASSWORD
            )
            for i in range(LEARNERS)
        ]
        order = checkout.place_order(
            db,
            agent.user_id,
            self.slug,
            lines=[checkout.LineRequest("PY", SEATS)],
            purchasing_group_id=group,
            payment_method=PaymentMethod.TEST_CARD,
            card_number="4242424242424242",
        )
        with db.read() as session:
            self.order_id = order.id
            self.seats = list(
                session.scalars(select(Seat.id).where(Seat.order_id == order.id).order_by(Seat.id))
            )
            self.store_id = session.scalar(select(Store.id).where(Store.slug == self.slug))

    def _seat(self, i: int) -> str:
        return self.seats[i % len(self.seats)]

    def _learner(self, i: int):  # type: ignore[no-untyped-def]
        return self.learners[i % len(self.learners)]

    @rule(seat=pick, learner=pick)
    def assign(self, seat: int, learner: int) -> None:
        with suppress(DomainError):
            assignments.assign_seat(
                self.database,
                self.agent,
                self.slug,
                self._seat(seat),
                email=self._learner(learner).email,
            )

    @rule(seat=pick, learner=pick)
    def send_link(self, seat: int, learner: int) -> None:
        with suppress(DomainError):
            assignments.email_redemption_link(
                self.database,
                self.agent,
                self.slug,
                self._seat(seat),
                email=self._learner(learner).email,
                base_url=BASE_URL,
            )

    @rule(seat=pick)
    def resend(self, seat: int) -> None:
        with suppress(DomainError):
            assignments.resend_redemption_link(
                self.database, self.agent, self.slug, self._seat(seat), base_url=BASE_URL
            )

    @rule(seat=pick)
    def cancel(self, seat: int) -> None:
        with suppress(DomainError):
            assignments.cancel_redemption_link(
                self.database, self.agent, self.slug, self._seat(seat)
            )

    @rule(mail=pick, learner=pick)
    def redeem(self, mail: int, learner: int) -> None:
        with self.database.read() as session:
            bodies = list(
                session.scalars(
                    select(OutboxMessage.text_body)
                    .where(
                        OutboxMessage.store_id == self.store_id,
                        OutboxMessage.template == "redemption_link",
                    )
                    .order_by(OutboxMessage.id)
                )
            )
        if not bodies:
            return
        token = re.search(r"/redeem/([A-Za-z0-9_-]+)", bodies[mail % len(bodies)]).group(1)  # type: ignore[union-attr]
        with suppress(DomainError):
            redemption.redeem(self.database, self._learner(learner).user_id, token)

    @rule(seat=pick, outcome=st.sampled_from(list(UnassignOutcome)))
    def unassign(self, seat: int, outcome: UnassignOutcome) -> None:
        with suppress(DomainError):
            assignments.unassign_seat(
                self.database, self.owner, self.slug, self._seat(seat), outcome=outcome
            )

    @rule(
        seat=pick,
        learner=pick,
        instant=st.booleans(),
        outcome=st.sampled_from(list(UnassignOutcome)),
    )
    def transfer(self, seat: int, learner: int, instant: bool, outcome: UnassignOutcome) -> None:
        with suppress(DomainError):
            assignments.transfer_seat(
                self.database,
                self.owner,
                self.slug,
                self._seat(seat),
                email=self._learner(learner).email,
                mode="instant" if instant else "email",
                outcome=outcome,
                base_url=BASE_URL,
            )

    @rule(seat=pick)
    def refund(self, seat: int) -> None:
        seat_id = self._seat(seat)
        with self.database.read() as session:
            order_id = session.scalar(select(Seat.order_id).where(Seat.id == seat_id))
        with suppress(DomainError):
            refunds.refund_seats(self.database, self.owner, self.slug, order_id, seat_ids=[seat_id])

    @rule(seat=pick, refund=st.booleans())
    def request_return(self, seat: int, refund: bool) -> None:
        with suppress(DomainError):
            returns.request_return(
                self.database,
                self.owner,
                self.slug,
                seat_ids=[self._seat(seat)],
                refund=refund,
                reason="r",
            )

    @rule(which=pick, approve=st.booleans(), outcome=st.sampled_from(list(UnassignOutcome)))
    def decide_return(self, which: int, approve: bool, outcome: UnassignOutcome) -> None:
        pending = returns.list_requests(
            self.database, self.owner, self.slug, status="pending", limit=500
        ).items
        if pending:
            request = pending[which % len(pending)]
            returns.decide(
                self.database, self.owner, self.slug, request.id, approve=approve, outcome=outcome
            )

    @rule(quantity=st.integers(min_value=1, max_value=3), invoice=st.booleans())
    def buy(self, quantity: int, invoice: bool) -> None:
        order = checkout.place_order(
            self.database,
            self.agent,
            self.slug,
            lines=[checkout.LineRequest("PY", quantity)],
            purchasing_group_id=self.group,
            payment_method=PaymentMethod.INVOICE if invoice else PaymentMethod.TEST_CARD,
            card_number=None if invoice else "4242424242424242",
        )
        if invoice:
            payments.capture_order(self.database, self.owner, self.slug, order.id)
        with self.database.read() as session:
            self.seats += list(session.scalars(select(Seat.id).where(Seat.order_id == order.id)))

    @invariant()
    def money_matches_refunded_seats(self) -> None:
        with self.database.read() as session:
            for order in session.scalars(select(Order).where(Order.store_id == self.store_id)):
                refunded = session.scalar(
                    select(func.coalesce(func.sum(Seat.price_minor), 0)).where(
                        Seat.order_id == order.id, Seat.status == "refunded"
                    )
                )
                assert order.refunded_minor == refunded <= order.total_minor

    @invariant()
    def seats_stay_whole(self) -> None:
        with self.database.read() as session:
            seats = dict(
                session.execute(
                    select(Seat.id, Seat.status).where(Seat.store_id == self.store_id)
                ).all()
            )
            live = session.execute(
                select(Assignment.seat_id, Assignment.status, Assignment.enrollment_id).where(
                    Assignment.store_id == self.store_id,
                    Assignment.status.in_(("pending", "redeemed")),
                )
            ).all()
            per_seat = session.execute(
                select(Assignment.seat_id, func.count())
                .where(
                    Assignment.store_id == self.store_id,
                    Assignment.status.in_(("pending", "redeemed")),
                )
                .group_by(Assignment.seat_id)
            ).all()
            live_enrollments = session.execute(
                select(Enrollment.id, Enrollment.seat_id).where(
                    Enrollment.store_id == self.store_id,
                    Enrollment.status.in_(("not_started", "in_progress")),
                )
            ).all()
            assert all(n == 1 for _, n in per_seat), "a seat has two live assignments"
            pending_returns = set(
                session.scalars(
                    select(ReturnRequestSeat.seat_id)
                    .join(ReturnRequest, ReturnRequest.id == ReturnRequestSeat.request_id)
                    .where(
                        ReturnRequest.store_id == self.store_id, ReturnRequest.status == "pending"
                    )
                )
            )
            expected_status = {
                seat: "refunded" if status == "refunded" else "available"
                for seat, status in seats.items()
            }
            for seat_id, status, _ in live:
                expected_status[seat_id] = "awaiting" if status == "pending" else "assigned"
            for seat_id in pending_returns:
                expected_status[seat_id] = "return_pending"
            assert seats == expected_status
            by_seat = {
                seat_id: enrollment_id
                for seat_id, status, enrollment_id in live
                if status == "redeemed"
            }
            assert sorted(seat for _, seat in live_enrollments) == sorted(by_seat)
            assert {e for e, _ in live_enrollments} == set(by_seat.values())
            assert seat_counts.stored(session, self.store_id) == seat_counts.recount(
                session, self.store_id
            )


def test_assignment_sequences_keep_every_invariant(database: Database) -> None:
    AssignmentMachine.database = database
    run = AssignmentMachine.TestCase
    run.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    run().runTest()
