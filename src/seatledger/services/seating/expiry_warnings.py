"""Rule 33: one mail a day to each agent whose links or seats expire within the store's
``expiry_warning_days``, summarised per group (a 10,000-seat order is one line, not 10,000
mails). Links warn whoever sent them; unassigned seats warn the agents granted on the seat's
owner group (docs/adr/0027)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from seatledger.db.models import (
    AgentGrant,
    Assignment,
    Customer,
    ExpiryWarning,
    PurchasingGroup,
    Seat,
    User,
)
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.erasure import is_pseudonym
from seatledger.domain.reminders import warning_window
from seatledger.domain.seats import SeatStatus
from seatledger.mail.outbox import queue_email

MOST_LINES = 50  # lines per mail; the rest are counted in one sentence


@dataclass(frozen=True)
class Line:
    what: str  # "links" or "seats"
    group_id: str | None
    count: int
    first_expiry: datetime


def warn_agents(
    session: Session, store_id: str, store_name: str, warning_days: int, now: datetime
) -> int:
    """Queue today's warnings of the store not yet sent; the number queued."""
    window = warning_window(warning_days, now)
    if window is None:
        return 0
    lines = _lines(session, store_id, *window)
    if not lines:
        return 0
    claimed = _claim(session, store_id, sorted(lines), now)
    if not claimed:
        return 0
    addresses = _addresses(session, claimed)
    group_ids = {line.group_id for who in claimed for line in lines[who] if line.group_id}
    names = dict(
        session.execute(
            select(PurchasingGroup.id, PurchasingGroup.name).where(
                PurchasingGroup.id.in_(group_ids)
            )
        ).all()
    )
    sent = 0
    for who in sorted(claimed):
        address = addresses.get(who)
        if address is None or is_pseudonym(address):  # an erased person gets no mail
            continue
        ordered = sorted(lines[who], key=lambda line: (line.first_expiry, line.what))
        items = [
            {
                "what": line.what,
                "count": line.count,
                "group_name": names.get(line.group_id or "", "no group"),
                "first_expiry": line.first_expiry,
            }
            for line in ordered[:MOST_LINES]
        ]
        queue_email(
            session,
            store_id=store_id,
            to=address,
            template="expiry_warning",
            context={
                "store_name": store_name,
                "warning_days": warning_days,
                "items": items,
                "more": len(ordered) - len(items),
            },
        )
        sent += 1
    return sent


def _lines(
    session: Session, store_id: str, start: datetime, end: datetime
) -> dict[str, list[Line]]:
    """Per recipient (a customer's or user's id), what of theirs expires in (start, end]."""
    found: dict[str, list[Line]] = defaultdict(list)
    links = session.execute(
        select(
            Assignment.assigned_by,
            Assignment.owner_group_id,
            func.count(),
            func.min(Assignment.link_expires_at),
        )
        .where(
            Assignment.store_id == store_id,
            Assignment.status == AssignmentStatus.PENDING,
            Assignment.link_expires_at > start,
            Assignment.link_expires_at <= end,
            Assignment.assigned_by.is_not(None),
        )
        .group_by(Assignment.assigned_by, Assignment.owner_group_id)
    )
    for who, group_id, count, first in links:
        if who is not None and first is not None:
            found[who].append(Line("links", group_id, count, first))
    seats = session.execute(
        select(AgentGrant.customer_id, Seat.owner_group_id, func.count(), func.min(Seat.redeem_by))
        .join(AgentGrant, AgentGrant.group_id == Seat.owner_group_id)
        .where(
            Seat.store_id == store_id,
            Seat.status == SeatStatus.AVAILABLE.value,
            Seat.redeem_by.is_not(None),
            Seat.redeem_by > start,
            Seat.redeem_by <= end,
        )
        .group_by(AgentGrant.customer_id, Seat.owner_group_id)
    )
    for who, group_id, count, first in seats:
        if first is not None:
            found[who].append(Line("seats", group_id, count, first))
    return found


def _claim(session: Session, store_id: str, recipients: list[str], now: datetime) -> set[str]:
    """Insert today's claim for each recipient; those whose claim was already there (sent by
    an earlier pass or another process) are left out."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    today = now.date()
    statement = (
        dialect.insert(ExpiryWarning)
        .values(
            [{"store_id": store_id, "recipient_id": who, "sent_on": today} for who in recipients]
        )
        .on_conflict_do_nothing()
        .returning(ExpiryWarning.recipient_id)
    )
    return set(session.execute(statement).scalars())


def _addresses(session: Session, ids: set[str]) -> dict[str, str]:
    """The sign-in address of each recipient: ids are customers' (agents, customer
    assigners) or users' (an owner who assigned)."""
    found = dict(
        session.execute(
            select(Customer.id, User.email)
            .join(User, User.id == Customer.user_id)
            .where(Customer.id.in_(ids))
        ).all()
    )
    rest = ids - found.keys()
    if rest:
        found.update(session.execute(select(User.id, User.email).where(User.id.in_(rest))).all())
    return found
