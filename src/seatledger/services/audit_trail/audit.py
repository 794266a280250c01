"""The audit trail: written inside the caller's transaction, read with filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select
from sqlalchemy.orm import Session

from seatledger.db import seat_queries
from seatledger.db.base import new_id
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, Seat
from seatledger.db.pagination import Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.permissions import Permission
from seatledger.services.people import access


def record(
    session: Session,
    *,
    store_id: str | None,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **keys: str | None,
) -> AuditEvent:
    """Add one audit event to the current transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        **_row(store_id, actor, action, entity, entity_id, before=before, after=after, **keys)
    )
    session.add(event)
    return event


_INSERT = insert(AuditEvent)


def record_core(
    connection: Connection,
    *,
    store_id: str | None,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **keys: str | None,
) -> None:
    """``record`` for a use case on a Core connection: the same row, inserted at once."""
    connection.execute(
        _INSERT,
        _row(store_id, actor, action, entity, entity_id, before=before, after=after, **keys),
    )


def _row(
    store_id: str | None,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    **values: Any,
) -> dict[str, Any]:
    return {
        "id": new_id(),  # taken now, so events sort in the order they were recorded
        "store_id": store_id,
        "actor_id": actor.audit_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        **values,
    }


def list_events(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    seat_id: str | None = None,
    order_id: str | None = None,
    group_id: str | None = None,
    learner_email: str | None = None,
    actor_id: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[AuditEvent]:
    """The store's audit trail, oldest first: all of it for ``audit.view``, and for agents the
    events of the seats they can see."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(AuditEvent).where(AuditEvent.store_id == store.id)
        if not actor.has(Permission.AUDIT_VIEW):
            if not actor.is_agent:
                actor.require(Permission.AUDIT_VIEW)
            # An agent reads the history of the seats they can see, and nothing else.
            seats = select(Seat.id).where(Seat.store_id == store.id, seat_queries.visible_to(actor))
            query = query.where(AuditEvent.seat_id.in_(seats))
        filters: dict[str, Any] = {
            "seat_id": seat_id,
            "order_id": order_id,
            "actor_id": actor_id,
            "learner_email": learner_email.strip().lower() if learner_email else None,
        }
        for column, value in filters.items():
            if value is not None:
                query = query.where(getattr(AuditEvent, column) == value)
        if group_id is not None:
            query = query.where(
                or_(AuditEvent.group_id == group_id, AuditEvent.entity_id == group_id)
            )
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        return paginate(session, query, AuditEvent.id, limit=limit, cursor=cursor)
