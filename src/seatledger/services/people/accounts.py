"""Users, owners and API tokens."""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from seatledger.db.base import utcnow
from seatledger.db.constraints import add_unique
from seatledger.db.engine import Database
from seatledger.db.models import ApiToken, Customer, Store, User
from seatledger.domain.actor import Actor
from seatledger.domain.emails import normalize_email
from seatledger.domain.errors import Conflict, Unauthenticated
from seatledger.services.audit_trail import audit
from seatledger.services.people.access import hash_token
from seatledger.services.people.password_policy import check_password_strength
from seatledger.services.people.passwords import hash_password, verify_password
from seatledger.services.rate_limiting import ClientLimits


def email_taken() -> Conflict:
    return Conflict("An account with this email already exists.", code="email_taken")


def create_owner(db: Database, *, email: str, password: str, name: str = "Owner") -> User:
    """Create an installation owner, or make an existing user one (setting the password)."""
    address = normalize_email(email)
    check_password_strength(password, email=address, name=name)
    with db.write() as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None:
            user = User(email=address, name=name, password_hash=hash_password(password))
            session.add(user)
        else:
            user.password_hash = hash_password(password)
        user.is_owner = True
        session.flush()
        audit.record(
            session,
            store_id=None,
            actor=Actor(user_id=None),
            action="owner.created",
            entity="user",
            entity_id=user.id,
            after={"email": address, "is_owner": True},
        )
    return user


def issue_token(
    db: Database,
    *,
    email: str,
    password: str,
    ttl: timedelta,
    limits: ClientLimits | None = None,
) -> tuple[str, ApiToken]:
    """A new API token for a correct email and password; only its hash is stored.

    With ``limits`` (the HTTP entry points), a limited account or address is refused (429)
    before the password is checked, and a wrong password is counted (rule 47)."""
    user_id = signing_in(db, email=email, password=password, limits=limits)
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, token_hash=hash_token(token), expires_at=utcnow() + ttl)
    with db.write() as session:
        session.add(row)
    return token, row


def signing_in(
    db: Database, *, email: str, password: str, limits: ClientLimits | None = None
) -> str:
    """The user id of a correct pair, for a token or a session; with ``limits`` (the HTTP
    entry points) a limited account or address is refused (429) before the password is
    checked, and a wrong password is counted (rule 47)."""
    address = email.strip().lower()
    with limits.signing_in(address) if limits else nullcontext():
        return authenticate(db, email=address, password=password)


def authenticate(db: Database, *, email: str, password: str) -> str:
    """The user id of a correct email (normalized) and password; 401 otherwise.

    The argon2 check runs with no transaction open: on SQLite a write transaction holds the
    one writer's turn, and sign-ins must not make every writer wait (docs/adr/0020)."""
    with db.read() as session:
        user = session.scalar(select(User).where(User.email == email))
    # An unknown email is checked against a dummy hash: it costs the same time.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthenticated("The email or the password is wrong.", code="invalid_credentials")
    return user.id


def create_user(session: Session, *, email: str, name: str, password_hash: str) -> User:
    """Add a user inside the caller's transaction; 409 ``email_taken`` when the email is used.

    The password is hashed by the caller, before its write transaction (argon2 is slow)."""
    user = User(email=email, name=name, password_hash=password_hash)
    add_unique(session, user, email_taken())
    return user


def stores_of(db: Database, user_id: str) -> list[tuple[str, str]]:
    """``(slug, name)`` of every store the user is a customer of, or every store for an owner."""
    with db.read() as session:
        user = session.get(User, user_id)
        query = select(Store.slug, Store.name).order_by(Store.name)
        if user is None:
            return []
        if not user.is_owner:
            query = query.join(Customer, Customer.store_id == Store.id).where(
                Customer.user_id == user_id
            )
        return [(row.slug, row.name) for row in session.execute(query)]
