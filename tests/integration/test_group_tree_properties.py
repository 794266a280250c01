"""Stateful property test of the purchasing-group tree against the real database.

A hypothesis state machine creates groups, moves them (including into their own subtree,
which must be refused), grants and revokes the agent role, all through the service layer,
on SQLite and on PostgreSQL. After every step it checks that

(a) the parent links stored in the database form a forest and match the model,
(b) the closure table equals the closure recomputed from those parent links, depths included,
(c) every customer sees (``list_groups`` / ``get_group``) exactly the groups they are agent
    of, i.e. ``group_tree.agent_reach`` of their direct grants,
(d) ``customer_groups`` returns that same set, each with ``via`` the nearest granted
    ancestor-or-self.

The database fixture is function-scoped and is not reset between hypothesis examples, so
each example works in a store of its own (a fresh slug) and only ever reads that store.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, or_, select

from seatledger.db.engine import Database
from seatledger.db.models import AgentGrant, AuditEvent, GroupClosure, PurchasingGroup
from seatledger.domain import group_tree
from seatledger.domain.errors import Conflict, NotFound, PermissionDenied
from seatledger.services.organization import groups
from seatledger.services.people import accounts, customers
from seatledger.services.storefront import stores

PASSWORD = "correct horse battery staple"
CUSTOMER_COUNT = 3
LIST_LIMIT = 500

MACHINE_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_examples = itertools.count()

Parents = dict[str, str | None]


def closure_of(parents: Parents) -> dict[tuple[str, str], int]:
    """(ancestor, descendant) -> depth, computed by walking parent links (bounded)."""
    closure: dict[tuple[str, str], int] = {}
    for group in parents:
        current: str | None = group
        depth = 0
        while current is not None:
            assert depth <= len(parents), f"parent links from {group} never reach a root"
            closure[(current, group)] = depth
            current = parents[current]
            depth += 1
    return closure


class GroupTreeMachine(RuleBasedStateMachine):
    """Model: the parent map of the store's groups and each customer's direct grants."""

    db: Database
    owner_id: str

    groups = Bundle("groups")

    def __init__(self) -> None:
        super().__init__()
        self.parents: Parents = {}
        self.grants: list[set[str]] = [set() for _ in range(CUSTOMER_COUNT)]
        self.names = itertools.count()
        self.checks = 0
        self.last_reach: list[set[str]] = [set() for _ in range(CUSTOMER_COUNT)]
        self.last_groups: set[str] = set()

    @initialize()
    def open_store(self) -> None:
        example = next(_examples)
        tag = uuid.uuid4().hex[:10]
        self.slug = f"tree-{example}-{tag}"
        store = stores.create_store(
            self.db, self.owner_id, slug=self.slug, name=f"Tree store {example}"
        )
        self.store_id = store.id
        # The same users join every example's store, each time as a new customer: grants
        # made in earlier stores must never leak into this one.
        self.customers = [
            customers.sign_up(
                self.db,
                self.slug,
                email=f"agent{index}@example.com",
                name=f"Agent {index}",
                password=PASSWORD,
            )
            for index in range(CUSTOMER_COUNT)
        ]

    # --- rules ---------------------------------------------------------------------------------

    def _create(self, parent_id: str | None) -> str:
        group = groups.create_group(
            self.db, self.owner_id, self.slug, name=f"group {next(self.names)}", parent_id=parent_id
        )
        assert group.parent_id == parent_id
        self.parents[group.id] = parent_id
        return group.id

    @rule(target=groups)
    def create_root(self) -> str:
        return self._create(None)

    @rule(target=groups, parent=groups)
    def create_child(self, parent: str) -> str:
        return self._create(parent)

    def _subtree(self, root: str) -> set[str]:
        return {
            group for group in self.parents if root in group_tree.ancestors(self.parents, group)
        }

    def _move(self, group: str, new_parent: str | None) -> None:
        if new_parent is not None and new_parent in self._subtree(group):
            before = self._snapshot()
            with pytest.raises(Conflict) as refused:
                groups.update_group(self.db, self.owner_id, self.slug, group, parent_id=new_parent)
            assert refused.value.code == "group_cycle"
            assert self._snapshot() == before, "a refused move changed the tree"
        else:
            moved = groups.update_group(
                self.db, self.owner_id, self.slug, group, parent_id=new_parent
            )
            assert moved.parent_id == new_parent
            self.parents[group] = new_parent

    @rule(group=groups, new_parent=groups)
    def move_under(self, group: str, new_parent: str) -> None:
        self._move(group, new_parent)

    @rule(group=groups)
    def move_to_root(self, group: str) -> None:
        self._move(group, None)

    @rule(group=groups, data=st.data())
    def move_into_own_subtree(self, group: str, data: st.DataObject) -> None:
        """Always a cycle: the group itself or one of its descendants as the new parent."""
        target = data.draw(st.sampled_from(sorted(self._subtree(group))), label="new_parent")
        self._move(group, target)

    @rule(group=groups, who=st.integers(min_value=0, max_value=CUSTOMER_COUNT - 1))
    def grant(self, group: str, who: int) -> None:
        view = groups.grant_agent(self.db, self.owner_id, self.slug, group, self.customers[who].id)
        assert view.via == group
        assert view.customer_id == self.customers[who].id
        self.grants[who].add(group)

    @precondition(lambda self: any(self.grants))
    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        held = [
            (who, group) for who, granted in enumerate(self.grants) for group in sorted(granted)
        ]
        who, group = data.draw(st.sampled_from(held), label="grant")
        groups.revoke_agent(self.db, self.owner_id, self.slug, group, self.customers[who].id)
        self.grants[who].discard(group)

    @rule(group=groups, who=st.integers(min_value=0, max_value=CUSTOMER_COUNT - 1))
    def revoke_missing_grant(self, group: str, who: int) -> None:
        """Revoking a grant that does not exist is a 404 and changes nothing."""
        if group in self.grants[who]:
            return
        with pytest.raises(NotFound):
            groups.revoke_agent(self.db, self.owner_id, self.slug, group, self.customers[who].id)

    # --- reading the database ------------------------------------------------------------------

    def _db_parents(self) -> Parents:
        with self.db.read() as session:
            rows = session.execute(
                select(PurchasingGroup.id, PurchasingGroup.parent_id).where(
                    PurchasingGroup.store_id == self.store_id
                )
            ).all()
        return {row.id: row.parent_id for row in rows}

    def _db_closure(self, group_ids: set[str]) -> dict[tuple[str, str], int]:
        with self.db.read() as session:
            rows = session.execute(
                select(
                    GroupClosure.ancestor_id, GroupClosure.descendant_id, GroupClosure.depth
                ).where(
                    or_(
                        GroupClosure.ancestor_id.in_(group_ids),
                        GroupClosure.descendant_id.in_(group_ids),
                    )
                )
            ).all()
        closure: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (row.ancestor_id, row.descendant_id)
            assert key not in closure, f"duplicate closure row {key}"
            closure[key] = row.depth
        return closure

    def _db_grants(self) -> list[set[str]]:
        with self.db.read() as session:
            rows = session.execute(
                select(AgentGrant.customer_id, AgentGrant.group_id).where(
                    AgentGrant.store_id == self.store_id
                )
            ).all()
        index = {customer.id: who for who, customer in enumerate(self.customers)}
        grants: list[set[str]] = [set() for _ in range(CUSTOMER_COUNT)]
        for row in rows:
            grants[index[row.customer_id]].add(row.group_id)
        return grants

    def _snapshot(self) -> tuple[object, ...]:
        """Everything a refused move must leave alone: links, closure, grants, audit trail."""
        parents = self._db_parents()
        with self.db.read() as session:
            audit_events = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.store_id == self.store_id)
            )
        return parents, self._db_closure(set(parents)), self._db_grants(), audit_events

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def database_matches_model(self) -> None:
        """(a)-(d) after every step.

        ``get_group`` costs one call per (customer, group), so after a step it is asked only
        where the answer may have changed: groups whose visibility changed for that customer,
        new groups, and one more group in turn. The teardown asks about every pair.
        """
        self.checks += 1
        self._check(everything=False)

    def teardown(self) -> None:
        if hasattr(self, "slug"):
            self._check(everything=True)
            self._check_list_agents()

    def _check_list_agents(self) -> None:
        """Every group's agents: granted on it or an ancestor, ``via`` the nearest grant."""
        for group_id in self.parents:
            lineage = group_tree.ancestors(self.parents, group_id)
            expected = {
                customer.id: group_tree.nearest_grant(lineage, self.grants[who])
                for who, customer in enumerate(self.customers)
                if group_tree.is_agent_of(lineage, self.grants[who])
            }
            agents = groups.list_agents(self.db, self.owner_id, self.slug, group_id)
            assert {agent.customer_id: agent.via for agent in agents} == expected
            assert len(agents) == len(expected)

    def _check(self, *, everything: bool) -> None:
        parents = self._db_parents()
        # (a) following the stored parent links from every group terminates
        for group in parents:
            seen: set[str] = set()
            current: str | None = group
            while current is not None:
                assert current not in seen, f"cycle through {current} in the stored parents"
                seen.add(current)
                current = parents.get(current)
        assert parents == self.parents, "the stored parent links differ from the model"
        # (b) the closure table is the closure of the parent links, depths included
        assert self._db_closure(set(parents)) == closure_of(parents)
        assert self._db_grants() == self.grants, "the stored agent grants differ from the model"
        for who in range(CUSTOMER_COUNT):
            reach = group_tree.agent_reach(self.parents, self.grants[who])
            if everything:
                ask = set(self.parents)
            else:
                ask = (reach ^ self.last_reach[who]) | (set(self.parents) - self.last_groups)
                if self.parents:
                    ordered = sorted(self.parents)
                    ask.add(ordered[(self.checks + who) % len(ordered)])
            self._check_customer(who, reach, ask)
            self.last_reach[who] = reach
        self.last_groups = set(self.parents)

    def _check_customer(self, who: int, reach: set[str], ask: set[str]) -> None:
        customer = self.customers[who]
        granted = self.grants[who]
        # (c) list_groups: exactly the reach (no grants at all: refused, i.e. sees nothing)
        try:
            page = groups.list_groups(self.db, customer.user_id, self.slug, limit=LIST_LIMIT)
        except PermissionDenied:
            assert not granted, f"customer {who}, an agent, was refused the group list"
            listed: set[str] = set()
        else:
            assert page.next_cursor is None
            listed = {group.id for group in page.items}
            assert len(listed) == len(page.items), "list_groups repeats a group"
        assert listed == reach, f"customer {who} lists the wrong groups"
        # (c) get_group: the group when in the reach, 404 outside it
        for group_id in sorted(ask):
            if group_id in reach:
                found = groups.get_group(self.db, customer.user_id, self.slug, group_id)
                assert found.id == group_id
            else:
                with pytest.raises(NotFound):
                    groups.get_group(self.db, customer.user_id, self.slug, group_id)
        # (d) customer_groups: the reach again, each with the nearest grant as via
        managed = groups.customer_groups(self.db, customer.user_id, self.slug, customer.id)
        vias = {item.group.id: item.via for item in managed}
        assert len(vias) == len(managed), "customer_groups repeats a group"
        expected = {
            group_id: group_tree.nearest_grant(
                group_tree.ancestors(self.parents, group_id), granted
            )
            for group_id in reach
        }
        assert vias == expected, f"customer {who}: wrong customer_groups or via"


def test_group_tree_state_machine(database: Database) -> None:
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
    machine = type(
        "GroupTreeOn" + database.dialect.capitalize(),
        (GroupTreeMachine,),
        {"db": database, "owner_id": owner.id},
    )
    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)
