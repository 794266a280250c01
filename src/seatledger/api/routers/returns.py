from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, LimitQuery, StorePath
from seatledger.api.schemas import (
    Page,
    ReturnDecision,
    ReturnRequestCreate,
    ReturnRequestPublic,
)
from seatledger.dependencies import DatabaseDep
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.services.refunding import returns

router = APIRouter(prefix="/api/v1/stores/{store}/return-requests", tags=["returns"])


@router.post("", status_code=201, response_model=ReturnRequestPublic)
def request_return(
    store: StorePath, body: ReturnRequestCreate, database: DatabaseDep, caller: CallerDep
) -> ReturnRequestPublic:
    """Ask for seats back, with or without a refund; the seats wait as ``return_pending``."""
    view = returns.request_return(
        database,
        caller,
        store,
        seat_ids=body.seat_ids,
        order_id=body.order_id,
        refund=body.refund,
        reason=body.reason,
        comment=body.comment,
    )
    return ReturnRequestPublic.model_validate(view)


@router.get("", response_model=Page[ReturnRequestPublic])
def list_return_requests(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    status: Literal["pending", "approved", "denied"] | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ReturnRequestPublic]:
    """The caller's own requests (with decisions and notes), or all for ``refunds.manage``."""
    page = returns.list_requests(database, caller, store, status=status, limit=limit, cursor=cursor)
    return Page[ReturnRequestPublic](
        items=[ReturnRequestPublic.model_validate(r) for r in page.items],
        next_cursor=page.next_cursor,
    )


@router.post("/{request_id}/decision", response_model=ReturnRequestPublic)
def decide_return(
    store: StorePath,
    request_id: IdPath,
    body: ReturnDecision,
    database: DatabaseDep,
    caller: CallerDep,
) -> ReturnRequestPublic:
    """Approve as reclaim or refund, or deny with a note (``refunds.manage``)."""
    view = returns.decide(
        database,
        caller,
        store,
        request_id,
        approve=body.decision == "approve",
        refund=body.refund,
        outcome=UnassignOutcome(body.outcome),
        note=body.note,
    )
    return ReturnRequestPublic.model_validate(view)
