"""The demo's mail catcher: an embedded SMTP server that keeps every message in a Maildir,
and the reads the demo's "caught mail" pages make of it (ADR 0026).

A Maildir on disk, not a list in memory: ``seatledger demo`` may serve from several
processes, and every one of them must see what the catcher (in the command's own process)
caught. Nothing is sent onwards; the folder goes when the demo stops.
"""

from __future__ import annotations

import email
import mailbox
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from markupsafe import Markup, escape

HOST = "127.0.0.1"
LINK = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}"


@dataclass(frozen=True)
class CaughtMail:
    key: str
    to: str
    sender: str
    subject: str
    date: datetime | None
    text: str

    @property
    def text_with_links(self) -> Markup:
        return linkify(self.text)


class MailCatcher:
    """An aiosmtpd server on a free local port writing to ``directory`` (a Maildir)."""

    def __init__(self, directory: Path, host: str = HOST) -> None:
        self.directory = directory
        self.host = host
        self.port = 0
        self._controller: object | None = None

    def start(self) -> int:
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox

        for part in ("tmp", "new", "cur"):  # Maildir() makes these only with the folder itself
            (self.directory / part).mkdir(parents=True, exist_ok=True)
        self.port = _free_port(self.host)  # aiosmtpd's Controller cannot take port 0
        controller = Controller(Mailbox(self.directory), hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller
        return self.port

    def environment(self) -> dict[str, str]:
        """The settings that send seatledger's mail here and show it at /demo/mail."""
        return {
            "SEATLEDGER_SMTP_HOST": self.host,
            "SEATLEDGER_SMTP_PORT": str(self.port),
            "SEATLEDGER_SMTP_STARTTLS": "false",
            "SEATLEDGER_SMTP_USERNAME": "",
            "SEATLEDGER_SMTP_PASSWORD": "",
            "SEATLEDGER_DEMO_MAIL_DIR": str(self.directory),
        }

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()  # type: ignore[attr-defined]
            self._controller = None


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def caught_mail(directory: Path, *, limit: int = 200) -> list[CaughtMail]:
    """The newest ``limit`` messages caught, newest first."""
    box = mailbox.Maildir(directory, create=False)
    keys = sorted(box.keys(), key=_arrival, reverse=True)
    found = (_read(box, key) for key in keys[:limit])
    return [mail for mail in found if mail is not None]


MAILDIR_NAME = re.compile(r"^(\d+)\.M(\d+)P\d+Q(\d+)")


def _arrival(key: str) -> tuple[int, int, int, str]:
    """When a message arrived, from its Maildir name ("<seconds>.M<micros>P<pid>Q<n>.<host>")."""
    match = MAILDIR_NAME.match(key)
    if match is None:
        return (0, 0, 0, key)
    seconds, micros, count = (int(group) for group in match.groups())
    return (seconds, micros, count, key)


def caught_message(directory: Path, key: str) -> CaughtMail | None:
    """One caught message by its key; None for a key the catcher never gave out."""
    box = mailbox.Maildir(directory, create=False)
    if key not in set(box.keys()):  # only known keys ever reach the file system
        return None
    return _read(box, key)


def _read(box: mailbox.Maildir, key: str) -> CaughtMail | None:
    try:
        raw = box.get_bytes(key)
    except KeyError:
        return None
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    return CaughtMail(
        key=key,
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        date=date,
        text=text,
    )


def linkify(text: str) -> Markup:
    """Plain text as HTML, escaped, with every http(s) address made a link.

    The HTML part of a caught mail is never shown: the text part with clickable links gives a
    newcomer the same links under the pages' strict CSP, with nothing of the mail run.
    """
    parts: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        parts.append(str(escape(text[position : match.start()])))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))
