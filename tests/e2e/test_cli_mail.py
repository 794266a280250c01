"""``seatledger deliver-mail`` and the worker inside ``serve``, against a real SMTP server."""

from __future__ import annotations

import os
import re
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from seatledger.cli import app
from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.db.models import OutboxMessage
from seatledger.mail.outbox import queue_email
from tests import mail_fixtures
from tests.mail_fixtures import SmtpServer
from tests.processes import free_port, running, seatledger, serving, stop, wait_for_output

smtp_server = mail_fixtures.smtp_server  # the fixture, made visible to this module's tests

runner = CliRunner()


@pytest.fixture
def sqlite_url(tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file, and the environment pointing the command at it and at SMTP."""
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    monkeypatch.setenv("SEATLEDGER_DATABASE_URL", url)
    monkeypatch.setenv("SEATLEDGER_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("SEATLEDGER_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("SEATLEDGER_MAIL_FROM", "no-reply@seatledger.test")
    database = Database(url)
    upgrade(database)
    database.dispose()
    return url


def queue(url: str, *, course: str = "Forklift Safety") -> None:
    database = Database(url)
    with database.write() as session:
        queue_email(
            session,
            store_id=None,
            to="learner@example.com",
            template="link_cancelled",
            context={"store_name": "Northwind Academy", "course_name": course},
        )
    database.dispose()


def unsent(url: str) -> int:
    database = Database(url)
    with database.read() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))))
    database.dispose()
    return len(rows)


def test_deliver_mail_once_sends_what_is_due_and_prints_a_summary(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url, course="First")
    queue(sqlite_url, course="Second")

    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        "sent 2, failed 0, still due 0",
        "none waiting on backoff",
    ]
    assert len(smtp_server.received) >= 2  # at least once: a send timed out under load is retried
    assert unsent(sqlite_url) == 0


def test_deliver_mail_once_with_nothing_queued_sends_nothing(sqlite_url: str) -> None:
    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        "sent 0, failed 0, still due 0",
        "none waiting on backoff",
    ]


def test_deliver_mail_once_during_an_smtp_outage_keeps_the_mail_queued(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url)
    smtp_server.stop()

    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    *_, summary, backoff = result.output.strip().splitlines()
    assert summary == "sent 0, failed 1, still due 0"
    # the first retry comes 15 s after the failure (ADR 0010); the clock moved meanwhile
    assert re.fullmatch(
        r"1 waiting on backoff; the next is due at \S+\+00:00 \(in 1[0-5] s\)", backoff
    ), backoff
    assert unsent(sqlite_url) == 1


def test_deliver_mail_once_counts_mail_waiting_on_backoff_and_the_next_try(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url, course="Due")
    queue(sqlite_url, course="Later")
    queue(sqlite_url, course="Much later")
    database = Database(sqlite_url)
    soon = utcnow() + timedelta(minutes=10)
    with database.write() as session:
        later = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))[1:]
        for row, wait in zip(later, (soon, soon + timedelta(hours=1)), strict=True):
            row.next_attempt_at, row.attempts, row.last_error = wait, 2, "SMTPDataError: busy"
    database.dispose()

    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    summary, backoff = result.output.strip().splitlines()
    assert summary == "sent 1, failed 0, still due 0"
    assert backoff.startswith(
        f"2 waiting on backoff; the next is due at {soon.isoformat(timespec='seconds')} (in "
    ), backoff
    assert unsent(sqlite_url) == 2


def test_deliver_mail_without_once_runs_until_ctrl_c(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    queue(sqlite_url)
    log = tmp_path / "deliver-mail.log"

    # os.environ carries the fixture's SEATLEDGER_* settings
    with running(seatledger("deliver-mail"), env=os.environ, log=log) as worker:
        wait_for_output(worker, log, "Ctrl-C stops.")
        smtp_server.wait_for_mail(1)
        queue(sqlite_url, course="Queued while running")
        smtp_server.wait_for_mail(2)
        exit_code = stop(worker, how=signal.SIGINT)

    assert exit_code == 0, log.read_text()
    assert "Stopped." in log.read_text()
    assert len(smtp_server.received) >= 2  # at least once: a send timed out under load is retried


def test_serve_delivers_mail_queued_by_the_app(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    queue(sqlite_url)

    # os.environ carries the fixture's SEATLEDGER_* settings
    with serving(port=free_port(), env=os.environ, log=tmp_path / "serve.log"):
        smtp_server.wait_for_mail(1)

    assert smtp_server.received[0].message["Subject"] == (
        "Your link for Forklift Safety is no longer active"
    )
    assert unsent(sqlite_url) == 0
