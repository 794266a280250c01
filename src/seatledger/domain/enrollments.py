"""Enrollments: a learner's access to a course, and how unassigning ends it (rule 20)."""

from __future__ import annotations

from enum import StrEnum

from seatledger.domain.errors import Conflict, Invalid
from seatledger.domain.products import ProductKind


class EnrollmentStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DROPPED = "dropped"  # taken away by unassign with outcome "drop"
    EXPIRED = "expired"  # access ended (unassign with outcome "expire", or its end date passed)


LIVE = frozenset({EnrollmentStatus.NOT_STARTED, EnrollmentStatus.IN_PROGRESS})


class UnassignOutcome(StrEnum):
    EXPIRE = "expire"  # keep the record, end the access
    DROP = "drop"  # mark it dropped
    DESTROY = "destroy"  # remove the record


OUTCOME_STATUS = {
    UnassignOutcome.EXPIRE: EnrollmentStatus.EXPIRED,
    UnassignOutcome.DROP: EnrollmentStatus.DROPPED,
}

PROGRESS = {
    EnrollmentStatus.NOT_STARTED: {EnrollmentStatus.IN_PROGRESS, EnrollmentStatus.COMPLETED},
    EnrollmentStatus.IN_PROGRESS: {EnrollmentStatus.IN_PROGRESS, EnrollmentStatus.COMPLETED},
}


def ensure_unassignable(enrollment_id: str, status: EnrollmentStatus) -> None:
    """Rule 20: a completed enrollment cannot be unassigned."""
    if status is EnrollmentStatus.COMPLETED:
        raise Conflict(
            f"Enrollment {enrollment_id} is completed; a completed course cannot be unassigned.",
            code="enrollment_completed",
        )


def next_progress(
    enrollment_id: str, current: EnrollmentStatus, wanted: EnrollmentStatus
) -> EnrollmentStatus:
    if wanted not in PROGRESS.get(current, set()):
        raise Conflict(
            f"Enrollment {enrollment_id} is {current.value}; it cannot become {wanted.value}.",
            code="enrollment_not_live",
        )
    return wanted


def choose_course(kind: str, own_sku: str, options: list[str], chosen: str | None) -> str | None:
    """Rule 18: the course a seat becomes; None while an open-ended seat has no choice yet."""
    if kind != ProductKind.OPEN_ENDED:
        if chosen not in (None, own_sku):
            raise Invalid(f"This seat is for '{own_sku}' only.", code="unknown_course")
        return own_sku
    if chosen is None:
        return None
    if chosen not in options:
        raise Invalid(
            f"'{chosen}' is not one of this seat's courses: {', '.join(options)}.",
            code="unknown_course",
        )
    return chosen
