"""Changing one's password (rules 47-48): the new one passes the policy, and every other
token and session of the person is revoked; the one the change came with stays."""

from __future__ import annotations

from sqlalchemy import select, update

from seatledger.db.base import changed_rows
from seatledger.db.engine import Database
from seatledger.db.models import Customer, Store, User
from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, PermissionDenied, Unauthenticated
from seatledger.services.audit_trail import audit
from seatledger.services.people.access import Credential
from seatledger.services.people.password_policy import check_password_strength
from seatledger.services.people.passwords import hash_password, verify_password
from seatledger.services.people.tokens import revoke_user_tokens


def change_password(
    db: Database, credential: Credential | None, *, current_password: str, new_password: str
) -> int:
    """Set a new password for the signed-in person: how many other tokens and sessions
    were revoked. 403 ``wrong_password`` when ``current_password`` is wrong, 422
    ``weak_password`` when the new one is weak.

    argon2 runs twice (verify the current, hash the new) between a read and a short write,
    so no write transaction waits on it; the write applies only if the password is still
    the one verified.
    """
    if credential is None:
        raise Unauthenticated()
    with db.read() as session:
        user = session.get(User, credential.user_id)
        stores = session.execute(
            select(Store.name, Store.slug)
            .join(Customer, Customer.store_id == Store.id)
            .where(Customer.user_id == credential.user_id)
        ).all()
    if user is None:
        raise Unauthenticated("The account behind this token no longer exists.")
    check_password_strength(
        new_password,
        email=user.email,
        name=user.name,
        store_names=[word for store in stores for word in store],
    )
    if not verify_password(user.password_hash, current_password):
        raise PermissionDenied("The current password is wrong.", code="wrong_password")
    new_hash = hash_password(new_password)
    with db.write() as session:
        changed = session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=new_hash)
        )
        if changed_rows(changed) == 0:
            raise Conflict(
                "The password was changed meanwhile: sign in again with the new one.",
                code="conflict",
            )
        revoked = revoke_user_tokens(session, user.id, keep=credential.token_id)
        audit.record(
            session,
            store_id=None,
            actor=Actor(user_id=user.id),
            action="user.password_changed",
            entity="user",
            entity_id=user.id,
            after={"revoked": revoked},
        )
    return revoked
