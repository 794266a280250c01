"""Who the actors of audit events are: their email addresses, for the admin console's trail.

Audit events record the actor's customer id (or, for installation owners acting outside a
store, their user id); readers with ``audit.view`` see those ids' addresses.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import Customer, User
from seatledger.domain.permissions import Permission
from seatledger.services.people import access


def actor_emails(
    db: Database, caller: str | None, store_slug: str, actor_ids: Iterable[str | None]
) -> dict[str, str]:
    """The email of each actor id that is a customer of this store or a user; nothing for
    callers without ``audit.view``."""
    wanted = sorted({actor_id for actor_id in actor_ids if actor_id})
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        if not wanted or not actor.has(Permission.AUDIT_VIEW):
            return {}
        customers = session.execute(
            select(Customer.id, User.email)
            .join(User, User.id == Customer.user_id)
            .where(Customer.store_id == store.id, Customer.id.in_(wanted))
        ).all()
        users = session.execute(select(User.id, User.email).where(User.id.in_(wanted))).all()
        return {str(row[0]): str(row[1]) for row in [*users, *customers]}
