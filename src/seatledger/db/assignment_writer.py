"""The one writer of hand-outs: applies a plan of ``domain.assignment_plan`` with set-based
statements, for one seat or ten thousand.

In this order, all in the caller's transaction: links being redeemed are claimed (a
conditional UPDATE per link), every seat moves through ``seat_writes.transition_many``, then
assignments, enrollments, audit events and outbox mail are inserted, one statement each. A
seat or link taken by another transaction meanwhile refuses the whole plan; the partial
unique index on live enrollments catches a learner enrolled meanwhile (rule 17).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy.exc import IntegrityError

from seatledger.db import audit_log, seat_writes
from seatledger.db.base import new_id
from seatledger.db.models import Assignment, Enrollment
from seatledger.domain.actor import Actor
from seatledger.domain.assignment_plan import Handout, Mode, already_enrolled
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.enrollments import EnrollmentStatus
from seatledger.domain.errors import Gone
from seatledger.domain.tokens import hash_token
from seatledger.mail.outbox import MailBatch

_INSERT_ASSIGNMENTS = insert(Assignment)
_INSERT_ENROLLMENTS = insert(Enrollment)
# Redeeming claims the link only while it is pending, unexpired and not replaced by a resend.
_CLAIM_LINK = (
    update(Assignment)
    .where(
        Assignment.id == bindparam("assignment_id"),
        Assignment.status == AssignmentStatus.PENDING.value,
        Assignment.token_hash == bindparam("presented_hash"),
        Assignment.link_expires_at > bindparam("now"),
    )
    .values(
        status=AssignmentStatus.REDEEMED.value,
        learner_id=bindparam("redeemer_id"),
        redeemed_at=bindparam("now"),
        course_product_id=bindparam("chosen_course_id"),
        enrollment_id=bindparam("new_enrollment_id"),
    )
)
_ACTIONS = {
    Mode.INSTANT: "seat.assigned",
    Mode.EMAIL: "seat.link_sent",
    Mode.REDEEM: "seat.redeemed",
}


@dataclass(frozen=True)
class Setting:
    """Where the hand-outs happen: the store, who acts, when, and what the mail says."""

    store_id: str
    store_name: str
    actor: Actor
    now: datetime
    base_url: str = ""
    sender_name: str | None = None
    bulk: bool = False  # recorded on each audit event of a bulk assignment


@dataclass(frozen=True)
class Written:
    """The records one hand-out made."""

    assignment_id: str
    enrollment_id: str | None
    at: datetime


def apply(connection: Connection, plan: Sequence[Handout], setting: Setting) -> list[Written]:
    """Write every hand-out of ``plan`` (each with its seat), or refuse them all."""
    written = [
        Written(
            handout.assignment_id or new_id(),
            new_id() if handout.enrolls else None,
            setting.now,
        )
        for handout in plan
    ]
    _claim_links(connection, plan, written, setting.now)
    seat_writes.transition_many(
        connection,
        [seat_writes.Move(_seat(h), h.move, h.owner_group_id) for h in plan],
        now=setting.now,
    )
    new = [
        _assignment(h, w, setting)
        for h, w in zip(plan, written, strict=True)
        if h.mode != Mode.REDEEM
    ]
    _insert(connection, _INSERT_ASSIGNMENTS, new)
    _enroll(connection, plan, written, setting)
    events = [_event(h, w, setting) for h, w in zip(plan, written, strict=True)]
    _insert(connection, audit_log.INSERT, events)
    mails = MailBatch(setting.store_id, setting.now)
    _insert(connection, MailBatch.INSERT, [row for h in plan if (row := _mail(mails, h, setting))])
    return written


def _insert(connection: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
    """One INSERT for all ``rows``; a single row as plain parameters (no executemany path)."""
    if rows:
        connection.execute(statement, rows[0] if len(rows) == 1 else rows)


def _seat(handout: Handout) -> Any:
    if handout.seat is None:
        raise ValueError("a hand-out is written only once it has a seat")
    return handout.seat


def _claim_links(
    connection: Connection, plan: Sequence[Handout], written: list[Written], now: datetime
) -> None:
    for handout, records in zip(plan, written, strict=True):
        if handout.mode != Mode.REDEEM:
            continue
        assert handout.learner is not None and handout.course is not None and handout.token
        claimed = connection.execute(
            _CLAIM_LINK,
            {
                "assignment_id": records.assignment_id,
                "presented_hash": hash_token(handout.token),
                "now": now,
                "redeemer_id": handout.learner.customer_id,
                "chosen_course_id": handout.course.id,
                "new_enrollment_id": records.enrollment_id,
            },
        ).rowcount
        if claimed != 1:  # a parallel redemption of the same link won
            raise Gone("This link has already been used.", code="link_used")


def _assignment(handout: Handout, written: Written, setting: Setting) -> dict[str, Any]:
    seat = _seat(handout)
    instant = handout.mode is Mode.INSTANT
    return {
        "id": written.assignment_id,
        "store_id": setting.store_id,
        "seat_id": seat.id,
        "email": handout.email,
        "learner_id": handout.learner.customer_id if instant and handout.learner else None,
        "owner_group_id": handout.owner_group_id,
        "course_product_id": handout.course.id if handout.course else None,
        "mode": handout.mode.value,
        "status": handout.assignment_status.value,
        "assigned_by": setting.actor.audit_id,
        "assigned_at": setting.now,
        "message": handout.message,
        "token_hash": hash_token(handout.token) if handout.token else None,
        "link_expires_at": handout.link_expires_at,
        "link_sent_at": setting.now if handout.token else None,
        "redeemed_at": setting.now if instant else None,
        "enrollment_id": written.enrollment_id,
    }


def _enroll(
    connection: Connection, plan: Sequence[Handout], written: list[Written], setting: Setting
) -> None:
    rows = [
        {
            "id": records.enrollment_id,
            "store_id": setting.store_id,
            "customer_id": handout.learner.customer_id,
            "product_id": handout.course.id,
            "seat_id": _seat(handout).id,
            "assignment_id": records.assignment_id,
            "status": EnrollmentStatus.NOT_STARTED.value,
            "created_at": setting.now,
            "updated_at": setting.now,
        }
        for handout, records in zip(plan, written, strict=True)
        if handout.enrolls and handout.learner is not None and handout.course is not None
    ]
    if not rows:
        return
    try:
        _insert(connection, _INSERT_ENROLLMENTS, rows)
    except IntegrityError:  # enrolled by a concurrent request since the facts were read
        raise already_enrolled() from None


def _event(handout: Handout, written: Written, setting: Setting) -> dict[str, Any]:
    seat = _seat(handout)
    course = handout.course.sku if handout.course else None
    after: dict[str, Any]
    if handout.mode is Mode.REDEEM:
        after = {"status": handout.status.value, "enrollment_id": written.enrollment_id}
    else:
        after = {
            "status": handout.status.value,
            "email": handout.email,
            "owner_group_id": handout.owner_group_id,
            "course": course,
            "mode": handout.mode.value,
        }
    if handout.link_expires_at is not None:
        after["link_expires_at"] = handout.link_expires_at.isoformat()
    if setting.bulk:
        after["bulk"] = True
    return audit_log.row(
        setting.store_id,
        setting.actor,
        _ACTIONS[handout.mode],
        "seat",
        seat.id,
        at=setting.now,
        before=None,
        after=after,
        seat_id=seat.id,
        order_id=seat.order_id,
        group_id=handout.owner_group_id,
        learner_email=handout.email,
    )


def _mail(mails: MailBatch, handout: Handout, setting: Setting) -> dict[str, Any] | None:
    course_name = handout.course.name if handout.course else None
    if handout.mode is Mode.INSTANT:
        assert handout.learner is not None and course_name is not None
        context = {
            "store_name": setting.store_name,
            "course_name": course_name,
            "learner_name": handout.learner.name,
        }
        return mails.row(handout.email, "assignment_notice", context)
    if handout.mode is Mode.EMAIL:
        assert handout.link_expires_at is not None and handout.token is not None
        context = {
            "store_name": setting.store_name,
            "course_name": course_name or handout.product.name,
            "link_url": f"{setting.base_url.rstrip('/')}/redeem/{handout.token}",
            "expires_at": _day(handout.link_expires_at),
            "sender_name": setting.sender_name,
            "message": handout.message,
        }
        return mails.row(handout.email, "redemption_link", context)
    return None  # the learner redeemed the link themselves


@lru_cache(maxsize=64)
def _day(when: datetime) -> str:
    """The expiry as the link mail says it (a bulk plan shares one instant)."""
    return when.strftime("%d %B %Y")
