"""The writes of an erasure (rule 49): where a person's address and name can be, and rewriting
them there. Decisions: docs/adr/0024.

Every text or JSON column of every table is in exactly one of ``PERSONAL_TEXT`` (scrubbed
row by row), ``PERSONAL_RECORDS`` (the person's own rows, rewritten by the use case) or
``NOT_PERSONAL``; ids are recognized by their type and name. ``tests/unit/test_erasure.py``
fails when a new column is in none of them, so a new place for personal data cannot be
forgotten here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Table,
    Text,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from seatledger.db.base import Base, changed_rows, new_id
from seatledger.db.models import AuditRewritePermit, OutboxMessage
from seatledger.domain.erasure import Scrubber

# Columns that may mention anyone, scrubbed wherever they mention the person erased.
PERSONAL_TEXT: dict[str, tuple[str, ...]] = {
    "assignments": ("email", "message", "end_reason"),
    "audit_events": ("learner_email", "before", "after"),
    "mail_outbox": ("to_address", "subject", "text_body", "html_body", "last_error"),
    "refunds": ("note",),
    "return_requests": ("reason", "comment", "note"),
}
# The person's own records: rewritten outright by the use case (services/people/erasure.py).
PERSONAL_RECORDS: dict[str, tuple[str, ...]] = {
    "users": ("email", "name", "password_hash"),
    "customers": ("name",),
}
# Columns that never hold a person's address or name.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "admin_permissions": ("permission",),
    "api_keys": ("name", "key_hash", "permissions", "agent_group_ids"),  # the store's machines
    "api_tokens": ("token_hash", "kind"),  # deleted with the login, not rewritten
    "assignments": ("mode", "status", "token_hash"),
    "audit_events": ("action", "entity", "entity_id"),
    "audit_rewrite_permits": ("purpose",),
    "enrollments": ("status",),
    "mail_outbox": ("template",),
    "order_lines": ("sku",),
    "orders": (
        "status",
        "payment_status",
        "payment_method",
        "payment_reference",
        "card_last4",
        "currency",
        "idempotency_key",
        "request_fingerprint",
    ),
    "products": ("sku", "name", "kind"),
    "purchasing_groups": ("name", "code"),  # the organization's, not a person's
    "rate_limit_counters": ("name", "key"),  # keys are SHA-256 hashes and expire within a day
    "refunds": ("seat_ids", "gateway_reference"),
    "return_request_seats": ("previous_status",),
    "return_requests": ("status", "decision"),
    "seat_counts": ("status",),
    "seats": ("status",),
    "store_counters": ("name",),
    "stores": ("slug", "name", "settings"),
}


def is_id(column: Any) -> bool:
    """An id column (``IdColumn`` named ``id``, ``*_id`` or ``*_by``): never personal."""
    length = getattr(column.type, "length", None)
    return length == 32 and (column.name == "id" or column.name.endswith(("_id", "_by")))


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def _mentions(column: Any, scrubber: Scrubber) -> ColumnElement[bool]:
    """The rows whose column may mention the person (a superset; ``Scrubber`` decides)."""
    is_json = isinstance(column.type, JSON)
    as_text = cast(column, Text) if is_json else column
    found: list[ColumnElement[bool]] = []
    for needle in scrubber.needles(json_text=is_json):
        found.append(as_text.contains(needle, autoescape=True))
        if needle.lower() != needle:
            found.append(func.lower(as_text).contains(needle.lower(), autoescape=True))
    if not is_json:
        found += [func.lower(as_text) == name.lower() for name in scrubber.short_names()]
    return or_(*found)


class Scope:
    """The rows an erasure may touch: its store's, and the ones of no store when the person's
    login is erased too (no other store knows them)."""

    def __init__(self, store_id: str, *, storeless: bool) -> None:
        self.store_id, self.storeless = store_id, storeless

    def of(self, target: Any) -> ColumnElement[bool]:
        mine = target.c.store_id == self.store_id
        return or_(mine, target.c.store_id.is_(None)) if self.storeless else mine


def scrub(session: Session, name: str, scrubber: Scrubber, scope: Scope) -> int:
    """Rewrite the person out of the rows of ``name`` within ``scope``; the rows changed."""
    target = table(name)
    columns = [target.c[column] for column in PERSONAL_TEXT[name]]
    rows = session.execute(
        select(target.c.id, *columns).where(
            scope.of(target), or_(*(_mentions(c, scrubber) for c in columns))
        )
    ).all()
    changed = 0
    for row in rows:
        values = {}
        for column in columns:
            old = getattr(row, column.name)
            new = scrubber.text(old) if isinstance(old, str) else scrubber.document(old)
            if new != old:
                values[column.name] = new
        if values:
            session.execute(update(target).where(target.c.id == row.id).values(**values))
            changed += 1
    return changed


def scrub_audit_trail(session: Session, scrubber: Scrubber, scope: Scope) -> int:
    """``scrub`` the audit events under a permit: the database refuses any other edit."""
    permit = new_id()
    session.execute(insert(AuditRewritePermit).values(id=permit, purpose="erasure"))
    changed = scrub(session, "audit_events", scrubber, scope)
    session.execute(delete(AuditRewritePermit).where(AuditRewritePermit.id == permit))
    return changed


def delete_mail_to(session: Session, address: str, scope: Scope, *, sent_before: datetime) -> int:
    """The person's mail that is no use to keep: unsent (it cannot reach them now) and sent
    longer ago than the retention time."""
    return changed_rows(
        session.execute(
            delete(OutboxMessage)
            .where(
                scope.of(OutboxMessage.__table__),
                OutboxMessage.to_address == address,
                or_(OutboxMessage.sent_at.is_(None), OutboxMessage.sent_at < sent_before),
            )
            .execution_options(synchronize_session=False)
        )
    )
