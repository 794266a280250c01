"""Delivering the outbox: claim due messages, send them, record what happened.

A pass claims a batch in one short transaction by pushing each message's
``next_attempt_at`` forward by a lease, sends outside any transaction, then records each
outcome in its own short transaction. No failure ever deletes a message: it waits with
exponential backoff and is tried again. Decisions and numbers: docs/adr/0010-mail-outbox.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, select, update

from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import OutboxMessage
from seatledger.mail.sender import MailSender, MailServerUnavailable, SmtpSender, build_message

if TYPE_CHECKING:
    from seatledger.config import Settings

logger = logging.getLogger("seatledger.mail")

LEASE = timedelta(seconds=60)  # how long a claimed message is hidden from other workers
SEND_WINDOW_SECONDS = LEASE.total_seconds() / 2  # start no send later than this into a lease
FIRST_RETRY_DELAY = timedelta(seconds=15)
MAX_RETRY_DELAY = timedelta(hours=1)
ERROR_MAX_LENGTH = 2000
SENT_MAIL_KEPT = timedelta(days=30)  # sent messages are kept this long for support, then pruned


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int
    remaining_due: int  # still due when the pass ended (more than one batch was waiting)
    waiting: int = 0  # unsent and not due yet: on backoff after a failure (or leased elsewhere)
    next_try_at: datetime | None = None  # when the first of those is due again

    def backoff_summary(self, now: datetime) -> str:
        """'2 waiting on backoff; the next is due at 2026-11-29T10:00:15+00:00 (in 15 s)'."""
        if not self.waiting or self.next_try_at is None:
            return "none waiting on backoff"
        seconds = max(0, round((self.next_try_at - now).total_seconds()))
        return (
            f"{self.waiting} waiting on backoff; the next is due at "
            f"{self.next_try_at.isoformat(timespec='seconds')} (in {seconds} s)"
        )


def retry_delay(attempts: int) -> timedelta:
    """15 s after the first failure, doubling with each one after it, at most one hour."""
    doublings = min(max(attempts - 1, 0), 20)  # 15 s * 2**20 is far past the cap already
    return min(FIRST_RETRY_DELAY * 2**doublings, MAX_RETRY_DELAY)


def deliver_due(
    database: Database,
    sender: MailSender,
    *,
    mail_from: str,
    now: datetime | None = None,
    batch: int = 100,
) -> DeliveryReport:
    """One delivery pass over the messages due at ``now`` (default: the current time).

    Safe to run in several workers at once: a message is claimed by one pass only.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    claimed, lease_until = _claim(database, clock, batch=batch)
    started = time.monotonic()
    sent = failed = 0
    for index, row in enumerate(claimed):
        if time.monotonic() - started > SEND_WINDOW_SECONDS:
            _release(database, claimed[index:], lease_until=lease_until, at=clock())
            break
        try:
            sender.send(build_message(row, mail_from))
        except MailServerUnavailable as error:
            # The server is down: the rest of the batch would fail alike, so record it now.
            failed += _record_failures(database, claimed[index:], error, lease_until, clock())
            break
        except Exception as error:  # any other problem with this message: keep it and retry
            failed += _record_failures(database, [row], error, lease_until, clock())
        else:
            _record_sent(database, row, at=clock())
            sent += 1
    at = clock()
    waiting, next_try_at = _waiting(database, at)
    return DeliveryReport(
        sent=sent,
        failed=failed,
        remaining_due=_count_due(database, at),
        waiting=waiting,
        next_try_at=next_try_at,
    )


def _due(at: datetime) -> tuple[ColumnElement[bool], ...]:
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= at)


def _claim(
    database: Database, clock: Callable[[], datetime], *, batch: int
) -> tuple[list[OutboxMessage], datetime]:
    """Lease up to ``batch`` due messages, longest-waiting first, in one short transaction.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets concurrent passes take disjoint batches.
    SQLite ignores it; there ``Database.write()`` holds the write lock (BEGIN IMMEDIATE).
    The lease is timed from when the rows are locked, not from before waiting for them.
    """
    with database.write() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(*_due(clock()))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        )
        lease_until = clock() + LEASE
        if rows:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in rows]))
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            )
    return rows, lease_until


def _still_leased(row: OutboxMessage, lease_until: datetime) -> tuple[ColumnElement[bool], ...]:
    """Only the pass that holds the lease may record a failure or give the message back."""
    return (
        OutboxMessage.id == row.id,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at == lease_until,
    )


def _record_sent(database: Database, row: OutboxMessage, *, at: datetime) -> None:
    with database.write() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.sent_at.is_(None))
            .values(sent_at=at, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        changed = cast("CursorResult[Any]", result).rowcount
    if changed != 1:
        logger.warning("mail %s was already marked sent: its lease ran out mid-send", row.id)


def _record_failures(
    database: Database,
    rows: Sequence[OutboxMessage],
    error: Exception,
    lease_until: datetime,
    at: datetime,
) -> int:
    reason = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    with database.write() as session:
        for row in rows:
            attempts = row.attempts + 1
            retry_at = at + retry_delay(attempts)
            session.execute(
                update(OutboxMessage)
                .where(*_still_leased(row, lease_until))
                .values(attempts=attempts, last_error=reason, next_attempt_at=retry_at)
                .execution_options(synchronize_session=False)
            )
    # One line per pass, not one per message: an outage with thousands queued stays readable.
    first_retry = min(at + retry_delay(row.attempts + 1) for row in rows) if rows else at
    logger.warning(
        "%d mail(s) not delivered (%s); queued, next try from %s",
        len(rows), reason, first_retry.isoformat(timespec="seconds"),
    )  # fmt: skip
    return len(rows)


def _release(
    database: Database, rows: Sequence[OutboxMessage], *, lease_until: datetime, at: datetime
) -> None:
    """Give back claimed messages this pass had no time to send; they are due again now."""
    with database.write() as session:
        for row in rows:
            session.execute(
                update(OutboxMessage)
                .where(*_still_leased(row, lease_until))
                .values(next_attempt_at=at)
                .execution_options(synchronize_session=False)
            )


def _count_due(database: Database, at: datetime) -> int:
    with database.read() as session:
        count = session.scalar(select(func.count()).select_from(OutboxMessage).where(*_due(at)))
    return int(count or 0)


def _waiting(database: Database, at: datetime) -> tuple[int, datetime | None]:
    """How many unsent messages are not due at ``at``, and the earliest next try among them."""
    with database.read() as session:
        count, first = session.execute(
            select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at > at
            )
        ).one()
    return int(count or 0), first


def prune_sent(
    database: Database, *, keep: timedelta = SENT_MAIL_KEPT, now: datetime | None = None
) -> int:
    """Delete messages sent longer than ``keep`` ago; unsent mail is never pruned."""
    cutoff = (now or utcnow()) - keep
    with database.write() as session:
        result = session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < cutoff
            )
        )
    return int(cast(CursorResult[Any], result).rowcount or 0)


class MailWorker:
    """Runs ``deliver_due`` every ``interval`` seconds in a background thread.

    A failing pass (database down, a bug) is logged and tried again; the thread never dies
    of it. While a backlog remains, passes follow each other without waiting.
    """

    def __init__(
        self,
        database: Database,
        sender: MailSender,
        *,
        mail_from: str,
        interval: float = 2.0,
        batch: int = 100,
    ) -> None:
        self.database = database
        self.sender = sender
        self.mail_from = mail_from
        self.interval = interval
        self.batch = batch
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, database: Database, *, interval: float = 2.0
    ) -> MailWorker:
        sender = SmtpSender(
            settings.smtp_host,
            settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
        return cls(database, sender, mail_from=settings.mail_from, interval=interval)

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.is_running:
            raise RuntimeError("the mail worker is already running")
        self._stopping.clear()
        self._thread = threading.Thread(target=self.run, name="seatledger-mail", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end and wait for the pass in progress (at most ``timeout`` s)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run(self) -> None:
        """The loop itself, in the calling thread, until ``stop()``."""
        while not self._stopping.is_set():
            report = self.run_once()
            backlog = report is not None and report.remaining_due and report.sent + report.failed
            if not backlog:
                self._stopping.wait(self.interval)

    def run_once(self) -> DeliveryReport | None:
        """One pass; ``None`` when it failed (already logged)."""
        try:
            report = deliver_due(
                self.database, self.sender, mail_from=self.mail_from, batch=self.batch
            )
        except Exception:  # the loop must outlive any one pass; the messages stay queued
            logger.exception("mail delivery pass failed; trying again in %s s", self.interval)
            return None
        if report.sent or report.failed:
            logger.info(
                "mail: sent %d, failed %d, still due %d",
                report.sent, report.failed, report.remaining_due,
            )  # fmt: skip
        return report
