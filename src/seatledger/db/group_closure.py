"""The closure table of the group tree: kept in step with parent links, queried for reach."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from seatledger.db.models import GroupClosure, PurchasingGroup, Store


def lock_tree(session: Session, store_id: str) -> None:
    """Serialize changes to one store's tree (a no-op on SQLite, whose write lock already does)."""
    session.execute(select(Store.id).where(Store.id == store_id).with_for_update())


# Built once: read on every agent's seat action, so no statement building or cache-key work.
_LINEAGE = (
    select(GroupClosure.ancestor_id)
    .where(GroupClosure.descendant_id == bindparam("group_id"))
    .order_by(GroupClosure.depth)
)


def lineage(executor: Session | Connection, group_id: str) -> list[str]:
    """The group, its parent, ... up to the root."""
    return [row[0] for row in executor.execute(_LINEAGE, {"group_id": group_id})]


def subtree_ids(session: Session, group_id: str) -> list[str]:
    return list(
        session.scalars(
            select(GroupClosure.descendant_id).where(GroupClosure.ancestor_id == group_id)
        )
    )


def agent_reach_ids(session: Session, grant_group_ids: Iterable[str]) -> set[str]:
    """Every group at or below one of the granted groups."""
    granted = list(grant_group_ids)
    if not granted:
        return set()
    return set(
        session.scalars(
            select(GroupClosure.descendant_id).where(GroupClosure.ancestor_id.in_(granted))
        )
    )


def add_leaf(session: Session, group: PurchasingGroup) -> None:
    """Closure rows of a new group: itself, and every ancestor of its parent."""
    rows = [{"ancestor_id": group.id, "descendant_id": group.id, "depth": 0}]
    if group.parent_id is not None:
        rows += [
            {"ancestor_id": ancestor, "descendant_id": group.id, "depth": depth + 1}
            for depth, ancestor in enumerate(lineage(session, group.parent_id))
        ]
    session.execute(insert(GroupClosure), rows)


def move_subtree(session: Session, group_id: str, new_parent_id: str | None) -> None:
    """Re-link the closure rows of ``group_id``'s subtree under its new parent."""
    subtree = session.execute(
        select(GroupClosure.descendant_id, GroupClosure.depth).where(
            GroupClosure.ancestor_id == group_id
        )
    ).all()
    members = [row.descendant_id for row in subtree]
    old_ancestors = [a for a in lineage(session, group_id) if a != group_id]
    if old_ancestors:
        session.execute(
            delete(GroupClosure).where(
                GroupClosure.descendant_id.in_(members), GroupClosure.ancestor_id.in_(old_ancestors)
            )
        )
    if new_parent_id is not None:
        new_ancestors = lineage(session, new_parent_id)
        session.execute(
            insert(GroupClosure),
            [
                {
                    "ancestor_id": ancestor,
                    "descendant_id": row.descendant_id,
                    "depth": row.depth + distance + 1,
                }
                for distance, ancestor in enumerate(new_ancestors)
                for row in subtree
            ],
        )
