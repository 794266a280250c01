"""Bulk assignment (rule 19): check every row and the remaining capacity first, then apply
all rows in one transaction or none; a dry run reports the problems per row."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seatledger.db import group_closure, seat_counts, seat_queries
from seatledger.db.base import new_id, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import (
    Assignment,
    AuditEvent,
    Customer,
    Enrollment,
    OutboxMessage,
    Product,
    Seat,
    Store,
    User,
)
from seatledger.domain import group_tree
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import normalize_email
from seatledger.domain.enrollments import LIVE, EnrollmentStatus
from seatledger.domain.errors import Conflict, DomainError, Invalid, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.domain.seats import SeatStatus
from seatledger.mail.outbox import RenderedEmail, render_email
from seatledger.services.people import access
from seatledger.services.people.access import hash_token
from seatledger.services.storefront.catalog import option_skus_by_product
from seatledger.services.storefront.stores import settings_of

MAX_ROWS = 10_000
MODES = ("instant", "email")
CHUNK = 500  # seat ids per conditional UPDATE, well under SQLite's variable limit


@dataclass
class BulkRow:
    email: str
    mode: str = "email"
    seat_id: str | None = None
    error: str | None = None
    message: str | None = None


@dataclass
class BulkResult:
    applied: bool
    rows: list[BulkRow] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(1 for row in self.rows if row.error)


class InvalidRows(Invalid):
    """Some rows cannot be applied; nothing was."""

    def __init__(self, result: BulkResult) -> None:
        super().__init__(
            f"{result.problems} of {len(result.rows)} rows cannot be assigned; nothing was "
            "applied. Fix them or send a dry run to see each problem.",
            code="invalid_rows",
        )
        self.result = result
        self.details = {
            "rows": [{"email": r.email, "error": r.error} for r in result.rows if r.error]
        }


def bulk_assign(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    sku: str,
    owner_group_id: str | None,
    rows: list[BulkRow],
    base_url: str,
    dry_run: bool = False,
    on_row: Callable[[int], None] | None = None,
) -> BulkResult:
    """Assign ``rows`` to available seats of ``sku`` owned by ``owner_group_id``."""
    if not rows:
        raise Invalid("Send at least one row.", code="rows_required")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS:,} rows per request.", code="too_many_rows")
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        product = _product(session, store, sku)
        _check_scope(session, actor, owner_group_id)
        _check_rows(session, store, product, rows)
        seats = _available_seats(session, store, actor, product, owner_group_id, limit=len(rows))
        result = BulkResult(applied=False, rows=rows)
        if result.problems:
            if dry_run:
                return result
            raise InvalidRows(result)
        if len(seats) < len(rows):
            raise Conflict(
                f"{len(rows)} rows need as many available {sku} seats; only {len(seats)} are left.",
                code="capacity_exceeded",
            )
        for row, seat in zip(rows, seats, strict=False):
            row.seat_id = seat.id
        if dry_run:
            session.rollback()
            return result
        _apply(session, store, actor, product, rows, seats, base_url=base_url, on_row=on_row)
        result.applied = True
        return result


def _product(session: Session, store: Store, sku: str) -> Product:
    product = session.scalar(
        select(Product).where(Product.store_id == store.id, Product.sku == sku)
    )
    if product is None:
        raise Invalid(f"No product with SKU '{sku}' exists here.", code="unknown_sku")
    return product


def _check_scope(session: Session, actor: Actor, owner_group_id: str | None) -> None:
    if actor.has(Permission.SEATS_MANAGE) or owner_group_id is None:
        return
    if not group_tree.is_agent_of(
        group_closure.lineage(session, owner_group_id), actor.agent_grant_group_ids
    ):
        raise PermissionDenied(
            "You can only assign seats of groups you are agent of.", code="not_agent_of_group"
        )


def _check_rows(session: Session, store: Store, product: Product, rows: list[BulkRow]) -> None:
    """Each row's problem, if any: bad address or mode, a repeat, unknown or enrolled learner."""
    seen: Counter[str] = Counter()
    for row in rows:
        try:
            row.email = normalize_email(row.email)
        except DomainError as error:
            row.error = error.code
            continue
        seen[row.email] += 1
        if row.mode not in MODES:
            row.error = "invalid_mode"
        elif seen[row.email] > 1:
            row.error = "duplicate_row"
    instant = {row.email for row in rows if row.mode == "instant" and not row.error}
    if not instant:
        return
    customers = dict(
        session.execute(
            select(User.email, Customer.id)
            .join(Customer, Customer.user_id == User.id)
            .where(Customer.store_id == store.id, User.email.in_(instant))
        ).all()
    )
    enrolled = set(
        session.scalars(
            select(Enrollment.customer_id).where(
                Enrollment.customer_id.in_(customers.values()),
                Enrollment.product_id == product.id,
                Enrollment.status.in_([s.value for s in LIVE]),
            )
        )
    )
    open_ended = product.kind == "open_ended" and option_skus_by_product(session, [product.id])
    for row in rows:
        if row.error or row.mode != "instant":
            continue
        if row.email not in customers:
            row.error = "unknown_customer"
        elif customers[row.email] in enrolled:
            row.error = "already_enrolled"
        elif open_ended:
            row.error = "course_required"


def _available_seats(
    session: Session,
    store: Store,
    actor: Actor,
    product: Product,
    owner_group_id: str | None,
    *,
    limit: int,
) -> list[Any]:
    """Rows (id, product_id, owner_group_id, order_id) of free seats, oldest first; Core
    rows rather than ORM objects, since up to 10,000 are read at once."""
    may_assign = (
        seat_queries.visible_to(actor)
        if actor.has(Permission.SEATS_MANAGE) or owner_group_id is not None
        else Seat.buyer_id == actor.customer_id  # seeing is not assigning: own ungrouped only
    )
    query = select(Seat.id, Seat.product_id, Seat.owner_group_id, Seat.order_id).where(
        Seat.store_id == store.id,
        Seat.product_id == product.id,
        Seat.status == SeatStatus.AVAILABLE.value,
        may_assign,
        Seat.owner_group_id.is_(None)
        if owner_group_id is None
        else Seat.owner_group_id == owner_group_id,
    )
    query = query.order_by(Seat.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.execute(query))


def _apply(
    session: Session,
    store: Store,
    actor: Actor,
    product: Product,
    rows: list[BulkRow],
    seats: list[Any],
    *,
    base_url: str,
    on_row: Callable[[int], None] | None,
) -> None:
    """Apply every row with set-based statements: a conditional UPDATE per chunk of seats, bulk
    inserts of assignments, enrollments, audit events and outbox mail, one counter delta.

    The UPDATE only touches seats still available; if any was taken meanwhile the whole
    request fails and rolls back (all or nothing).
    """
    now = utcnow()
    pairs = list(zip(rows, seats, strict=False))
    instant = [(row, seat) for row, seat in pairs if row.mode == "instant"]
    by_link = [(row, seat) for row, seat in pairs if row.mode != "instant"]
    _claim(session, [seat.id for _, seat in instant], SeatStatus.ASSIGNED, now)
    _claim(session, [seat.id for _, seat in by_link], SeatStatus.AWAITING, now)
    delta: Counter[seat_counts.Key] = Counter()
    for row, seat in pairs:
        target = SeatStatus.ASSIGNED if row.mode == "instant" else SeatStatus.AWAITING
        delta[(seat.owner_group_id, seat.product_id, SeatStatus.AVAILABLE.value)] -= 1
        delta[(seat.owner_group_id, seat.product_id, target.value)] += 1
    seat_counts.apply(session, delta)

    learners = _learner_ids(session, store, [row.email for row, _ in instant])
    ttl = timedelta(days=settings_of(store).redemption_link_ttl_days)
    sender = session.get(Customer, actor.customer_id) if actor.customer_id else None
    assignments, enrollments, events, mails = [], [], [], []
    outbox = _Mails(store, now)
    for number, (row, seat) in enumerate(pairs, start=1):
        assignment_id = new_id()
        assignment: dict[str, Any] = {
            "id": assignment_id,
            "store_id": store.id,
            "seat_id": seat.id,
            "email": row.email,
            "learner_id": None,
            "owner_group_id": seat.owner_group_id,
            "course_product_id": None,
            "mode": row.mode,
            "assigned_by": actor.audit_id,
            "assigned_at": now,
            "message": row.message,
            "token_hash": None,
            "link_expires_at": None,
            "redeemed_at": None,
            "enrollment_id": None,
        }
        if row.mode == "instant":
            enrollment_id = new_id()
            assignment.update(
                status=AssignmentStatus.REDEEMED.value,
                learner_id=learners[row.email],
                redeemed_at=now,
                course_product_id=product.id,
                enrollment_id=enrollment_id,
            )
            enrollments.append(
                {
                    "id": enrollment_id,
                    "store_id": store.id,
                    "customer_id": learners[row.email],
                    "product_id": product.id,
                    "seat_id": seat.id,
                    "assignment_id": assignment_id,
                    "status": EnrollmentStatus.NOT_STARTED.value,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            context = {"store_name": store.name, "course_name": product.name}
            mails.append(outbox.row(row.email, "assignment_notice", context))
            action = "seat.assigned"
        else:
            token = secrets.token_urlsafe(32)
            expires_at = now + ttl
            assignment.update(
                status=AssignmentStatus.PENDING.value,
                token_hash=hash_token(token),
                link_expires_at=expires_at,
            )
            context = {
                "store_name": store.name,
                "course_name": product.name,
                "link_url": f"{base_url.rstrip('/')}/redeem/{token}",
                "expires_at": expires_at,
                "sender_name": sender.name if sender else None,
                "message": row.message,
            }
            mails.append(outbox.row(row.email, "redemption_link", context))
            action = "seat.link_sent"
        assignments.append(assignment)
        events.append(
            {
                "id": new_id(),
                "store_id": store.id,
                "at": now,
                "actor_id": actor.audit_id,
                "action": action,
                "entity": "seat",
                "entity_id": seat.id,
                "before": None,
                "after": {
                    "status": "assigned" if row.mode == "instant" else "awaiting",
                    "email": row.email,
                    "owner_group_id": seat.owner_group_id,
                    "mode": row.mode,
                    "bulk": True,
                },
                "seat_id": seat.id,
                "order_id": seat.order_id,
                "group_id": seat.owner_group_id,
                "learner_email": row.email,
            }
        )
        if on_row and number % 100 == 0:
            on_row(100)
    connection = session.connection()
    connection.execute(insert(Assignment.__table__), assignments)
    if enrollments:
        try:
            with session.begin_nested():
                session.connection().execute(insert(Enrollment.__table__), enrollments)
        except IntegrityError:  # enrolled by a concurrent request since the rows were checked
            raise Conflict(
                "A learner in the list was enrolled meanwhile; nothing was applied.",
                code="already_enrolled",
            ) from None
    connection.execute(insert(AuditEvent.__table__), events)
    connection.execute(insert(OutboxMessage.__table__), mails)
    if on_row and len(pairs) % 100:
        on_row(len(pairs) % 100)


def _claim(session: Session, seat_ids: list[str], status: SeatStatus, now: datetime) -> None:
    for start in range(0, len(seat_ids), CHUNK):
        chunk = seat_ids[start : start + CHUNK]
        changed = session.execute(
            update(Seat)
            .where(Seat.id.in_(chunk), Seat.status == SeatStatus.AVAILABLE.value)
            .values(status=status.value, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != len(chunk):
            raise Conflict(
                "Some seats were taken by another request meanwhile; nothing was applied.",
                code="seat_not_available",
            )


def _learner_ids(session: Session, store: Store, emails: list[str]) -> dict[str, str]:
    if not emails:
        return {}
    return dict(
        session.execute(
            select(User.email, Customer.id)
            .join(Customer, Customer.user_id == User.id)
            .where(Customer.store_id == store.id, User.email.in_(emails))
        ).all()
    )


LINK_SENTINEL = "https://seatledger.invalid/redeem/SEATLEDGER-LINK"


class _Mails:
    """Outbox rows for many recipients of one request: the same email to everyone but for the
    link, so each template is rendered once and the link put in by replacement (tokens are
    URL-safe, so the text and the HTML take them unchanged)."""

    def __init__(self, store: Store, now: datetime) -> None:
        self.store, self.now = store, now
        self._rendered: dict[tuple[str, str], RenderedEmail] = {}

    def row(self, to: str, template: str, context: dict[str, Any]) -> dict[str, Any]:
        link = context.get("link_url")
        key = (template, repr(sorted((k, str(v)) for k, v in context.items() if k != "link_url")))
        if key not in self._rendered:
            shared = {**context, "link_url": LINK_SENTINEL} if link else context
            self._rendered[key] = render_email(template, shared)
        rendered = self._rendered[key]

        def put_link(text: str) -> str:
            return text.replace(LINK_SENTINEL, link) if link else text

        return {
            "id": new_id(),
            "store_id": self.store.id,
            "template": template,
            "to_address": to,
            "subject": put_link(rendered.subject),
            "text_body": put_link(rendered.text),
            "html_body": put_link(rendered.html),
            "created_at": self.now,
            "attempts": 0,
            "next_attempt_at": self.now,
            "sent_at": None,
            "last_error": None,
        }
