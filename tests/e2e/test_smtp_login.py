"""SMTP login against a real aiosmtpd server that asks for AUTH."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from seatledger.mail.sender import MailServerUnavailable, SmtpSender
from tests.mail_fixtures import RecordingHandler
from tests.processes import HOST, free_port
from tests.waiting import PATIENCE

# A test server on loopback: AUTH without TLS is what we want here, so its warning is noise.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class OnePassword:
    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"mailer",
            b"s3cret",
        )
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def guarded_server() -> Iterator[tuple[int, RecordingHandler]]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname=HOST,
        port=port,
        authenticator=OnePassword(),
        auth_required=True,
        auth_require_tls=False,
        ready_timeout=PATIENCE,
    )
    controller.start()
    yield port, handler
    controller.stop()


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "no-reply@seatledger.local"
    mail["To"] = "learner@example.com"
    mail["Subject"] = "Your seat"
    mail.set_content("Hello")
    return mail


def test_mail_is_sent_after_logging_in(guarded_server: tuple[int, RecordingHandler]) -> None:
    port, handler = guarded_server

    SmtpSender(HOST, port, username="mailer", password="s3cret").send(message())

    assert [m.recipients for m in handler.received] == [["learner@example.com"]]


def test_a_refused_login_keeps_mail_queued_as_server_unavailable(
    guarded_server: tuple[int, RecordingHandler],
) -> None:
    port, handler = guarded_server

    with pytest.raises(MailServerUnavailable, match="login refused for mailer"):
        SmtpSender(HOST, port, username="mailer", password="wrong").send(message())
    assert handler.received == []


def test_without_login_the_guarded_server_refuses_the_message(
    guarded_server: tuple[int, RecordingHandler],
) -> None:
    port, handler = guarded_server

    with pytest.raises(smtplib.SMTPSenderRefused, match="530"):
        SmtpSender(HOST, port).send(message())
    assert handler.received == []
