"""Rendering emails from their template folders and queueing them in the outbox.

Each email is a folder under ``templates/`` holding ``subject.txt``, ``body.txt`` and
``body.html``. It is rendered when it is queued, so the outbox row is exactly what will be
sent even if the templates or the data change before delivery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape
from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from seatledger.db.base import new_id, utcnow
from seatledger.db.models import Customer, OutboxMessage, User
from seatledger.domain.emails import normalize_email

TEMPLATES_DIR = Path(__file__).parent / "templates"
SUBJECT_MAX_LENGTH = 300  # the width of mail_outbox.subject


@dataclass(frozen=True)
class TemplateContext:
    """The variables one email template takes: required, optional, and any fixed choices."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    choices: Mapping[str, frozenset[str]] | None = None

    @property
    def names(self) -> frozenset[str]:
        return self.required | self.optional


def _context(
    required: str, optional: str = "", choices: Mapping[str, set[str]] | None = None
) -> TemplateContext:
    return TemplateContext(
        required=frozenset(required.split()),
        optional=frozenset(optional.split()),
        choices={name: frozenset(values) for name, values in (choices or {}).items()},
    )


# Every email and the context its callers pass. Optional variables may be left out or None.
TEMPLATES: dict[str, TemplateContext] = {
    # to the learner: a link to claim an emailed seat (expires_at: a datetime or a text date)
    "redemption_link": _context(
        "store_name course_name link_url expires_at", optional="sender_name message"
    ),
    # to the learner: a seat was assigned to them directly; they are enrolled
    "assignment_notice": _context("store_name course_name", optional="learner_name start_url"),
    # to the learner: the redemption link they received no longer works
    "link_cancelled": _context("store_name course_name"),
    # to the learner: a link sent on sent_on is still unused (rule 33); it does not repeat
    # the link, which is stored only as a hash (dates: a date or a text date)
    "link_reminder": _context("store_name course_name sent_on expires_at"),
    # to an agent: their links and seats expiring within warning_days (rule 33); items are
    # dicts of what ("links" or "seats"), count, group_name and first_expiry, more a count
    "expiry_warning": _context("store_name warning_days items more"),
    # to the requesting agent: an admin decided their return request
    "return_decided": _context(
        "store_name decision refund seat_count",
        optional="note",
        choices={"decision": {"approved", "denied"}},
    ),
    # to the buyer: money went back for seats of their order (amount: a decimal, "149.00")
    "refund_issued": _context(
        "store_name order_number amount currency seat_count external_action_required"
    ),
}


class EmailContextError(ValueError):
    """An email was queued with a context that does not fit its template (a programming error)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def format_when(value: datetime | date | str) -> str:
    """'27 November 2026, 14:00 UTC' for a datetime, '27 November 2026' for a date."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def pluralize(count: int, singular: str, plural: str | None = None) -> str:
    """'1 seat', '3 seats'."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _environment(*, autoescape: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,  # a variable the caller did not pass is an error
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the package: no stat() per email sent
    )
    environment.filters["when"] = format_when
    environment.filters["pluralize"] = pluralize
    return environment


text_templates = _environment(autoescape=False)
html_templates = _environment(autoescape=True)


def check_context(template: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with optional variables filled in; ``EmailContextError`` when it is wrong."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise EmailContextError(f"No email template named {template!r}.")
    missing = sorted(spec.required - context.keys())
    unknown = sorted(context.keys() - spec.names)
    if missing or unknown:
        raise EmailContextError(
            f"Email {template!r} takes {sorted(spec.required)} and optionally "
            f"{sorted(spec.optional)}; missing {missing}, unknown {unknown}."
        )
    for name, allowed in (spec.choices or {}).items():
        if context[name] not in allowed:
            raise EmailContextError(
                f"Email {template!r}: {name} must be one of {sorted(allowed)}, "
                f"not {context[name]!r}."
            )
    return {**dict.fromkeys(spec.optional), **context}


def render_email(template: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render one email's subject (one line), plain text and HTML bodies."""
    variables = check_context(template, context)
    subject = text_templates.get_template(f"{template}/subject.txt").render(variables)
    return RenderedEmail(
        subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH],  # one header line, always
        text=text_templates.get_template(f"{template}/body.txt").render(variables),
        html=html_templates.get_template(f"{template}/body.html").render(variables),
    )


def queue_email(
    session: Session,
    *,
    store_id: str | None,
    to: str,
    template: str,
    context: dict[str, Any],
) -> OutboxMessage:
    """Render an email and add it to the outbox in the caller's session (no commit).

    The row commits, or rolls back, with the caller's change; the mail worker delivers it.
    """
    message = OutboxMessage(**_row(store_id, to, template, context))
    session.add(message)
    return message


def queue_email_to_customer(
    session: Session,
    *,
    store_id: str,
    customer_id: str,
    template: str,
    context: dict[str, Any],
) -> None:
    """``queue_email`` to a customer's sign-in address (every customer has a user)."""
    address = session.scalar(
        select(User.email)
        .join(Customer, Customer.user_id == User.id)
        .where(Customer.id == customer_id)
    )
    if address is not None:
        queue_email(session, store_id=store_id, to=address, template=template, context=context)


_INSERT = insert(OutboxMessage)


def queue_email_core(
    connection: Connection,
    *,
    store_id: str | None,
    to: str,
    template: str,
    context: dict[str, Any],
) -> None:
    """``queue_email`` for a use case on a Core connection: the same row, inserted at once."""
    connection.execute(_INSERT, _row(store_id, to, template, context))


def _row(store_id: str | None, to: str, template: str, context: dict[str, Any]) -> dict[str, Any]:
    rendered = render_email(template, context)
    now = utcnow()
    return {
        "id": new_id(),
        "store_id": store_id,
        "template": template,
        "to_address": normalize_email(to),
        "subject": rendered.subject,
        "text_body": rendered.text,
        "html_body": rendered.html,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
    }


class MailBatch:
    """Outbox rows for many recipients of one change. Emails that differ only in the parts
    personal to each recipient (the link, the name) are rendered once, with a marker in place
    of each such part that is then replaced: a 10,000-row bulk assignment renders two emails,
    not 20,000. Tokens are URL-safe, so text and HTML take links unchanged; names are escaped
    for the HTML body."""

    PERSONAL: ClassVar[dict[str, str]] = {
        "link_url": "https://seatledger.invalid/redeem/SEATLEDGER-LINK",
        "learner_name": "SEATLEDGER-NAME",
    }

    INSERT = _INSERT

    def __init__(self, store_id: str | None, now: datetime | None = None) -> None:
        self.store_id, self.now = store_id, now or utcnow()
        self._rendered: dict[tuple[str, str], RenderedEmail] = {}

    def row(self, to: str, template: str, context: Mapping[str, Any]) -> dict[str, Any]:
        personal = {name: context[name] for name in self.PERSONAL if context.get(name)}
        shared = {**context, **{name: self.PERSONAL[name] for name in personal}}
        key = (template, repr(tuple(shared.items())))
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = render_email(template, shared)
        subject, text, html = rendered.subject, rendered.text, rendered.html
        for name, value in personal.items():
            marker = self.PERSONAL[name]
            subject = subject.replace(marker, str(value))
            text = text.replace(marker, str(value))
            html = html.replace(marker, str(escape(value)))
        return {
            "id": new_id(),
            "store_id": self.store_id,
            "template": template,
            "to_address": to,
            "subject": subject,
            "text_body": text,
            "html_body": html,
            "created_at": self.now,
            "attempts": 0,
            "next_attempt_at": self.now,
            "sent_at": None,
            "last_error": None,
        }
