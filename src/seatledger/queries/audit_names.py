"""Who the actors of audit events are: their email addresses, and the names of the API keys
that acted, for the admin console's trail.

Audit events record the actor's customer id (or, for installation owners acting outside a
store, their user id), and beside it the API key when one made the change (rule 31); readers
with ``audit.view`` see those ids' addresses and the keys' names.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import ApiKey, Customer, User
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


def api_key_names(
    db: Database, caller: str | None, store_slug: str, key_ids: Iterable[str | None]
) -> dict[str, str]:
    """The name of each of this store's API keys among ``key_ids``, revoked ones too; nothing
    for callers without ``audit.view``."""
    wanted = sorted({key_id for key_id in key_ids if key_id})
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        if not wanted or not actor.has(Permission.AUDIT_VIEW):
            return {}
        rows = session.execute(
            select(ApiKey.id, ApiKey.name).where(ApiKey.store_id == store.id, ApiKey.id.in_(wanted))
        )
        return {str(key_id): str(name) for key_id, name in rows}
