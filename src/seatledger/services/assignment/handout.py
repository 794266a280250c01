"""The one assignment path, as the use cases call it: read the facts a hand-out plan needs,
let the domain decide (``domain.assignment_plan``), let the one writer apply it
(``db.assignment_writer``).

Instant assignment, emailed links, redemption, transfer and bulk assignment all come here.
Statements are built once and run on the unit of work's Core connection (docs/adr/0014); a
use case working through an ORM session flushes it and passes ``session.connection()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, exists, select, text
from sqlalchemy.orm import Session

from seatledger.db import assignment_writer
from seatledger.db.assignment_writer import Setting, Written
from seatledger.db.base import utcnow
from seatledger.db.models import LIVE_ENROLLMENT, Customer, Enrollment, User
from seatledger.domain.actor import Actor
from seatledger.domain.assignment_plan import (
    Handout,
    LearnerFacts,
    Mode,
    Request,
    decide,
)
from seatledger.domain.emails import normalize_email
from seatledger.domain.tokens import new_token
from seatledger.services.seating.seats import check_group_choice
from seatledger.services.storefront.courses import course_of
from seatledger.services.storefront.stores import settings_of

# The customers with these addresses, each with whether they hold the course live (rule 17):
# built once for one address (the busy single path) and once for many (bulk).
_LEARNER_COLUMNS = (
    User.email,
    Customer.id,
    Customer.name,
    exists()
    .where(
        Enrollment.customer_id == Customer.id,
        Enrollment.product_id == bindparam("course_id"),
        text(LIVE_ENROLLMENT),  # as the partial unique index says it, so SQLite uses the index
    )
    .label("enrolled"),
)
_LEARNERS = {
    many: select(*_LEARNER_COLUMNS)
    .join(User, User.id == Customer.user_id)
    .where(
        Customer.store_id == bindparam("store_id"),
        User.email.in_(bindparam("emails", expanding=True))
        if many
        else User.email == bindparam("emails"),
    )
    for many in (False, True)
}
_SENDER_NAME = select(Customer.name).where(Customer.id == bindparam("customer_id"))


def learners(
    executor: Session | Connection, store_id: str, emails: Iterable[str], course_id: str | None
) -> dict[str, LearnerFacts]:
    """The store's customers among ``emails`` (normalized), by address."""
    wanted = sorted(set(emails))
    if not wanted:
        return {}
    many = len(wanted) > 1
    rows = executor.execute(
        _LEARNERS[many],
        {"store_id": store_id, "emails": wanted if many else wanted[0], "course_id": course_id},
    )
    return {
        row.email: LearnerFacts(
            row.id, row.name, frozenset({course_id}) if row.enrolled and course_id else frozenset()
        )
        for row in rows
    }


def link_ttl(store: Any) -> timedelta:
    return timedelta(days=settings_of(store).redemption_link_ttl_days)


def plan(requests: Sequence[Request], store: Any, now: datetime) -> list[Handout]:
    """``decide`` every request, at one instant; raises the first refusal."""
    links = any(request.mode is Mode.EMAIL for request in requests)
    ttl = link_ttl(store) if links else timedelta(0)  # the settings are read only when needed
    return [decide(request, now=now, link_ttl=ttl, new_token=new_token) for request in requests]


def setting(
    executor: Session | Connection,
    store: Any,
    actor: Actor,
    *,
    base_url: str = "",
    now: datetime,
    with_sender: bool = False,
    bulk: bool = False,
) -> Setting:
    """Where the hand-outs happen; ``with_sender`` reads the actor's name for the link mail."""
    sender = sender_name(executor, actor) if with_sender else None
    return Setting(store.id, store.name, actor, now, base_url, sender, bulk)


def sender_name(executor: Session | Connection, actor: Actor) -> str | None:
    """The name a redemption link mail says it comes from."""
    if actor.customer_id is None:
        return None
    return executor.execute(_SENDER_NAME, {"customer_id": actor.customer_id}).scalar()


def give(
    connection: Connection,
    store: Any,
    actor: Actor,
    requests: Sequence[Request],
    *,
    base_url: str = "",
) -> list[tuple[Handout, Written]]:
    """Plan and write ``requests`` (each naming its seat), all or nothing."""
    now = utcnow()
    handouts = plan(requests, store, now)
    links = any(handout.mode is Mode.EMAIL for handout in handouts)
    where = setting(connection, store, actor, base_url=base_url, now=now, with_sender=links)
    return list(zip(handouts, assignment_writer.apply(connection, handouts, where), strict=True))


def give_one(
    connection: Connection,
    store: Any,
    actor: Actor,
    seat: Any,
    mode: Mode,
    *,
    email: str,
    course_sku: str | None = None,
    owner_group_id: str | None = None,
    message: str | None = None,
    base_url: str = "",
) -> tuple[Handout, Written]:
    """One seat (a loaded ``Seat`` or a seat row) to ``email``, instantly or by link."""
    address = normalize_email(email)
    course = course_of(connection, seat.product_id)
    picked = course.pick(course_sku)
    learner = None
    if mode is Mode.INSTANT:
        course_id = picked.id if picked else None
        learner = learners(connection, store.id, [address], course_id).get(address)
    if owner_group_id is not None:
        check_group_choice(connection, store, actor, owner_group_id)
    request = Request(
        seat=seat,
        email=address,
        mode=mode,
        course=course,
        course_sku=course_sku,
        learner=learner,
        owner_group_id=owner_group_id,
        message=message,
    )
    return give(connection, store, actor, [request], base_url=base_url)[0]
