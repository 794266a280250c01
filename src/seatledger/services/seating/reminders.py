"""Rule 33: reminders to learners of links they have not redeemed, and each agent's daily
warning of what of theirs is about to expire. Run by the periodic pass inside ``serve`` (and
``seatledger expire``); safe to run in several processes at once (docs/adr/0027).

A reminder is claimed by a conditional ``UPDATE ... RETURNING`` of the links' ``reminder_day``
in the transaction that queues its mail: of two passes racing for a link, one gets the row
back and mails; the other gets nothing. An agent's warning of a day is claimed by inserting
the ``(store, agent, day)`` row of ``expiry_warnings`` with the mail.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Assignment, ExpiryWarning, OutboxMessage, Product, Seat, Store
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.erasure import is_pseudonym
from seatledger.domain.reminders import ONE_DAY, reminder_day_due
from seatledger.mail.outbox import MailBatch
from seatledger.services.seating.expiry_warnings import warn_agents
from seatledger.services.storefront.stores import settings_of

logger = logging.getLogger("seatledger.reminders")
BATCH = 500
WARNINGS_KEPT = timedelta(days=7)  # claims of days long past are deleted


@dataclass(frozen=True)
class ReminderReport:
    reminders_sent: int
    warnings_sent: int


def remind_due(db: Database, *, now: datetime | None = None) -> ReminderReport:
    """Queue the reminders and warnings due in every store, in batches of short transactions."""
    now = now or utcnow()
    with db.read() as session:
        stores = [(store.id, store.name, settings_of(store)) for store in session.scalars(
            select(Store).order_by(Store.id)
        )]  # fmt: skip
    reminders = warnings = 0
    for store_id, store_name, settings in stores:
        if settings.link_reminder_days:
            reminders += _remind_store(db, store_id, store_name, settings.link_reminder_days, now)
        if settings.expiry_warning_days:
            with db.write() as session:
                warnings += warn_agents(
                    session, store_id, store_name, settings.expiry_warning_days, now
                )
    with db.write() as session:
        session.execute(
            delete(ExpiryWarning).where(ExpiryWarning.sent_on < (now - WARNINGS_KEPT).date())
        )
    return ReminderReport(reminders, warnings)


def _remind_store(
    db: Database, store_id: str, store_name: str, days: list[int], now: datetime
) -> int:
    sent = 0
    after: tuple[datetime, str] | None = None
    while True:
        with db.write() as session:
            rows = _candidates(session, store_id, days, now, after)
            sent += _claim_and_mail(session, store_id, store_name, days, rows, now)
        if len(rows) < BATCH:
            return sent
        after = (rows[-1].link_sent_at, rows[-1].id)


def _candidates(
    session: Session, store_id: str, days: list[int], now: datetime, after: Any
) -> list[Any]:
    """Pending links of the store sent at least the first reminder day ago, whose last
    reminder day is not yet reached, in the order of the index on (store, sent)."""
    query = (
        select(
            Assignment.id,
            Assignment.email,
            Assignment.link_sent_at,
            Assignment.reminder_day,
            Assignment.last_reminded_at,
            Assignment.link_expires_at,
            func.coalesce(Assignment.course_product_id, Seat.product_id).label("course_id"),
        )
        .join(Seat, Seat.id == Assignment.seat_id)
        .where(
            Assignment.store_id == store_id,
            Assignment.status == AssignmentStatus.PENDING,
            Assignment.link_sent_at <= now - timedelta(days=days[0]),
            Assignment.reminder_day < days[-1],
            Assignment.link_expires_at > now,
        )
        .order_by(Assignment.link_sent_at, Assignment.id)
        .limit(BATCH)
    )
    if after is not None:
        query = query.where(tuple_(Assignment.link_sent_at, Assignment.id) > tuple_(*after))
    return list(session.execute(query))


def _claim_and_mail(
    session: Session,
    store_id: str,
    store_name: str,
    days: list[int],
    rows: list[Any],
    now: datetime,
) -> int:
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row in rows:
        day = reminder_day_due(
            days,
            sent_at=row.link_sent_at,
            reminded_day=row.reminder_day,
            last_reminded_at=row.last_reminded_at,
            expires_at=row.link_expires_at,
            now=now,
        )
        if day is not None:
            groups[(row.reminder_day, day)].append(row.id)
    claimed: set[str] = set()
    for (seen, day), ids in groups.items():
        # The conditions again, on the row as it is now: a resend, a redemption, a cancel,
        # an expiry or another pass's claim since the read leaves the row unchanged here.
        result = session.execute(
            update(Assignment)
            .where(
                Assignment.id.in_(ids),
                Assignment.status == AssignmentStatus.PENDING,
                Assignment.reminder_day == seen,
                Assignment.link_sent_at <= now - timedelta(days=day),
                Assignment.link_expires_at > now,
                or_(
                    Assignment.last_reminded_at.is_(None),
                    Assignment.last_reminded_at <= now - ONE_DAY,
                ),
            )
            .values(reminder_day=day, last_reminded_at=now)
            .returning(Assignment.id)
            .execution_options(synchronize_session=False)
        )
        claimed.update(result.scalars())
    if not claimed:
        return 0
    courses = dict(
        session.execute(
            select(Product.id, Product.name).where(
                Product.id.in_({row.course_id for row in rows if row.id in claimed})
            )
        ).all()
    )
    batch = MailBatch(store_id)  # due at once, whatever clock the pass was given
    mails = [
        batch.row(
            row.email,
            "link_reminder",
            {
                "store_name": store_name,
                "course_name": courses.get(row.course_id, ""),
                "sent_on": row.link_sent_at.date(),
                "expires_at": row.link_expires_at.date(),
            },
        )
        for row in rows
        if row.id in claimed and not is_pseudonym(row.email)  # an erased person gets no mail
    ]
    if not mails:
        return 0
    session.execute(insert(OutboxMessage), mails)
    return len(mails)
