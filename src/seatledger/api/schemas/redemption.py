"""Redemption links and the enrollments they make."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from seatledger.api.schemas.common import PublicModel, RequestBody, Sku


class RedemptionPreviewPublic(PublicModel):
    store: str
    store_name: str
    sku: str
    course_name: str
    course_options: list[str] | None
    course_sku: str | None
    email_masked: str
    status: Literal["pending", "used", "cancelled", "expired"]
    expires_at: datetime | None


class Redeem(RequestBody):
    course_sku: Sku | None = None


class EnrollmentPublic(PublicModel):
    id: str
    status: str
    sku: str
    course_name: str
    seat_id: str
    customer_id: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None


class EnrollmentProgress(RequestBody):
    status: Literal["in_progress", "completed"]
