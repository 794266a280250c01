"""``seatledger deliver-mail`` and the worker inside ``serve``, against a real SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from seatledger.cli import app
from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.db.models import OutboxMessage
from seatledger.mail.outbox import queue_email
from tests import mail_fixtures
from tests.mail_fixtures import SmtpServer, free_port

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


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def test_deliver_mail_once_sends_what_is_due_and_prints_a_summary(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url, course="First")
    queue(sqlite_url, course="Second")

    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 2, failed 0, still due 0"
    assert len(smtp_server.received) == 2
    assert unsent(sqlite_url) == 0


def test_deliver_mail_once_with_nothing_queued_sends_nothing(sqlite_url: str) -> None:
    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 0, failed 0, still due 0"


def test_deliver_mail_once_during_an_smtp_outage_keeps_the_mail_queued(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url)
    smtp_server.stop()

    result = runner.invoke(app, ["deliver-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "sent 0, failed 1, still due 0"
    assert unsent(sqlite_url) == 1


def test_deliver_mail_without_once_runs_until_ctrl_c(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    queue(sqlite_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "seatledger.cli", "deliver-mail"],
        env=dict(os.environ),  # with the fixture's SEATLEDGER_* settings
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: len(smtp_server.received) == 1)
        queue(sqlite_url, course="Queued while running")
        wait_until(lambda: len(smtp_server.received) == 2)
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)

    assert worker.returncode == 0, output
    assert "Stopped." in output


def test_serve_delivers_mail_queued_by_the_app(sqlite_url: str, smtp_server: SmtpServer) -> None:
    queue(sqlite_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "seatledger.cli", "serve", "--port", str(free_port())],
        env=dict(os.environ),  # with the fixture's SEATLEDGER_* settings
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: len(smtp_server.received) == 1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert smtp_server.received[0].message["Subject"] == (
        "Your link for Forklift Safety is no longer active"
    )
    assert unsent(sqlite_url) == 0
