"""Assignment races on real parallel connections, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Enrollment, OutboxMessage, Seat
from seatledger.domain.errors import DomainError
from seatledger.domain.orders import PaymentMethod
from seatledger.services.assignment import assignments, redemption
from seatledger.services.people import customers
from seatledger.services.purchasing import checkout
from tests.integration.test_concurrency import PASSWORD, make_shop, race

BASE_URL = "http://seatledger.test"


@pytest.fixture
def shop(database: Database) -> dict[str, Any]:
    shop = make_shop(database)
    learners = [
        customers.sign_up(
            database, "race", email=f"learner{i}@example.com", name="L", password=PASSWORD
        )
        for i in range(8)
    ]
    order = checkout.place_order(
        database,
        shop["agent"],
        "race",
        lines=[checkout.LineRequest("PY", 3)],
        purchasing_group_id=shop["group"],
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    with database.read() as session:
        seat_ids = list(
            session.scalars(select(Seat.id).where(Seat.order_id == order.id).order_by(Seat.id))
        )
    return {**shop, "learners": learners, "seats": seat_ids}


def count(database: Database, model: Any, *where: Any) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_parallel_links_on_one_seat_have_one_winner(database: Database, shop: dict) -> None:
    seat = shop["seats"][0]

    results = race(
        6,
        lambda i: assignments.email_redemption_link(
            database, shop["agent"], "race", seat, email=f"person{i}@example.com", base_url=BASE_URL
        ),
    )

    winners = [r for r in results if not isinstance(r, DomainError)]
    assert len(winners) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} == {"seat_not_available"}
    assert count(database, Assignment, Assignment.seat_id == seat) == 1
    assert count(database, OutboxMessage) == 1


def test_one_token_redeemed_in_parallel_makes_one_enrollment(
    database: Database, shop: dict
) -> None:
    learner = shop["learners"][0]
    assignments.email_redemption_link(
        database, shop["agent"], "race", shop["seats"][0], email=learner.email, base_url=BASE_URL
    )
    with database.read() as session:
        body = session.scalar(select(OutboxMessage.text_body))
    token = re.search(r"/redeem/([A-Za-z0-9_-]+)", body or "").group(1)  # type: ignore[union-attr]

    results = race(6, lambda _: redemption.redeem(database, learner.user_id, token))

    assert len([r for r in results if not isinstance(r, DomainError)]) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} == {"link_used"}
    assert count(database, Enrollment) == 1


def test_parallel_assignments_never_give_out_more_than_the_seats(
    database: Database, shop: dict
) -> None:
    learners = shop["learners"]
    seats = shop["seats"]

    def assign(i: int) -> Any:
        for seat in seats:  # each learner tries every seat until one works
            try:
                return assignments.assign_seat(
                    database, shop["agent"], "race", seat, email=learners[i].email
                )
            except DomainError as error:
                if error.code != "seat_not_available":
                    raise
        return DomainError(code="no_seat_left")

    results = race(len(learners), assign)

    assert len([r for r in results if not isinstance(r, DomainError)]) == len(seats)
    assert count(database, Seat, Seat.status == "assigned") == len(seats)
    assert count(database, Enrollment) == len(seats)
    assert count(database, Assignment, Assignment.status == "redeemed") == len(seats)


def test_parallel_decisions_on_one_return_request_apply_once(
    database: Database, shop: dict
) -> None:
    from seatledger.db.models import Order
    from seatledger.services.refunding import returns

    request = returns.request_return(
        database,
        shop["agent"],
        "race",
        seat_ids=shop["seats"][:2],
        refund=True,
        reason="Over-purchased",
    )
    approve = [True, False, True, False, True, False]

    results = race(
        6, lambda i: returns.decide(database, shop["owner"], "race", request.id, approve=approve[i])
    )

    winners = [r for r in results if not isinstance(r, DomainError)]
    assert len(winners) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} == {"request_decided"}
    with database.read() as session:
        refunded = session.scalar(select(func.sum(Order.refunded_minor)))
        statuses = set(session.scalars(select(Seat.status).where(Seat.id.in_(shop["seats"][:2]))))
    if winners[0].status == "approved":
        assert (refunded, statuses) == (2000, {"refunded"})
    else:
        assert (refunded, statuses) == (0, {"available"})
