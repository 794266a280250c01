"""Erasing a customer (rule 49): their links cancelled, their courses ended, their login and
roles gone, their address and name replaced by a pseudonym; counts, money and events kept.

One transaction. Decisions (a person known to other stores, mail, the audit trail):
docs/adr/0024-erasing-a-person.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from seatledger.db import erasure as writes
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import (
    AdminPermission,
    AgentGrant,
    ApiToken,
    Assignment,
    Customer,
    Enrollment,
    Seat,
    Store,
    User,
)
from seatledger.domain.actor import Actor
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.enrollments import LIVE, UnassignOutcome
from seatledger.domain.erasure import (
    ERASED_NAME,
    UNUSABLE_PASSWORD_HASH,
    Scrubber,
    is_pseudonym,
    pseudonym,
)
from seatledger.domain.errors import Conflict, not_found
from seatledger.domain.permissions import Permission
from seatledger.services.assignment.links import cancel_link
from seatledger.services.assignment.unassign import end_enrollment
from seatledger.services.audit_trail import audit
from seatledger.services.people import access

SENT_MAIL_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Erasure:
    """What an erasure did; all zero and ``already_erased`` when it was done before."""

    customer_id: str
    email: str  # the pseudonym
    name: str
    already_erased: bool
    links_cancelled: int = 0
    enrollments_ended: int = 0
    tokens_revoked: int = 0
    login_erased: bool = False  # false while another store still knows the login


def erase_customer(
    db: Database,
    caller: str | None,
    store_slug: str,
    customer_id: str,
    *,
    sent_mail_retention: timedelta = SENT_MAIL_RETENTION,
) -> Erasure:
    """Rule 49 (``store.manage``); erasing an erased customer changes nothing."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        customer = session.scalar(
            select(Customer)
            .where(Customer.id == customer_id, Customer.store_id == store.id)
            .with_for_update()  # a second erasure waits, then finds the pseudonym
        )
        if customer is None:
            raise not_found("customer", customer_id)
        user = session.get(User, customer.user_id)
        assert user is not None
        if is_pseudonym(user.email):
            return Erasure(customer.id, user.email, customer.name, already_erased=True)
        if customer.id == actor.customer_id:
            raise Conflict(
                "You cannot erase yourself: ask another admin of the store.",
                code="cannot_erase_self",
            )
        return _erase(session, store, actor, customer, user, sent_mail_retention)


def _erase(
    session: Session,
    store: Store,
    actor: Actor,
    customer: Customer,
    user: User,
    retention: timedelta,
) -> Erasure:
    old_email, names = user.email, {customer.name, user.name}
    whole_login = not user.is_owner and not known_elsewhere(session, user, store.id)
    links = _cancel_links(session, store, actor, customer, old_email)
    enrollments = _end_enrollments(session, store, actor, customer)
    tokens = _revoke_tokens(session, user) if whole_login else 0
    roles = _remove_roles(session, customer)
    alias = pseudonym(secrets.token_hex(6))
    if whole_login:
        user.email, user.name, user.password_hash = alias, ERASED_NAME, UNUSABLE_PASSWORD_HASH
    else:  # the login stays for the other stores; this store's record moves to a dead one
        stand_in = User(email=alias, name=ERASED_NAME, password_hash=UNUSABLE_PASSWORD_HASH)
        session.add(stand_in)
        session.flush()
        customer.user_id = stand_in.id
    customer.name = ERASED_NAME
    audit.record(
        session,
        store_id=store.id,
        actor=actor,
        action="customer.erased",
        entity="customer",
        entity_id=customer.id,
        learner_email=alias,
        after={
            "email": alias,
            "name": ERASED_NAME,
            "links_cancelled": links,
            "enrollments_ended": enrollments,
            "tokens_revoked": tokens,
            "login_erased": whole_login,
            **roles,
        },
    )
    session.flush()
    _rewrite_everywhere(
        session, Scrubber.of(old_email, names, alias), store.id, whole_login, retention
    )
    return Erasure(
        customer.id, alias, ERASED_NAME, False, len(links), len(enrollments), tokens, whole_login
    )


def known_elsewhere(session: Session, user: User, store_id: str) -> bool:
    """Whether another store has this login as a customer."""
    others = session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.user_id == user.id, Customer.store_id != store_id)
    )
    return bool(others)


def pending_link_seats(session: Session, store_id: str, customer_id: str, email: str) -> list[str]:
    """The seats of the links out to the customer's record or address in the store."""
    return list(
        session.scalars(
            select(Assignment.seat_id).where(
                Assignment.store_id == store_id,
                Assignment.status == AssignmentStatus.PENDING,
                or_(Assignment.learner_id == customer_id, Assignment.email == email),
            )
        )
    )


def live_enrollments(session: Session, store_id: str, customer_id: str) -> list[Enrollment]:
    return list(
        session.scalars(
            select(Enrollment).where(
                Enrollment.store_id == store_id,
                Enrollment.customer_id == customer_id,
                Enrollment.status.in_([s.value for s in LIVE]),
            )
        )
    )


def _cancel_links(
    session: Session, store: Store, actor: Actor, customer: Customer, email: str
) -> list[str]:
    """Their pending links, through the one cancel path (the seats come back); no mail."""
    pending = pending_link_seats(session, store.id, customer.id, email)
    for seat_id in pending:
        seat = session.get(Seat, seat_id)
        assert seat is not None
        cancel_link(session, store, actor, seat, notify=False)
    return sorted(pending)


def _end_enrollments(session: Session, store: Store, actor: Actor, customer: Customer) -> list[str]:
    """Their live enrollments expire (the record stays, the access ends; the seat stays
    assigned, as when an enrollment's end date passes)."""
    ended = []
    for enrollment in live_enrollments(session, store.id, customer.id):
        before = enrollment.status
        assignment = session.get(Assignment, enrollment.assignment_id)
        assert assignment is not None
        try:
            with session.begin_nested():
                end_enrollment(session, enrollment, assignment, UnassignOutcome.EXPIRE)
        except Conflict:  # completed meanwhile: nothing left to end
            continue
        ended.append(enrollment.id)
        audit.record(
            session,
            store_id=store.id,
            actor=actor,
            action="enrollment.ended",
            entity="enrollment",
            entity_id=enrollment.id,
            seat_id=enrollment.seat_id,
            before={"status": before},
            after={"status": enrollment.status, "reason": "erasure"},
        )
    return ended


def _revoke_tokens(session: Session, user: User) -> int:
    """Every API token of the login, and so every browser session (ADR 0015)."""
    return changed_rows(session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)))


def _remove_roles(session: Session, customer: Customer) -> dict[str, list[str]]:
    permissions = sorted(
        session.scalars(
            select(AdminPermission.permission).where(AdminPermission.customer_id == customer.id)
        )
    )
    groups = sorted(
        session.scalars(select(AgentGrant.group_id).where(AgentGrant.customer_id == customer.id))
    )
    session.execute(delete(AdminPermission).where(AdminPermission.customer_id == customer.id))
    session.execute(delete(AgentGrant).where(AgentGrant.customer_id == customer.id))
    return {"admin_permissions_removed": permissions, "agent_grants_removed": groups}


def _rewrite_everywhere(
    session: Session,
    scrubber: Scrubber,
    store_id: str,
    whole_login: bool,
    retention: timedelta,
) -> None:
    scope = writes.Scope(store_id, storeless=whole_login)
    writes.delete_mail_to(session, scrubber.email, scope, sent_before=utcnow() - retention)
    for table in writes.PERSONAL_TEXT:
        if table != "audit_events":
            writes.scrub(session, table, scrubber, scope)
    writes.scrub_audit_trail(session, scrubber, scope)
