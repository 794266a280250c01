"""Rules of the purchasing-group tree: ancestry, cycles and agent reach.

Functions take the tree as a mapping ``group_id -> parent_id`` (or ancestor lists), so the
rules are testable without a database; the database keeps a closure table that answers the
same questions with one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from seatledger.domain.errors import Conflict


def ancestors(parents: Mapping[str, str | None], group_id: str) -> list[str]:
    """The group itself, then its parent, grandparent... up to the root."""
    chain = [group_id]
    seen = {group_id}
    parent = parents.get(group_id)
    while parent is not None:
        if parent in seen:  # a corrupt mapping; never produced by the service
            raise ValueError(f"cycle through group {parent}")
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return chain


def ensure_no_cycle(*, group_id: str, new_parent_lineage: Iterable[str]) -> None:
    """Refuse to move a group under itself or under one of its own descendants.

    ``new_parent_lineage`` is the new parent and all of its ancestors.
    """
    if group_id in set(new_parent_lineage):
        raise Conflict(
            "A group cannot be moved under itself or under one of its own subgroups.",
            code="group_cycle",
        )


def is_agent_of(lineage: Iterable[str], agent_grant_group_ids: Iterable[str]) -> bool:
    """An agent of G is granted the role on G or on any ancestor of G."""
    return not set(lineage).isdisjoint(agent_grant_group_ids)


def nearest_grant(lineage: list[str], agent_grant_group_ids: Iterable[str]) -> str | None:
    """The closest group in ``lineage`` (self first) holding the grant: the ``via`` group."""
    granted = set(agent_grant_group_ids)
    return next((group for group in lineage if group in granted), None)


def agent_reach(
    parents: Mapping[str, str | None], agent_grant_group_ids: Iterable[str]
) -> set[str]:
    """Every group an agent with these grants is agent of."""
    granted = set(agent_grant_group_ids)
    return {group for group in parents if is_agent_of(ancestors(parents, group), granted)}
