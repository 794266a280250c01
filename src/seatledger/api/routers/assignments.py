from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from seatledger.api.deps import CallerDep, IdPath, StorePath
from seatledger.api.schemas import (
    BulkAssign,
    BulkAssignPublic,
    SeatAssign,
    SeatLinkCreate,
    SeatPublic,
    SeatTransfer,
    SeatUnassign,
)
from seatledger.dependencies import DatabaseDep, SettingsDep
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.services.assignment import assignments, bulk_assignment

router = APIRouter(prefix="/api/v1/stores/{store}/seats", tags=["assignments"])


def _seat(view: object) -> SeatPublic:
    return SeatPublic.model_validate(view)


@router.post("/bulk-assign", response_model=BulkAssignPublic)
def bulk_assign(
    store: StorePath,
    body: BulkAssign,
    database: DatabaseDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Assign many learners at once: all rows or none; ``dry_run`` reports each row's problem."""
    result = bulk_assignment.bulk_assign(
        database,
        caller,
        store,
        sku=body.sku,
        owner_group_id=body.owner_group_id,
        rows=[bulk_assignment.BulkRow(email=row.email, mode=row.mode) for row in body.rows],
        base_url=settings.base_url,
        dry_run=body.dry_run,
    )
    # Up to 10,000 rows: build the documented body directly rather than through the model.
    rows = [
        {"email": row.email, "mode": row.mode, "seat_id": row.seat_id, "error": row.error}
        for row in result.rows
    ]
    return JSONResponse({"applied": result.applied, "rows": rows})


@router.post("/{seat_id}/assign", response_model=SeatPublic)
def assign_seat(
    store: StorePath, seat_id: IdPath, body: SeatAssign, database: DatabaseDep, caller: CallerDep
) -> Response:
    """Give an available seat to an existing customer at once."""
    view = assignments.assign_seat(
        database,
        caller,
        store,
        seat_id,
        email=body.email,
        owner_group_id=body.owner_group_id,
        course_sku=body.course_sku,
    )
    # The same model and serializer FastAPI would use, here in the worker thread: FastAPI
    # would otherwise validate the answer in a second trip to the thread pool (docs/adr/0014).
    return Response(_seat(view).model_dump_json(), media_type="application/json")


@router.post("/{seat_id}/redemption-link", response_model=SeatPublic)
def email_redemption_link(
    store: StorePath,
    seat_id: IdPath,
    body: SeatLinkCreate,
    database: DatabaseDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> SeatPublic:
    """Email a redemption link for an available seat to any address; the seat awaits."""
    return _seat(
        assignments.email_redemption_link(
            database,
            caller,
            store,
            seat_id,
            email=body.email,
            base_url=settings.base_url,
            message=body.message,
            owner_group_id=body.owner_group_id,
            course_sku=body.course_sku,
        )
    )


@router.post("/{seat_id}/redemption-link/resend", response_model=SeatPublic)
def resend_redemption_link(
    store: StorePath,
    seat_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> SeatPublic:
    """Send the link again with a fresh token; the old link stops working."""
    return _seat(
        assignments.resend_redemption_link(
            database, caller, store, seat_id, base_url=settings.base_url
        )
    )


@router.delete("/{seat_id}/redemption-link", response_model=SeatPublic)
def cancel_redemption_link(
    store: StorePath, seat_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> SeatPublic:
    """Cancel the link; the seat is available again."""
    return _seat(assignments.cancel_redemption_link(database, caller, store, seat_id))


@router.post("/{seat_id}/unassign", response_model=SeatPublic)
def unassign_seat(
    store: StorePath, seat_id: IdPath, body: SeatUnassign, database: DatabaseDep, caller: CallerDep
) -> SeatPublic:
    """Take an assigned seat back; the enrollment is expired, dropped or destroyed."""
    return _seat(
        assignments.unassign_seat(
            database,
            caller,
            store,
            seat_id,
            outcome=UnassignOutcome(body.outcome),
            reason=body.reason,
        )
    )


@router.post("/{seat_id}/transfer", response_model=SeatPublic)
def transfer_seat(
    store: StorePath,
    seat_id: IdPath,
    body: SeatTransfer,
    database: DatabaseDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> SeatPublic:
    """Unassign and assign to someone else in one atomic step."""
    return _seat(
        assignments.transfer_seat(
            database,
            caller,
            store,
            seat_id,
            email=body.email,
            mode=body.mode,
            outcome=UnassignOutcome(body.outcome),
            base_url=settings.base_url,
            course_sku=body.course_sku,
        )
    )
