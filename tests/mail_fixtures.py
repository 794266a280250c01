"""An in-process SMTP server (aiosmtpd) that keeps every message it accepts.

Import the fixture into a test module: ``from tests.mail_fixtures import smtp_server``.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.processes import HOST, free_port
from tests.waiting import PATIENCE, wait_until


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


class RecordingHandler:
    """aiosmtpd handler: accepts every message and keeps it, parsed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[ReceivedMail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self._received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    @property
    def received(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._received)


class SmtpServer:
    """A real SMTP server on a fixed local port that a test can stop (an outage) and restart."""

    def __init__(self) -> None:
        self.host = HOST
        self.port = free_port()  # aiosmtpd's Controller cannot take port 0
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def wait_for_mail(self, count: int = 1) -> list[ReceivedMail]:
        """Everything received, once that is at least ``count`` messages."""
        wait_until(
            lambda: len(self.received) >= count,
            what=f"{count} mail(s) at the SMTP server",
            detail=lambda: f"received: {self.received}",
        )
        return self.received

    @property
    def is_running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        # A stopped Controller has closed its event loop, so every start makes a new one.
        controller = Controller(
            self.handler, hostname=self.host, port=self.port, ready_timeout=PATIENCE
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
