"""Who may see and act on a seat, and which owner groups an assigner may pick (rules 4-6)."""

from __future__ import annotations

import pytest

from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.domain.visibility import (
    ensure_group_active,
    ensure_may_assign_seat,
    ensure_may_use_group,
    may_assign_seat,
    may_see_seat,
    may_use_group,
)

TEAM = ["team", "division", "company"]  # a group and its ancestors
AGENT_OF_DIVISION = Actor(
    user_id="u", customer_id="c", agent_grant_group_ids=frozenset({"division"})
)
AGENT_ELSEWHERE = Actor(user_id="u", customer_id="c", agent_grant_group_ids=frozenset({"other"}))
VIEWER = Actor(user_id="u", customer_id="v", granted_permissions=frozenset({Permission.SEATS_VIEW}))
MANAGER = Actor(
    user_id="u", customer_id="m", granted_permissions=frozenset({Permission.SEATS_MANAGE})
)
BUYER = Actor(user_id="u", customer_id="buyer")


@pytest.mark.parametrize(
    ("actor", "lineage", "sees", "assigns"),
    [
        (AGENT_OF_DIVISION, TEAM, True, True),  # agent of an ancestor reaches descendants
        (AGENT_ELSEWHERE, TEAM, False, False),
        (VIEWER, TEAM, True, False),  # seeing is not owning
        (MANAGER, TEAM, True, True),
        (BUYER, [], True, True),  # the buyer's own ungrouped seat
        (AGENT_OF_DIVISION, [], False, False),  # someone else's ungrouped seat
        (Actor(user_id="u"), [], False, False),  # a user who is not a customer of the store
    ],
)
def test_seat_reach(actor: Actor, lineage: list[str], sees: bool, assigns: bool):
    assert may_see_seat(actor, lineage=lineage, buyer_id="buyer") is sees
    assert may_assign_seat(actor, lineage=lineage, buyer_id="buyer") is assigns


def test_refusing_to_assign_is_a_permission_error():
    with pytest.raises(PermissionDenied):
        ensure_may_assign_seat(VIEWER, lineage=TEAM, buyer_id="buyer")
    ensure_may_assign_seat(AGENT_OF_DIVISION, lineage=TEAM, buyer_id="buyer")


def test_agents_pick_only_groups_they_are_agent_of():
    assert may_use_group(AGENT_OF_DIVISION, TEAM) and not may_use_group(AGENT_ELSEWHERE, TEAM)
    assert may_use_group(MANAGER, TEAM)
    with pytest.raises(PermissionDenied) as refused:
        ensure_may_use_group(AGENT_ELSEWHERE, TEAM)
    assert refused.value.code == "not_agent_of_group"
    ensure_may_use_group(AGENT_OF_DIVISION, TEAM)


def test_a_deactivated_group_is_refused():
    with pytest.raises(Conflict) as inactive:
        ensure_group_active(active=False)
    assert inactive.value.code == "group_inactive"
    ensure_group_active(active=True)
