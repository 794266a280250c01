from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, LimitQuery, StorePath, TokenPath
from seatledger.api.errors import RATE_LIMITED
from seatledger.api.schemas import (
    EnrollmentProgress,
    EnrollmentPublic,
    Page,
    Redeem,
    RedemptionPreviewPublic,
)
from seatledger.db.pagination import page_of
from seatledger.dependencies import ClientLimitsDep, DatabaseDep
from seatledger.domain.enrollments import EnrollmentStatus
from seatledger.services.assignment import enrollments, redemption

router = APIRouter(tags=["redemption"])

GONE: dict[int | str, dict[str, Any]] = {
    410: {"description": "The link was used, cancelled or has expired."},
    **RATE_LIMITED,  # unknown links tried from one address are counted (rule 47)
}


@router.get("/api/v1/redeem/{token}", response_model=RedemptionPreviewPublic, responses=GONE)
def preview_link(
    token: TokenPath, database: DatabaseDep, limits: ClientLimitsDep
) -> RedemptionPreviewPublic:
    """What a redemption link offers; the address it was sent to is shown masked."""
    return RedemptionPreviewPublic.model_validate(
        redemption.preview(database, token, limits=limits)
    )


@router.post(
    "/api/v1/redeem/{token}", status_code=201, response_model=EnrollmentPublic, responses=GONE
)
def redeem_link(
    token: TokenPath,
    body: Redeem,
    database: DatabaseDep,
    caller: CallerDep,
    limits: ClientLimitsDep,
) -> EnrollmentPublic:
    """Redeem the link as the signed-in person it was sent to: the seat becomes an enrollment."""
    return EnrollmentPublic.model_validate(
        redemption.redeem(database, caller, token, course_sku=body.course_sku, limits=limits)
    )


@router.get("/api/v1/stores/{store}/me/enrollments", response_model=Page[EnrollmentPublic])
def my_enrollments(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[EnrollmentPublic]:
    """The caller's own enrollments, oldest first."""
    mine = enrollments.my_enrollments(database, caller, store)
    page = page_of(mine, limit=limit, cursor=cursor)
    return Page[EnrollmentPublic](
        items=[EnrollmentPublic.model_validate(e) for e in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/api/v1/stores/{store}/enrollments/{enrollment_id}/progress", response_model=EnrollmentPublic
)
def record_progress(
    store: StorePath,
    enrollment_id: IdPath,
    body: EnrollmentProgress,
    database: DatabaseDep,
    caller: CallerDep,
) -> EnrollmentPublic:
    """The LMS reports progress (``seats.manage``)."""
    view = enrollments.record_progress(
        database, caller, store, enrollment_id, EnrollmentStatus(body.status)
    )
    return EnrollmentPublic.model_validate(view)
