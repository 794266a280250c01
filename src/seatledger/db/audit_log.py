"""Writing the audit trail: one append-only row per change, in the changing transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from seatledger.db.base import new_id
from seatledger.db.models import AuditEvent
from seatledger.domain.actor import Actor


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
        **row(store_id, actor, action, entity, entity_id, before=before, after=after, **keys)
    )
    session.add(event)
    return event


INSERT = insert(AuditEvent)


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
        INSERT,
        row(store_id, actor, action, entity, entity_id, before=before, after=after, **keys),
    )


def row(
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
        "actor_api_key_id": actor.api_key_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        **values,
    }
