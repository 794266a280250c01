from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from seatledger.api.deps import CallerDep
from seatledger.api.schemas import ReturnDecision, ReturnRequestCreate, ReturnRequestPublic
from seatledger.dependencies import DatabaseDep
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.services.refunding import returns

router = APIRouter(prefix="/api/v1/stores/{store}/return-requests", tags=["returns"])


@router.post("", status_code=201, response_model=ReturnRequestPublic)
def request_return(
    store: str, body: ReturnRequestCreate, database: DatabaseDep, caller: CallerDep
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


@router.get("", response_model=list[ReturnRequestPublic])
def list_return_requests(
    store: str,
    database: DatabaseDep,
    caller: CallerDep,
    status: Literal["pending", "approved", "denied"] | None = None,
) -> list[ReturnRequestPublic]:
    """The caller's own requests (with decisions and notes), or all for ``refunds.manage``."""
    return [
        ReturnRequestPublic.model_validate(r)
        for r in returns.list_requests(database, caller, store, status=status)
    ]


@router.post("/{request_id}/decision", response_model=ReturnRequestPublic)
def decide_return(
    store: str, request_id: str, body: ReturnDecision, database: DatabaseDep, caller: CallerDep
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
