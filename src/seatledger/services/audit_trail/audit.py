"""The audit trail: written inside the caller's transaction (``db/audit_log``), read here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from seatledger.db import seat_queries
from seatledger.db.audit_log import record as record
from seatledger.db.audit_log import record_core as record_core
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, Seat
from seatledger.db.pagination import Page, paginate
from seatledger.domain.permissions import Permission
from seatledger.services.people import access


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
