"""Enrollments: the learner's list, and progress reported by the LMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Enrollment, Product
from seatledger.domain.enrollments import EnrollmentStatus, next_progress
from seatledger.domain.errors import Conflict, not_found
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access


@dataclass(frozen=True)
class EnrollmentView:
    id: str
    status: str
    sku: str
    course_name: str
    seat_id: str
    customer_id: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None


def enrollment_view(session: Session, enrollment: Enrollment) -> EnrollmentView:
    session.flush()
    product = session.get(Product, enrollment.product_id)
    assert product is not None
    return EnrollmentView(
        id=enrollment.id,
        status=enrollment.status,
        sku=product.sku,
        course_name=product.name,
        seat_id=enrollment.seat_id,
        customer_id=enrollment.customer_id,
        created_at=enrollment.created_at,
        updated_at=enrollment.updated_at,
        ended_at=enrollment.ended_at,
    )


def my_enrollments(db: Database, caller: str | None, store_slug: str) -> list[EnrollmentView]:
    """The caller's own enrollments in this store, newest first."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        rows = session.scalars(
            select(Enrollment)
            .where(Enrollment.store_id == store.id, Enrollment.customer_id == actor.customer_id)
            .order_by(Enrollment.id.desc())
        )
        return [enrollment_view(session, row) for row in rows]


def record_progress(
    db: Database, caller: str | None, store_slug: str, enrollment_id: str, status: EnrollmentStatus
) -> EnrollmentView:
    """The LMS reports progress (``seats.manage``): not_started → in_progress → completed."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.SEATS_MANAGE)
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None or enrollment.store_id != store.id:
            raise not_found("enrollment", enrollment_id)
        before = enrollment.status
        wanted = next_progress(enrollment.id, EnrollmentStatus(before), status).value
        changed = changed_rows(
            session.execute(
                update(Enrollment)
                .where(Enrollment.id == enrollment.id, Enrollment.status == before)
                .values(status=wanted, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        )
        if changed != 1:  # unassigned or progressed by a concurrent request
            raise Conflict(
                f"Enrollment {enrollment.id} changed meanwhile; read it again.",
                code="enrollment_changed",
            )
        session.refresh(enrollment)
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="enrollment.progressed",
            entity="enrollment",
            entity_id=enrollment.id,
            seat_id=enrollment.seat_id,
            before={"status": before},
            after={"status": enrollment.status},
        )
        return enrollment_view(session, enrollment)
