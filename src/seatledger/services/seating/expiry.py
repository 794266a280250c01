"""Expiry: stale redemption links free their seats; unassigned seats past redeem-by expire."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db import seat_writes
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, Seat
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.errors import Conflict
from seatledger.domain.seats import SeatMove, SeatStatus
from seatledger.mail.worker import SENT_MAIL_KEPT, prune_sent
from seatledger.services.audit_trail import audit
from seatledger.services.seating.reminders import remind_due

logger = logging.getLogger("seatledger.expiry")
SYSTEM = Actor(user_id=None)
BATCH = 500


@dataclass(frozen=True)
class ExpiryReport:
    links_expired: int
    seats_expired: int


def expire_due(db: Database, *, now: datetime | None = None) -> ExpiryReport:
    """Expire what is due, in batches of short transactions; safe to run from several places."""
    now = now or utcnow()
    links = seats = 0
    while True:
        found, done = _expire_links(db, now)
        links += done
        if found < BATCH:
            break
    while True:
        found, done = _expire_seats(db, now)
        seats += done
        if found < BATCH:
            break
    return ExpiryReport(links, seats)


def _due(session: Session, query: Any) -> list[Any]:
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another expirer takes other rows
    return list(session.scalars(query.limit(BATCH)))


def _expire_links(db: Database, now: datetime) -> tuple[int, int]:
    """(links found stale, links expired): each in a savepoint, re-checked as it is changed."""
    expired = 0
    with db.write() as session:
        stale = _due(
            session,
            select(Assignment).where(
                Assignment.status == AssignmentStatus.PENDING, Assignment.link_expires_at <= now
            ),
        )
        for assignment in stale:
            try:
                with session.begin_nested():
                    _expire_link(session, assignment, now)
                expired += 1
            except Conflict:  # cancelled, resent or redeemed meanwhile: not ours to expire
                continue
    return len(stale), expired


def _expire_link(session: Session, assignment: Assignment, now: datetime) -> None:
    changed = changed_rows(
        session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment.id,
                Assignment.status == AssignmentStatus.PENDING,
                Assignment.link_expires_at <= now,
            )
            .values(status=AssignmentStatus.EXPIRED, ended_at=now)
        )
    )
    if changed != 1:
        raise Conflict(code="link_changed")
    seat = session.get(Seat, assignment.seat_id)
    assert seat is not None
    seat_writes.transition(session, seat, SeatMove.EXPIRE_LINK)
    audit.record(
        session,
        store_id=seat.store_id,
        actor=SYSTEM,
        action="seat.link_expired",
        entity="seat",
        entity_id=seat.id,
        seat_id=seat.id,
        order_id=seat.order_id,
        group_id=seat.owner_group_id,
        learner_email=assignment.email,
        after={"status": seat.status},
    )


def _expire_seats(db: Database, now: datetime) -> tuple[int, int]:
    """(seats found due, seats expired)."""
    expired = 0
    with db.write() as session:
        due = _due(
            session,
            select(Seat).where(Seat.status == SeatStatus.AVAILABLE.value, Seat.redeem_by <= now),
        )
        for seat in due:
            try:
                seat_writes.transition(session, seat, SeatMove.EXPIRE)
            except Conflict:  # assigned meanwhile: nothing to expire
                continue
            expired += 1
            audit.record(
                session,
                store_id=seat.store_id,
                actor=SYSTEM,
                action="seat.expired",
                entity="seat",
                entity_id=seat.id,
                seat_id=seat.id,
                order_id=seat.order_id,
                group_id=seat.owner_group_id,
                after={"status": seat.status},
            )
    return len(due), expired


class ExpiryWorker:
    """Runs ``expire_due`` every ``interval`` seconds in a background thread (inside serve),
    then ``remind_due`` (rule 33's reminders and warnings), and prunes mail sent longer than
    ``sent_mail_kept`` ago."""

    def __init__(
        self, db: Database, *, interval: float = 60.0, sent_mail_kept: timedelta = SENT_MAIL_KEPT
    ) -> None:
        self.db, self.interval, self.sent_mail_kept = db, interval, sent_mail_kept
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="seatledger-expiry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = expire_due(self.db)
                if report.links_expired or report.seats_expired:
                    logger.info(
                        "expired %s links and %s seats", report.links_expired, report.seats_expired
                    )
                reminded = remind_due(self.db)
                if reminded.reminders_sent or reminded.warnings_sent:
                    logger.info(
                        "queued %s reminders and %s expiry warnings",
                        reminded.reminders_sent,
                        reminded.warnings_sent,
                    )
                # Several processes may prune at once: a plain DELETE by age, each row once.
                if pruned := prune_sent(self.db, keep=self.sent_mail_kept):
                    logger.info("pruned %s sent mails", pruned)
            except Exception:  # keep the worker alive; the next pass retries
                logger.exception("expiry pass failed")
            self._stop.wait(self.interval)
