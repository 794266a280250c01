from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from seatledger.api.deps import (
    CallerDep,
    CursorQuery,
    EmailQuery,
    IdPath,
    IdQuery,
    LimitQuery,
    SkuQuery,
    StorePath,
)
from seatledger.api.schemas import CapacityPublic, Page, SeatOwnerGroupUpdate, SeatPublic
from seatledger.dependencies import DatabaseDep
from seatledger.domain.seats import SeatStatus
from seatledger.services.organization import capacity
from seatledger.services.seating import seats

router = APIRouter(prefix="/api/v1/stores/{store}", tags=["seats"])


@router.get("/seats", response_model=Page[SeatPublic])
def list_seats(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    owner_group_id: IdQuery = None,
    status: SeatStatus | None = None,
    order_id: IdQuery = None,
    sku: SkuQuery = None,
    ungrouped: bool = False,
    learner_email: EmailQuery = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[SeatPublic]:
    """Seats the caller may see: all for ``seats.view``; an agent's groups' and own ungrouped."""
    page = seats.list_seats(
        database,
        caller,
        store,
        owner_group_id=owner_group_id,
        status=status,
        order_id=order_id,
        sku=sku,
        ungrouped=ungrouped,
        learner_email=learner_email,
        limit=limit,
        cursor=cursor,
    )
    return Page[SeatPublic](
        items=[SeatPublic.model_validate(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.get("/seats/{seat_id}", response_model=SeatPublic)
def get_seat(
    store: StorePath, seat_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> SeatPublic:
    return SeatPublic.model_validate(seats.get_seat(database, caller, store, seat_id))


@router.patch("/seats/{seat_id}", response_model=SeatPublic)
def set_owner_group(
    store: StorePath,
    seat_id: IdPath,
    body: SeatOwnerGroupUpdate,
    database: DatabaseDep,
    caller: CallerDep,
) -> SeatPublic:
    """Set the owner group of an available seat (``seats.manage``, or an agent into their group)."""
    return SeatPublic.model_validate(
        seats.set_owner_group(database, caller, store, seat_id, body.owner_group_id)
    )


@router.get("/groups/{group_id}/capacity", response_model=CapacityPublic)
def group_capacity(
    store: StorePath,
    group_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
    include_descendants: bool = False,
) -> CapacityPublic:
    """Seats per product and state; remaining capacity is ``available``."""
    report = capacity.group_capacity(
        database, caller, store, group_id, include_descendants=include_descendants
    )
    return _capacity(report)


@router.get(
    "/groups/{group_id}/capacity.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The capacity report as CSV."}},
)
def group_capacity_csv(
    store: StorePath,
    group_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
    include_descendants: bool = False,
) -> Response:
    report = capacity.group_capacity(
        database, caller, store, group_id, include_descendants=include_descendants
    )
    filename = f"capacity-{group_id}{'-subtree' if include_descendants else ''}.csv"
    return Response(
        capacity.capacity_csv(report),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _capacity(report: capacity.CapacityReport) -> CapacityPublic:
    return CapacityPublic(
        group_id=report.group_id,
        group_name=report.group_name,
        include_descendants=report.include_descendants,
        products=[line.as_dict() for line in report.products],  # type: ignore[misc]
        totals=report.totals.as_dict(),  # type: ignore[arg-type]
    )
