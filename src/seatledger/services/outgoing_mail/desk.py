"""Listing a store's outgoing mail, "send now" and "retry" (``store.manage``; ADR 0026)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import OutboxMessage
from seatledger.db.pagination import Page, decode_cursor, encode_cursor
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, not_found
from seatledger.domain.outgoing_mail import (
    MailState,
    ensure_may_retry,
    ensure_may_send_now,
    mail_state,
)
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access

SEARCH_MAX_LENGTH = 320


@dataclass(frozen=True)
class OutgoingMail:
    """One outbox row as the desk shows it: never the body (it may hold a redemption link)."""

    id: str
    to: str
    subject: str
    template: str
    state: MailState
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None  # None once sent
    last_error: str | None

    @classmethod
    def of(cls, row: OutboxMessage) -> OutgoingMail:
        state = mail_state(sent_at=row.sent_at, last_error=row.last_error)
        return cls(
            id=row.id,
            to=row.to_address,
            subject=row.subject,
            template=row.template,
            state=state,
            attempts=row.attempts,
            created_at=row.created_at,
            sent_at=row.sent_at,
            next_attempt_at=None if state is MailState.SENT else row.next_attempt_at,
            last_error=row.last_error,
        )


def _state_filter(query: Select[Any], state: MailState) -> Select[Any]:
    if state is MailState.SENT:
        return query.where(OutboxMessage.sent_at.is_not(None))
    query = query.where(OutboxMessage.sent_at.is_(None))
    if state is MailState.FAILING:
        return query.where(OutboxMessage.last_error.is_not(None))
    return query.where(OutboxMessage.last_error.is_(None))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_mail(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    state: MailState | None = None,
    recipient: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[OutgoingMail]:
    """The store's outgoing mail, newest first; ``recipient`` matches part of the address."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        _require_manager(actor)
        query = select(OutboxMessage).where(OutboxMessage.store_id == store.id)
        if state is not None:
            query = _state_filter(query, state)
        search = (recipient or "").strip().lower()[:SEARCH_MAX_LENGTH]
        if search:
            query = query.where(OutboxMessage.to_address.like(_like_pattern(search), escape="\\"))
        if cursor:
            query = query.where(OutboxMessage.id < decode_cursor(cursor))
        rows = list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[OutgoingMail.of(row) for row in rows],
        next_cursor=encode_cursor(rows[-1].id) if more else None,
    )


def count_by_state(db: Database, caller: str | None, store_slug: str) -> dict[MailState, int]:
    """How many of the store's mails are queued, failing and sent (for the page's filters)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        _require_manager(actor)
        counts = dict.fromkeys(MailState, 0)
        for state in MailState:
            query = _state_filter(select(func.count()).select_from(OutboxMessage), state).where(
                OutboxMessage.store_id == store.id
            )
            counts[state] = int(session.scalar(query) or 0)
    return counts


def send_now(db: Database, caller: str | None, store_slug: str, mail_id: str) -> OutgoingMail:
    """Make a queued or failing mail due at once; the next worker pass sends it."""
    return _make_due(db, caller, store_slug, mail_id, restart_backoff=False)


def retry(db: Database, caller: str | None, store_slug: str, mail_id: str) -> OutgoingMail:
    """Make a failing mail due at once and start its backoff over (attempts count from 0)."""
    return _make_due(db, caller, store_slug, mail_id, restart_backoff=True)


def _make_due(
    db: Database, caller: str | None, store_slug: str, mail_id: str, *, restart_backoff: bool
) -> OutgoingMail:
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        _require_manager(actor)
        row = _locked_mail(session, store.id, mail_id)
        state = mail_state(sent_at=row.sent_at, last_error=row.last_error)
        (ensure_may_retry if restart_backoff else ensure_may_send_now)(state)
        now = utcnow()
        before = {"next_attempt_at": row.next_attempt_at.isoformat(), "attempts": row.attempts}
        values: dict[str, Any] = {"next_attempt_at": now}
        if restart_backoff:
            values["attempts"] = 0
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.sent_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if changed_rows(result) != 1:  # sent meanwhile (SQLite has no row lock to wait on)
            raise Conflict("This mail was sent already.", code="mail_already_sent")
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="mail.retried" if restart_backoff else "mail.sent_now",
            entity="mail",
            entity_id=row.id,
            before=before,
            after={
                "next_attempt_at": now.isoformat(),
                "attempts": values.get("attempts", row.attempts),
            },
        )
        session.expire(row)
        session.refresh(row)
        return OutgoingMail.of(row)


def _locked_mail(session: Session, store_id: str, mail_id: str) -> OutboxMessage:
    row = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == mail_id, OutboxMessage.store_id == store_id)
        .with_for_update()  # a worker's claim of this row finishes first, or waits for us
    )
    if row is None:
        raise not_found("mail", mail_id)
    return row


def _require_manager(actor: Actor) -> None:
    access.require_customer(actor)
    actor.require(Permission.STORE_MANAGE)
