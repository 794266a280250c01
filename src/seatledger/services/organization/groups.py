"""Purchasing groups: the tree, its agents, and who may see which group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from seatledger.db import group_closure
from seatledger.db.base import changed_rows, utcnow
from seatledger.db.constraints import add_unique, flush_or_raise
from seatledger.db.engine import Database
from seatledger.db.models import AgentGrant, Customer, GroupClosure, PurchasingGroup, Store, User
from seatledger.db.pagination import Page, paginate
from seatledger.domain import group_tree
from seatledger.domain.actor import Actor
from seatledger.domain.emails import normalize_email
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied, not_found
from seatledger.domain.permissions import Permission
from seatledger.services.audit_trail import audit
from seatledger.services.people import access
from seatledger.services.people.customers import find_customer

UNSET: Any = object()


def _already_granted() -> Conflict:
    return Conflict("The agent role is already granted.", code="already_granted")


def _snapshot(group: PurchasingGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "code": group.code,
        "parent_id": group.parent_id,
        "active": group.active,
    }


def _record(
    session: Session, actor: Actor, group: PurchasingGroup, action: str, **change: Any
) -> None:
    audit.record(
        session,
        store_id=group.store_id,
        actor=actor,
        action=action,
        entity="purchasing_group",
        entity_id=group.id,
        group_id=group.id,
        **change,
    )


def find_group(session: Session, store_id: str, group_id: str) -> PurchasingGroup:
    group = session.get(PurchasingGroup, group_id)
    if group is None or group.store_id != store_id:
        raise not_found("purchasing group", group_id)
    return group


def can_see_group(session: Session, actor: Actor, group_id: str) -> bool:
    if actor.has(Permission.GROUPS_VIEW):
        return True
    return group_tree.is_agent_of(
        group_closure.lineage(session, group_id), actor.agent_grant_group_ids
    )


def visible_group(session: Session, store: Store, actor: Actor, group_id: str) -> PurchasingGroup:
    """The group when the caller may see it; 404 alike for missing and invisible groups."""
    access.require_customer(actor)
    group = find_group(session, store.id, group_id)
    if not can_see_group(session, actor, group.id):
        raise not_found("purchasing group", group_id)
    return group


def _managed_group(session: Session, store: Store, actor: Actor, group_id: str) -> PurchasingGroup:
    """A group the caller may change: invisible is 404, visible without the right is 403."""
    group = visible_group(session, store, actor, group_id)
    actor.require(Permission.GROUPS_MANAGE)
    return group


def create_group(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    name: str,
    code: str | None = None,
    parent_id: str | None = None,
) -> PurchasingGroup:
    """Create a group at the root or under an active parent (``groups.manage``)."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.GROUPS_MANAGE)
        group_closure.lock_tree(session, store.id)
        if parent_id is not None:
            parent = _parent_group(session, store.id, parent_id)
            if not parent.active:
                raise Conflict(
                    "Groups cannot be added under a deactivated group.", code="group_inactive"
                )
        group = PurchasingGroup(
            store_id=store.id, name=_clean_name(name), code=code, parent_id=parent_id
        )
        session.add(group)
        _flush_unique_code(session, code)
        group_closure.add_leaf(session, group)
        _record(session, actor, group, "group.created", after=_snapshot(group))
        return group


def update_group(
    db: Database,
    caller: str | None,
    store_slug: str,
    group_id: str,
    *,
    name: str | None = None,
    code: str | None = UNSET,
    parent_id: str | None = UNSET,
    active: bool | None = None,
) -> PurchasingGroup:
    """Rename, re-code, move (never into its own subtree), deactivate or reactivate a group."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        group = _managed_group(session, store, actor, group_id)
        group_closure.lock_tree(session, store.id)
        before = _snapshot(group)
        if name is not None:
            group.name = _clean_name(name)
        if code is not UNSET and code != group.code:
            group.code = code
            _flush_unique_code(session, code)
        if active is not None:
            group.active = active
        if parent_id is not UNSET and parent_id != group.parent_id:
            _move(session, store, group, parent_id)
        after = _snapshot(group)
        if after != before:
            group.updated_at = utcnow()
            _record(
                session, actor, group, _update_action(before, after), before=before, after=after
            )
        return group


def _update_action(before: dict[str, Any], after: dict[str, Any]) -> str:
    changed = {key for key in after if after[key] != before[key]}
    if changed == {"parent_id"}:
        return "group.moved"
    if changed == {"active"}:
        return "group.deactivated" if not after["active"] else "group.reactivated"
    return "group.updated"


def _move(session: Session, store: Store, group: PurchasingGroup, parent_id: str | None) -> None:
    if parent_id is not None:
        _parent_group(session, store.id, parent_id)
        group_tree.ensure_no_cycle(
            group_id=group.id, new_parent_lineage=group_closure.lineage(session, parent_id)
        )
    group_closure.move_subtree(session, group.id, parent_id)
    group.parent_id = parent_id


def _parent_group(session: Session, store_id: str, parent_id: str) -> PurchasingGroup:
    parent = session.get(PurchasingGroup, parent_id)
    if parent is None or parent.store_id != store_id:
        raise Invalid(
            f"No purchasing group with id '{parent_id}' exists here.", code="unknown_parent"
        )
    return parent


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise Invalid("A group needs a name.", code="name_required")
    return cleaned


def _flush_unique_code(session: Session, code: str | None) -> None:
    flush_or_raise(
        session, Conflict(f"Another group already uses the code '{code}'.", code="group_code_taken")
    )


def get_group(db: Database, caller: str | None, store_slug: str, group_id: str) -> PurchasingGroup:
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        return visible_group(session, store, actor, group_id)


def list_groups(
    db: Database,
    caller: str | None,
    store_slug: str,
    *,
    parent_id: str | None = None,
    active: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[PurchasingGroup]:
    """Every group for ``groups.view``; an agent's groups and their descendants otherwise."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        query = select(PurchasingGroup).where(PurchasingGroup.store_id == store.id)
        if not actor.has(Permission.GROUPS_VIEW):
            if not actor.is_agent:
                raise PermissionDenied(
                    "Only purchasing agents and admins with 'groups.view' can list groups."
                )
            reach = group_closure.agent_reach_ids(session, actor.agent_grant_group_ids)
            query = query.where(PurchasingGroup.id.in_(reach))
        if parent_id is not None:
            query = query.where(PurchasingGroup.parent_id == parent_id)
        if active is not None:
            query = query.where(PurchasingGroup.active == active)
        return paginate(session, query, PurchasingGroup.id, limit=limit, cursor=cursor)


@dataclass(frozen=True)
class AgentView:
    customer_id: str
    email: str
    name: str
    via: str
    granted_at: datetime


def grant_agent(
    db: Database, caller: str | None, store_slug: str, group_id: str, customer_id: str
) -> AgentView:
    """Make a customer agent of a group and its descendants; granting twice changes nothing."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        group = _managed_group(session, store, actor, group_id)
        customer, user = find_customer(session, store.id, customer_id)
        grant = _grant_of(session, group.id, customer.id)
        if grant is None:
            grant = AgentGrant(
                store_id=store.id,
                group_id=group.id,
                customer_id=customer.id,
                granted_by=actor.audit_id,
            )
            try:
                add_unique(session, grant, _already_granted())
            except Conflict:  # a concurrent request granted it first: same outcome
                grant = _grant_of(session, group.id, customer.id)
                assert grant is not None
                return AgentView(customer.id, user.email, customer.name, group.id, grant.granted_at)
            _record(
                session,
                actor,
                group,
                "agent.granted",
                after={"customer_id": customer.id, "email": user.email},
            )
        return AgentView(customer.id, user.email, customer.name, group.id, grant.granted_at)


def grant_agent_by_email(
    db: Database, caller: str | None, store_slug: str, group_id: str, email: str
) -> AgentView:
    """``grant_agent`` for the store's customer with this address (the admin console's form);
    needs exactly what granting needs (``groups.manage``), not the customer list's rights."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        _managed_group(session, store, actor, group_id)
        address = normalize_email(email)
        customer_id = session.scalar(
            select(Customer.id)
            .join(User, User.id == Customer.user_id)
            .where(Customer.store_id == store.id, User.email == address)
        )
    if customer_id is None:
        raise Invalid(
            f"No customer with the email {address} is registered in this store: "
            "they need to sign up first.",
            code="unknown_customer",
        )
    return grant_agent(db, caller, store_slug, group_id, customer_id)


def revoke_agent(
    db: Database, caller: str | None, store_slug: str, group_id: str, customer_id: str
) -> None:
    """Take the agent role on a group away (grants on ancestors are untouched)."""
    with db.write() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        group = _managed_group(session, store, actor, group_id)
        customer, user = find_customer(session, store.id, customer_id)
        removed = changed_rows(
            session.execute(
                delete(AgentGrant).where(
                    AgentGrant.group_id == group.id, AgentGrant.customer_id == customer.id
                )
            )
        )
        if removed != 1:  # never granted, or revoked by a concurrent request
            raise not_found("agent grant", f"{group.id}/{customer.id}")
        _record(
            session,
            actor,
            group,
            "agent.revoked",
            before={"customer_id": customer.id, "email": user.email},
        )


def _grant_of(session: Session, group_id: str, customer_id: str) -> AgentGrant | None:
    return session.scalar(
        select(AgentGrant).where(
            AgentGrant.group_id == group_id, AgentGrant.customer_id == customer_id
        )
    )


def list_agents(
    db: Database, caller: str | None, store_slug: str, group_id: str
) -> list[AgentView]:
    """Every agent of the group: granted on it or inherited from an ancestor (``via``)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        group = visible_group(session, store, actor, group_id)
        actor.require(Permission.GROUPS_VIEW)
        line = group_closure.lineage(session, group.id)
        rows = session.execute(
            select(AgentGrant, Customer, User)
            .join(Customer, Customer.id == AgentGrant.customer_id)
            .join(User, User.id == Customer.user_id)
            .where(AgentGrant.group_id.in_(line))
        ).all()
        nearest: dict[str, AgentView] = {}
        for grant, customer, user in sorted(
            rows, key=lambda r: line.index(r[0].group_id), reverse=True
        ):
            nearest[customer.id] = AgentView(
                customer.id, user.email, customer.name, grant.group_id, grant.granted_at
            )
        return sorted(nearest.values(), key=lambda view: view.email)


@dataclass(frozen=True)
class ManagedGroup:
    group: PurchasingGroup
    via: str


def customer_groups(
    db: Database, caller: str | None, store_slug: str, customer_id: str
) -> list[ManagedGroup]:
    """Every group a customer manages as agent, each with the group its grant sits on."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        if customer_id != actor.customer_id:
            actor.require(Permission.GROUPS_VIEW)
        customer, _ = find_customer(session, store.id, customer_id)
        grants = select(AgentGrant.group_id).where(AgentGrant.customer_id == customer.id)
        rows = session.execute(
            select(PurchasingGroup, GroupClosure.ancestor_id, GroupClosure.depth)
            .join(GroupClosure, GroupClosure.descendant_id == PurchasingGroup.id)
            .where(GroupClosure.ancestor_id.in_(grants))
            .order_by(PurchasingGroup.id, GroupClosure.depth)
        ).all()
        nearest: dict[str, ManagedGroup] = {}
        for group, via, _depth in rows:
            nearest.setdefault(group.id, ManagedGroup(group, via))
        return list(nearest.values())
