from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from seatledger.api.deps import CallerDep
from seatledger.api.errors import RATE_LIMITED
from seatledger.api.schemas import (
    EnrollmentProgress,
    EnrollmentPublic,
    Redeem,
    RedemptionPreviewPublic,
)
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
    token: str, database: DatabaseDep, limits: ClientLimitsDep
) -> RedemptionPreviewPublic:
    """What a redemption link offers; the address it was sent to is shown masked."""
    return RedemptionPreviewPublic.model_validate(
        redemption.preview(database, token, limits=limits)
    )


@router.post(
    "/api/v1/redeem/{token}", status_code=201, response_model=EnrollmentPublic, responses=GONE
)
def redeem_link(
    token: str, body: Redeem, database: DatabaseDep, caller: CallerDep, limits: ClientLimitsDep
) -> EnrollmentPublic:
    """Redeem the link as the signed-in person it was sent to: the seat becomes an enrollment."""
    return EnrollmentPublic.model_validate(
        redemption.redeem(database, caller, token, course_sku=body.course_sku, limits=limits)
    )


@router.get("/api/v1/stores/{store}/me/enrollments", response_model=list[EnrollmentPublic])
def my_enrollments(store: str, database: DatabaseDep, caller: CallerDep) -> list[EnrollmentPublic]:
    return [
        EnrollmentPublic.model_validate(e)
        for e in enrollments.my_enrollments(database, caller, store)
    ]


@router.post(
    "/api/v1/stores/{store}/enrollments/{enrollment_id}/progress", response_model=EnrollmentPublic
)
def record_progress(
    store: str,
    enrollment_id: str,
    body: EnrollmentProgress,
    database: DatabaseDep,
    caller: CallerDep,
) -> EnrollmentPublic:
    """The LMS reports progress (``seats.manage``)."""
    view = enrollments.record_progress(
        database, caller, store, enrollment_id, EnrollmentStatus(body.status)
    )
    return EnrollmentPublic.model_validate(view)
