from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from seatledger.api.deps import CallerDep, CursorQuery, EmailQuery, IdQuery, LimitQuery, StorePath
from seatledger.api.schemas import AuditEventPublic, Page
from seatledger.dependencies import DatabaseDep
from seatledger.inputs import SINCE, parse_since
from seatledger.services.audit_trail import audit

router = APIRouter(prefix="/api/v1/stores/{store}", tags=["audit"])


@router.get("/audit", response_model=Page[AuditEventPublic])
def list_audit_events(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    seat_id: IdQuery = None,
    order_id: IdQuery = None,
    group_id: IdQuery = None,
    learner_email: EmailQuery = None,
    actor_id: IdQuery = None,
    since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="ISO 8601 date or date-time; without an offset it is read as UTC.",
            examples=["2026-11-27T09:00:00Z"],
        ),
        SINCE,
    ] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[AuditEventPublic]:
    """The audit trail, oldest first (``audit.view``)."""
    page = audit.list_events(
        database,
        caller,
        store,
        seat_id=seat_id,
        order_id=order_id,
        group_id=group_id,
        learner_email=learner_email,
        actor_id=actor_id,
        since=parse_since(since),
        limit=limit,
        cursor=cursor,
    )
    return Page[AuditEventPublic](
        items=[AuditEventPublic.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )
