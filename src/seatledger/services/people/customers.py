"""Customers: sign-up per store, the caller's own record, and the customer list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db import group_closure
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import Customer, User
from seatledger.db.pagination import Page, paginate
from seatledger.domain.actor import Actor
from seatledger.domain.emails import normalize_email
from seatledger.domain.errors import Invalid, not_found
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access, accounts, password_policy
from seatledger.services.people.passwords import hash_password, verify_password
from seatledger.services.rate_limiting import ClientLimits


@dataclass(frozen=True)
class CustomerView:
    id: str
    email: str
    name: str
    user_id: str


@dataclass(frozen=True)
class Me:
    customer: CustomerView | None
    permissions: list[str]
    agent_group_ids: list[str]
    agent_grant_group_ids: list[str]
    is_owner: bool


def _view(customer: Customer, user: User) -> CustomerView:
    return CustomerView(id=customer.id, email=user.email, name=customer.name, user_id=user.id)


def sign_up(
    db: Database,
    store_slug: str,
    *,
    email: str,
    name: str,
    password: str,
    limits: ClientLimits | None = None,
) -> CustomerView:
    """Register a customer in a store.

    An address already registered elsewhere in the installation joins this store when the
    password matches that account (docs/adr/0004-one-login-many-stores.md); a new account's
    password must pass the policy (rule 47), an existing one's is only checked to match. With
    ``limits``, each sign-up that passes those checks counts against the address (rule 47).
    The slow argon2 work happens between a read and the write, never inside it, so sign-ups
    do not hold SQLite's one writer's turn (docs/adr/0020).
    """
    address = normalize_email(email)
    name = name.strip()
    if not name:
        raise Invalid("Tell us your name.", code="name_required")
    with db.read() as session:
        store = access.find_store(session, store_slug)
        store_id, store_names = store.id, (store.name, store.slug)
        existing = session.scalar(select(User).where(User.email == address))
        if existing is not None and _customer_of(session, store_id, existing.id):
            raise accounts.email_taken()
        known = (existing.id, existing.password_hash) if existing is not None else None
    if known is None:
        password_policy.check_password_strength(
            password, email=address, name=name, store_names=store_names
        )
        password_hash = hash_password(password)
    elif not verify_password(known[1], password):
        raise accounts.email_taken()
    if limits is not None:
        limits.take_sign_up()
    with db.write() as session:
        if known is None:
            user = accounts.create_user(
                session, email=address, name=name, password_hash=password_hash
            )
        elif (found := session.get(User, known[0])) is None:
            raise accounts.email_taken()  # the account went meanwhile (erased)
        else:
            user = found
        customer = Customer(store_id=store_id, user_id=user.id, name=name)
        add_unique(session, customer, accounts.email_taken())
        audit.record(
            session,
            store_id=store_id,
            actor=Actor(user_id=user.id, customer_id=customer.id),
            action="customer.signed_up",
            entity="customer",
            entity_id=customer.id,
            after={"email": address, "name": name},
            learner_email=address,
        )
        return _view(customer, user)


def _customer_of(session: Session, store_id: str, user_id: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(Customer.store_id == store_id, Customer.user_id == user_id)
    )


def find_customer(session: Session, store_id: str, customer_id: str) -> tuple[Customer, User]:
    row = session.execute(
        select(Customer, User)
        .join(User, User.id == Customer.user_id)
        .where(Customer.id == customer_id, Customer.store_id == store_id)
    ).first()
    if row is None:
        raise not_found("customer", customer_id)
    return row[0], row[1]


def me(db: Database, caller: str | None, store_slug: str) -> Me:
    """The caller's customer record, permissions and the groups they are agent of."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        view = None
        if actor.customer_id is not None:
            view = _view(*find_customer(session, store.id, actor.customer_id))
        reach = group_closure.agent_reach_ids(session, actor.agent_grant_group_ids)
        return Me(
            customer=view,
            permissions=sorted(p.value for p in actor.permissions),
            agent_group_ids=sorted(reach),
            agent_grant_group_ids=sorted(actor.agent_grant_group_ids),
            is_owner=actor.is_owner,
        )


def list_customers(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    email: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[CustomerView]:
    """The store's customers, optionally the one with an exact email (``groups.view``)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.GROUPS_VIEW)
        query = select(Customer).where(Customer.store_id == store.id)
        if email:
            query = query.join(User, User.id == Customer.user_id).where(
                User.email == email.strip().lower()
            )
        page = paginate(session, query, Customer.id, limit=limit, cursor=cursor)
        users = {
            u.id: u
            for u in session.scalars(
                select(User).where(User.id.in_([c.user_id for c in page.items]))
            )
        }
        return Page([_view(c, users[c.user_id]) for c in page.items], page.next_cursor)
