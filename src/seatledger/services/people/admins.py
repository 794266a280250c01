"""Admin grants: which admin permissions a customer holds in a store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from seatledger.db.engine import Database
from seatledger.db.models import AdminPermission, Customer, User
from seatledger.domain.errors import Conflict
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.people.customers import find_customer


@dataclass(frozen=True)
class AdminGrantView:
    customer_id: str
    email: str
    permissions: list[str]


def set_permissions(
    db: Database,
    caller: str | None,
    store_slug: str,
    customer_id: str,
    permissions: list[Permission],
    *,
    expected: list[str] | None = None,
) -> AdminGrantView:
    """Replace a customer's admin permissions with exactly ``permissions`` (``store.manage``).

    With ``expected`` (what a form showed), refuse when they changed meanwhile, so a page
    opened earlier never silently undoes another admin's grant.
    """
    wanted = sorted({Permission(p).value for p in permissions})
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        customer, user = find_customer(session, store.id, customer_id)
        session.execute(select(Customer.id).where(Customer.id == customer.id).with_for_update())
        held = sorted(
            session.scalars(
                select(AdminPermission.permission).where(AdminPermission.customer_id == customer.id)
            )
        )
        if expected is not None and held != sorted(set(expected)):
            now = ", ".join(held) or "none"
            raise Conflict(
                f"The admin permissions of {user.email} changed since this page was opened; "
                f"they are now: {now}. Check them and save again.",
                code="permissions_changed",
            )
        if held != wanted:
            session.execute(
                delete(AdminPermission).where(AdminPermission.customer_id == customer.id)
            )
            session.add_all(
                AdminPermission(customer_id=customer.id, permission=p, store_id=store.id)
                for p in wanted
            )
            audit.record(
                session,
                store_id=store.id,
                actor=actor,
                action="admin.permissions_changed",
                entity="customer",
                entity_id=customer.id,
                before={"permissions": held},
                after={"permissions": wanted},
                learner_email=user.email,
            )
        return AdminGrantView(customer.id, user.email, wanted)


def list_admins(db: Database, caller: str | None, store_slug: str) -> list[AdminGrantView]:
    """Every customer holding at least one admin permission (``store.manage``)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        rows = session.execute(
            select(Customer.id, User.email, AdminPermission.permission)
            .join(AdminPermission, AdminPermission.customer_id == Customer.id)
            .join(User, User.id == Customer.user_id)
            .where(Customer.store_id == store.id)
            .order_by(User.email, AdminPermission.permission)
        ).all()
        grants: dict[str, AdminGrantView] = {}
        for customer_id, email, permission in rows:
            grants.setdefault(
                customer_id, AdminGrantView(customer_id, email, [])
            ).permissions.append(permission)
        return list(grants.values())
