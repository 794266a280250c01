"""Who may see and act on a seat or a purchasing group (docs/rules.md, permissions; rules 4-6).

Pure predicates over what the caller is (``Actor``) and what the record is (its owner group's
lineage: the group and its ancestors, and its buyer). ``db/seat_queries.visible_to`` says the
same as SQL for lists; these decide for the records a use case has in hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from seatledger.domain.actor import Actor
from seatledger.domain.errors import Conflict, PermissionDenied
from seatledger.domain.group_tree import is_agent_of
from seatledger.domain.permissions import Permission


def may_see_seat(actor: Actor, *, lineage: Sequence[str], buyer_id: str) -> bool:
    """``seats.view`` sees every seat; an agent the seats of their groups and descendants; a
    buyer the seats of their own orders that have no owner group yet (``lineage`` empty)."""
    if actor.has(Permission.SEATS_VIEW):
        return True
    return _reaches(actor, lineage=lineage, buyer_id=buyer_id)


def may_assign_seat(actor: Actor, *, lineage: Sequence[str], buyer_id: str) -> bool:
    """``seats.manage`` acts on every seat; otherwise the agent of the seat's owner group, or the
    buyer of an ungrouped seat. Seeing a seat (``seats.view``) is not owning it."""
    if actor.has(Permission.SEATS_MANAGE):
        return True
    return _reaches(actor, lineage=lineage, buyer_id=buyer_id)


def _reaches(actor: Actor, *, lineage: Sequence[str], buyer_id: str) -> bool:
    if not lineage:
        return actor.customer_id is not None and buyer_id == actor.customer_id
    return is_agent_of(lineage, actor.agent_grant_group_ids)


def ensure_may_assign_seat(actor: Actor, *, lineage: Sequence[str], buyer_id: str) -> None:
    """403 unless the caller may hand out, take back or regroup this seat."""
    if not may_assign_seat(actor, lineage=lineage, buyer_id=buyer_id):
        raise PermissionDenied(
            "Assigning seats needs 'seats.manage' or the agent role on its group."
        )


def may_use_group(actor: Actor, lineage: Sequence[str]) -> bool:
    """Rules 1, 4-5: ``seats.manage`` may use any group; an agent the groups they are agent of
    (``lineage``: the group and its ancestors)."""
    return actor.has(Permission.SEATS_MANAGE) or is_agent_of(lineage, actor.agent_grant_group_ids)


def ensure_may_use_group(actor: Actor, lineage: Sequence[str]) -> None:
    """Rule 5: an assigner picks only a group they may use (403, asked before the group is
    looked up, so an agent learns nothing of groups outside their reach)."""
    if not may_use_group(actor, lineage):
        raise PermissionDenied(
            "You can only choose purchasing groups you are agent of.", code="not_agent_of_group"
        )


def ensure_group_active(*, active: bool) -> None:
    """A deactivated group takes no new seats (rule 7)."""
    if not active:
        raise Conflict("This purchasing group is deactivated.", code="group_inactive")
