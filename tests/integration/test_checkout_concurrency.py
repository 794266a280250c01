"""Checkout races on real parallel connections, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from seatledger.db.engine import Database
from seatledger.db.models import Order, Seat
from seatledger.domain.errors import DomainError
from seatledger.domain.orders import PaymentMethod
from seatledger.services.purchasing.checkout import LineRequest, place_order
from seatledger.services.purchasing.payments import cancel_order, capture_order
from tests.integration.test_concurrency import make_shop, race


@pytest.fixture
def shop(database: Database) -> dict[str, Any]:
    return make_shop(database)


def checkout(
    database: Database, shop: dict[str, Any], *, key: str | None, method: PaymentMethod
) -> Any:
    return place_order(
        database, shop["agent"], "race", lines=[LineRequest("PY", 50)],
        purchasing_group_id=shop["group"], payment_method=method,
        card_number="4242424242424242" if method is PaymentMethod.TEST_CARD else None,
        idempotency_key=key,
    )  # fmt: skip


def counts(database: Database) -> tuple[int, int]:
    with database.read() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Order)) or 0),
            int(session.scalar(select(func.count()).select_from(Seat)) or 0),
        )


def test_parallel_checkouts_with_one_idempotency_key_make_one_order(
    database: Database, shop: dict
) -> None:
    results = race(
        6, lambda _: checkout(database, shop, key="same-key", method=PaymentMethod.TEST_CARD)
    )

    assert all(not isinstance(r, DomainError) for r in results), results
    assert len({r.id for r in results}) == 1
    assert counts(database) == (1, 50)


def test_parallel_checkouts_without_a_key_get_distinct_numbers(
    database: Database, shop: dict
) -> None:
    results = race(5, lambda _: checkout(database, shop, key=None, method=PaymentMethod.TEST_CARD))

    assert sorted(r.number for r in results) == [1, 2, 3, 4, 5]
    assert counts(database) == (5, 250)


def test_parallel_captures_create_the_seats_once(database: Database, shop: dict) -> None:
    order = checkout(database, shop, key=None, method=PaymentMethod.INVOICE)

    results = race(4, lambda _: capture_order(database, shop["owner"], "race", order.id))

    assert sorted(getattr(r, "code", "ok") for r in results) == ["ok"] + ["order_already_paid"] * 3
    assert counts(database) == (1, 50)


def test_capture_racing_cancel_leaves_either_seats_or_none(database: Database, shop: dict) -> None:
    order = checkout(database, shop, key=None, method=PaymentMethod.INVOICE)
    actions = [
        lambda: capture_order(database, shop["owner"], "race", order.id),
        lambda: cancel_order(database, shop["owner"], "race", order.id),
    ]

    results = race(2, lambda i: actions[i]())

    winners = [r for r in results if not isinstance(r, DomainError)]
    assert len(winners) == 1
    assert counts(database) == (1, 50 if winners[0].status == "paid" else 0)


def test_parallel_refunds_of_one_seat_pay_once(database: Database, shop: dict) -> None:
    from seatledger.services.refunding import refunds

    order = checkout(database, shop, key=None, method=PaymentMethod.TEST_CARD)
    with database.read() as session:
        seat_id = session.scalar(select(Seat.id).where(Seat.order_id == order.id).limit(1))

    results = race(
        5,
        lambda _: refunds.refund_seats(
            database, shop["owner"], "race", order.id, seat_ids=[seat_id]
        ),
    )

    assert sorted(getattr(r, "code", "ok") for r in results) == ["ok"] + ["seat_not_available"] * 4
    with database.read() as session:
        assert session.get(Order, order.id).refunded_minor == 1000  # one seat of 10.00
