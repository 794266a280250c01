"""Handing one email to the outside world: the sender interface and its SMTP adapter."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

from seatledger.db.models import OutboxMessage


class MailSender(Protocol):
    """Delivers one message, or raises. ``MailServerUnavailable`` means "try none now"."""

    def send(self, message: EmailMessage) -> None: ...


class MailServerUnavailable(Exception):
    """The mail server could not be reached: every other message would fail the same way."""


class SmtpSender:
    """Sends each message over its own SMTP connection, with STARTTLS and login when set."""

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float = 10,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.starttls = starttls
        self.username = username
        self.password = password

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                self._prepare(smtp)
                smtp.send_message(message)
        except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as error:
            raise MailServerUnavailable(f"{self.host}:{self.port}: {error}") from error
        except smtplib.SMTPException:
            raise  # the server answered and refused this message: a per-message failure
        except OSError as error:  # refused, unreachable, timed out (SMTPException is an OSError)
            raise MailServerUnavailable(f"{self.host}:{self.port}: {error!r}") from error

    def _prepare(self, smtp: smtplib.SMTP) -> None:
        """STARTTLS (certificate checked) and login, when configured.

        A refused login fails every message the same way, so it counts as the server being
        unavailable: mail stays queued and is retried with backoff.
        """
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if self.username:
            try:
                smtp.login(self.username, self.password or "")
            except smtplib.SMTPAuthenticationError as error:
                raise MailServerUnavailable(
                    f"{self.host}:{self.port}: login refused for {self.username}: {error}"
                ) from error


def build_message(row: OutboxMessage, mail_from: str) -> EmailMessage:
    """The MIME message for an outbox row: multipart/alternative, plain text then HTML.

    The Message-ID is derived from the row's id, so a message delivered twice (see ADR 0010)
    carries the same id both times and mail clients can tell it is one message.
    """
    message = EmailMessage()
    message["Message-ID"] = f"<{row.id}@{_domain_of(mail_from)}>"
    message["Date"] = format_datetime(row.created_at)
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def _domain_of(address: str) -> str:
    _, bare = parseaddr(address)
    domain = bare.rpartition("@")[2]
    return domain or "seatledger.local"
