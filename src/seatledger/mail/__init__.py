"""Outgoing mail: an outbox written with each change, delivered over SMTP by a worker.

Use cases call ``queue_email`` inside their own transaction (rule 27, "record inside the
transaction, deliver after it"); ``deliver_due`` and ``MailWorker`` hand queued mail to a
``MailSender`` afterwards. See docs/adr/0010-mail-outbox.md.
"""

from seatledger.mail.outbox import EmailContextError, RenderedEmail, queue_email, render_email
from seatledger.mail.sender import MailSender, MailServerUnavailable, SmtpSender, build_message
from seatledger.mail.worker import DeliveryReport, MailWorker, deliver_due

__all__ = [
    "DeliveryReport",
    "EmailContextError",
    "MailSender",
    "MailServerUnavailable",
    "MailWorker",
    "RenderedEmail",
    "SmtpSender",
    "build_message",
    "deliver_due",
    "queue_email",
    "render_email",
]
