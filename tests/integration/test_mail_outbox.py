"""The outbox on SQLite and PostgreSQL: mail commits with its change, reaches a real SMTP
server, survives an outage, and is never sent twice by racing workers."""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import OutboxMessage
from seatledger.domain.errors import Invalid
from seatledger.mail import worker as worker_module
from seatledger.mail.outbox import queue_email
from seatledger.mail.sender import MailServerUnavailable, SmtpSender
from seatledger.mail.worker import LEASE, MailWorker, deliver_due, prune_sent, retry_delay
from tests import mail_fixtures
from tests.mail_fixtures import SmtpServer
from tests.waiting import PATIENCE

smtp_server = mail_fixtures.smtp_server  # the fixture, made visible to this module's tests

MAIL_FROM = "Seatledger <no-reply@seatledger.test>"


def queue(
    database: Database, *, to: str = "learner@example.com", course: str = "Forklift Safety"
) -> str:
    """Queue a 'link cancelled' email in a transaction of its own; its id."""
    with database.write() as session:
        message = queue_email(
            session,
            store_id=None,
            to=to,
            template="link_cancelled",
            context={"store_name": "Northwind Academy", "course_name": course},
        )
    return message.id


def outbox(database: Database) -> dict[str, OutboxMessage]:
    with database.read() as session:
        return {row.id: row for row in session.scalars(select(OutboxMessage))}


def outbox_size(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def smtp(server: SmtpServer) -> SmtpSender:
    return SmtpSender(server.host, server.port, timeout=PATIENCE)


class RecordingSender:
    """A fake sender on the real interface: records, or raises what it is told to."""

    def __init__(self, fail_with: Callable[[EmailMessage], Exception | None] | None = None):
        self.fail_with = fail_with or (lambda _message: None)
        self.sent: list[EmailMessage] = []
        self.calls = 0

    def send(self, message: EmailMessage) -> None:
        self.calls += 1
        error = self.fail_with(message)
        if error is not None:
            raise error
        self.sent.append(message)


# Queueing -------------------------------------------------------------------------------


def test_queued_mail_is_rendered_and_commits_with_the_change(database: Database) -> None:
    message_id = queue(database, to="Learner@Example.com")

    row = outbox(database)[message_id]
    assert row.to_address == "learner@example.com"
    assert row.subject == "Your link for Forklift Safety is no longer active"
    assert "Forklift Safety" in row.text_body and "Forklift Safety" in row.html_body
    assert (row.attempts, row.sent_at, row.last_error) == (0, None, None)
    assert row.next_attempt_at <= utcnow()


def test_a_rolled_back_change_queues_no_mail(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as session:
        queue_email(
            session,
            store_id=None,
            to="learner@example.com",
            template="link_cancelled",
            context={"store_name": "Northwind Academy", "course_name": "Forklift Safety"},
        )
        session.flush()
        raise RuntimeError("the use case failed after queueing its mail")

    assert outbox_size(database) == 0


def test_an_address_that_could_inject_headers_is_refused_at_queue_time(
    database: Database,
) -> None:
    with pytest.raises(Invalid) as refused, database.write() as session:
        queue_email(
            session,
            store_id=None,
            to="learner@example.com\r\nBcc: everyone@example.com",
            template="link_cancelled",
            context={"store_name": "Northwind Academy", "course_name": "Forklift Safety"},
        )

    assert refused.value.code == "invalid_email"
    assert outbox_size(database) == 0


# Delivering -----------------------------------------------------------------------------


def test_due_mail_is_delivered_over_smtp_with_text_and_html(
    database: Database, smtp_server: SmtpServer
) -> None:
    message_id = queue(database)

    report = deliver_due(database, smtp(smtp_server), mail_from=MAIL_FROM)

    assert (report.sent, report.failed, report.remaining_due) == (1, 0, 0)
    [received] = smtp_server.received
    assert received.recipients == ["learner@example.com"]
    assert received.mail_from == "no-reply@seatledger.test"
    message = received.message
    assert message["Subject"] == "Your link for Forklift Safety is no longer active"
    assert message["To"] == "learner@example.com"
    assert message["From"] == MAIL_FROM
    assert message["Message-ID"] == f"<{message_id}@seatledger.test>"
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and "Forklift Safety" in text.get_content()
    assert html is not None and "<strong>Forklift Safety</strong>" in html.get_content()
    row = outbox(database)[message_id]
    assert row.sent_at is not None and row.attempts == 1


def test_delivered_mail_is_not_delivered_again(database: Database, smtp_server: SmtpServer) -> None:
    queue(database)
    deliver_due(database, smtp(smtp_server), mail_from=MAIL_FROM)

    again = deliver_due(
        database, smtp(smtp_server), mail_from=MAIL_FROM, now=utcnow() + timedelta(days=1)
    )

    assert (again.sent, again.failed, again.remaining_due) == (0, 0, 0)
    assert len(smtp_server.received) == 1


def test_a_pass_takes_at_most_one_batch_oldest_first_and_reports_what_is_left(
    database: Database, smtp_server: SmtpServer
) -> None:
    for course in ("First", "Second", "Third"):
        queue(database, course=course)

    report = deliver_due(database, smtp(smtp_server), mail_from=MAIL_FROM, batch=2)

    assert (report.sent, report.failed, report.remaining_due) == (2, 0, 1)
    assert [mail.message["Subject"] for mail in smtp_server.received] == [
        "Your link for First is no longer active",
        "Your link for Second is no longer active",
    ]


# Failing --------------------------------------------------------------------------------


def test_smtp_outage_delays_mail_and_never_loses_it(
    database: Database, smtp_server: SmtpServer
) -> None:
    first, second = queue(database), queue(database, to="other@example.com")
    smtp_server.stop()
    start = utcnow()

    during = deliver_due(database, smtp(smtp_server), mail_from=MAIL_FROM, now=start)

    assert (during.sent, during.failed, during.remaining_due) == (0, 2, 0)
    for row in outbox(database).values():
        assert row.sent_at is None
        assert row.attempts == 1
        assert row.next_attempt_at == start + timedelta(seconds=15)
        assert row.last_error and "MailServerUnavailable" in row.last_error

    smtp_server.start()
    too_soon = deliver_due(
        database, smtp(smtp_server), mail_from=MAIL_FROM, now=start + timedelta(seconds=14)
    )
    assert too_soon.sent == 0 and smtp_server.received == []

    after_backoff = deliver_due(
        database, smtp(smtp_server), mail_from=MAIL_FROM, now=start + timedelta(seconds=16)
    )
    later = deliver_due(
        database, smtp(smtp_server), mail_from=MAIL_FROM, now=start + timedelta(hours=2)
    )

    assert (after_backoff.sent, after_backoff.failed, after_backoff.remaining_due) == (2, 0, 0)
    assert later.sent == 0
    assert sorted(mail.recipients[0] for mail in smtp_server.received) == [
        "learner@example.com",
        "other@example.com",
    ]
    rows = outbox(database)
    assert rows[first].sent_at is not None and rows[first].attempts == 2
    assert rows[second].sent_at is not None


def test_an_unreachable_server_is_tried_once_per_pass_not_once_per_message(
    database: Database,
) -> None:
    for _ in range(3):
        queue(database)
    sender = RecordingSender(fail_with=lambda _m: MailServerUnavailable("connection refused"))

    report = deliver_due(database, sender, mail_from=MAIL_FROM)

    assert sender.calls == 1
    assert (report.sent, report.failed) == (0, 3)
    assert {row.attempts for row in outbox(database).values()} == {1}


def test_one_refused_message_does_not_hold_back_the_others(database: Database) -> None:
    refused = queue(database, to="bounce@example.com")
    delivered = queue(database)
    sender = RecordingSender(
        fail_with=lambda message: (
            smtplib.SMTPRecipientsRefused({"bounce@example.com": (550, b"no such user")})
            if message["To"] == "bounce@example.com"
            else None
        )
    )

    report = deliver_due(database, sender, mail_from=MAIL_FROM)

    assert (report.sent, report.failed) == (1, 1)
    rows = outbox(database)
    assert rows[delivered].sent_at is not None
    assert rows[refused].sent_at is None and "SMTPRecipientsRefused" in str(
        rows[refused].last_error
    )


def test_retries_back_off_exponentially_up_to_an_hour_and_the_message_stays_queued(
    database: Database,
) -> None:
    message_id = queue(database)
    failing = RecordingSender(fail_with=lambda _m: smtplib.SMTPDataError(451, b"try later"))
    now = utcnow()
    delays = []
    for _ in range(12):
        deliver_due(database, failing, mail_from=MAIL_FROM, now=now)
        retry_at = outbox(database)[message_id].next_attempt_at
        delays.append(int((retry_at - now).total_seconds()))
        now = retry_at

    assert delays == [15, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]
    row = outbox(database)[message_id]
    assert (row.attempts, row.sent_at) == (12, None)

    working = RecordingSender()
    deliver_due(database, working, mail_from=MAIL_FROM, now=now)
    assert len(working.sent) == 1
    assert outbox(database)[message_id].sent_at is not None


def test_retry_delay_starts_at_15_seconds_and_is_capped_at_one_hour() -> None:
    assert retry_delay(1) == timedelta(seconds=15)
    assert retry_delay(2) == timedelta(seconds=30)
    assert retry_delay(8) == timedelta(seconds=1920)
    assert retry_delay(9) == timedelta(hours=1)
    assert retry_delay(10_000) == timedelta(hours=1)


class WorkerCrashed(BaseException):
    """Stands for the process dying mid-send (nothing in deliver_due may catch it)."""


def test_mail_claimed_by_a_crashed_worker_is_sent_once_its_lease_runs_out(
    database: Database,
) -> None:
    message_id = queue(database)
    now = utcnow()

    def crash(_message: EmailMessage) -> Exception | None:
        raise WorkerCrashed

    with pytest.raises(WorkerCrashed):
        deliver_due(database, RecordingSender(fail_with=crash), mail_from=MAIL_FROM, now=now)
    sender = RecordingSender()
    during_lease = deliver_due(database, sender, mail_from=MAIL_FROM, now=now + LEASE / 2)
    after_lease = deliver_due(database, sender, mail_from=MAIL_FROM, now=now + LEASE)

    assert during_lease.sent == 0
    assert after_lease.sent == 1
    assert outbox(database)[message_id].sent_at is not None


class SteppingClock:
    """Stands for the ``time`` module: a monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_a_pass_that_runs_out_of_lease_time_gives_the_rest_back_untried(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, third = (queue(database, course=name) for name in ("A", "B", "C"))
    # The pass times its sends with time.monotonic(); here that clock moves only when a send
    # says it took long, so a busy box that pauses the test cannot change the outcome.
    clock = SteppingClock()
    monkeypatch.setattr(worker_module, "time", clock)

    def slow(_message: EmailMessage) -> Exception | None:
        clock.advance(worker_module.SEND_WINDOW_SECONDS + 1)  # uses up the whole window
        return None

    sender = RecordingSender(fail_with=slow)
    now = utcnow()
    report = deliver_due(database, sender, mail_from=MAIL_FROM, now=now)

    assert (report.sent, report.failed, report.remaining_due) == (1, 0, 2)
    rows = outbox(database)
    assert rows[first].sent_at is not None
    for given_back in (rows[second], rows[third]):
        assert (given_back.sent_at, given_back.attempts) == (None, 0)
        assert given_back.next_attempt_at == now


# Racing ---------------------------------------------------------------------------------


class SlowSmtpSender(SmtpSender):
    """Real SMTP, slowed a little so that racing passes overlap."""

    def send(self, message: EmailMessage) -> None:
        time.sleep(0.005)
        super().send(message)


def test_racing_workers_never_send_one_message_twice(
    database: Database, smtp_server: SmtpServer
) -> None:
    queued = {queue(database, course=f"Course {index}") for index in range(24)}
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        sender = SlowSmtpSender(smtp_server.host, smtp_server.port, timeout=PATIENCE)
        try:
            barrier.wait()
            while True:
                report = deliver_due(database, sender, mail_from=MAIL_FROM, batch=3)
                if report.sent + report.failed == 0 and report.remaining_due == 0:
                    return
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)

    assert not any(thread.is_alive() for thread in threads), "a worker was still delivering"
    assert errors == []
    message_ids = [mail.message["Message-ID"] for mail in smtp_server.received]
    assert len(message_ids) == len(queued)
    assert sorted(message_ids) == sorted(f"<{id_}@seatledger.test>" for id_ in queued)
    rows = outbox(database)
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows.values())


# The background worker ------------------------------------------------------------------


def test_the_worker_thread_delivers_queued_mail_and_stops_cleanly(
    database: Database, smtp_server: SmtpServer
) -> None:
    worker = MailWorker(database, smtp(smtp_server), mail_from=MAIL_FROM, interval=0.05)
    worker.start()
    try:
        queue(database)
        smtp_server.wait_for_mail(1)
    finally:
        worker.stop()

    assert not worker.is_running
    assert len(smtp_server.received) == 1


def test_the_worker_logs_a_failed_pass_and_keeps_going(
    database: Database,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_deliver_due = worker_module.deliver_due
    passes = {"count": 0}

    def flaky_deliver_due(*args: Any, **kwargs: Any) -> Any:
        passes["count"] += 1
        if passes["count"] == 1:
            raise RuntimeError("database went away")
        return real_deliver_due(*args, **kwargs)

    monkeypatch.setattr(worker_module, "deliver_due", flaky_deliver_due)
    queue(database)
    worker = MailWorker(database, smtp(smtp_server), mail_from=MAIL_FROM, interval=0.05)
    with caplog.at_level(logging.INFO, logger="seatledger.mail"):
        worker.start()
        try:
            smtp_server.wait_for_mail(1)
        finally:
            worker.stop()

    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failures] == [
        "mail delivery pass failed; trying again in 0.05 s"
    ]
    assert failures[0].name == "seatledger.mail"
    assert any(r.getMessage() == "mail: sent 1, failed 0, still due 0" for r in caplog.records)


def test_the_app_runs_the_worker_only_when_asked(
    database: Database, smtp_server: SmtpServer
) -> None:
    settings = Settings(
        database_url=database.url,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        mail_from=MAIL_FROM,
    )
    queue(database)

    with TestClient(create_app(settings, database=database)) as client:
        assert client.app.state.mail_worker is None  # type: ignore[attr-defined]

    app = create_app(settings, database=database, start_workers=True)
    with TestClient(app):
        worker = app.state.mail_worker
        assert worker.is_running
        smtp_server.wait_for_mail(1)
    assert not worker.is_running


# Pruning --------------------------------------------------------------------------------


def test_sent_mail_is_pruned_after_the_keeping_time_and_unsent_mail_never(
    database: Database,
) -> None:
    old_sent, recent_sent, old_unsent = queue(database), queue(database), queue(database)
    now = utcnow()
    with database.write() as session:
        session.get(OutboxMessage, old_sent).sent_at = now - timedelta(days=31)  # type: ignore[union-attr]
        session.get(OutboxMessage, recent_sent).sent_at = now - timedelta(days=29)  # type: ignore[union-attr]
        session.get(OutboxMessage, old_unsent).created_at = now - timedelta(days=90)  # type: ignore[union-attr]

    pruned = prune_sent(database, now=now)

    assert pruned == 1
    assert set(outbox(database)) == {recent_sent, old_unsent}
