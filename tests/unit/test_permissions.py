from __future__ import annotations

import pytest

from seatledger.domain.actor import ANONYMOUS, Actor
from seatledger.domain.errors import PermissionDenied
from seatledger.domain.permissions import ALL_PERMISSIONS, Permission, effective_permissions


def test_permissions_are_the_nine_of_the_spec_kept_sorted() -> None:
    values = [p.value for p in Permission]

    assert values == sorted(values)
    assert set(values) == {
        "store.manage", "groups.view", "groups.manage", "seats.view", "seats.manage",
        "orders.view", "orders.manage", "refunds.manage", "audit.view",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("granted", "implied"),
    [
        (Permission.GROUPS_MANAGE, Permission.GROUPS_VIEW),
        (Permission.SEATS_MANAGE, Permission.SEATS_VIEW),
        (Permission.ORDERS_MANAGE, Permission.ORDERS_VIEW),
    ],
)
def test_managing_implies_viewing(granted: Permission, implied: Permission) -> None:
    assert effective_permissions([granted]) == {granted, implied}


def test_viewing_does_not_imply_managing() -> None:
    assert effective_permissions(["groups.view"]) == {Permission.GROUPS_VIEW}


def test_owner_holds_every_permission_without_grants() -> None:
    owner = Actor(user_id="u1", is_owner=True)

    assert owner.permissions == ALL_PERMISSIONS


def test_require_names_the_missing_permission() -> None:
    admin = Actor(
        user_id="u1", customer_id="c1", granted_permissions=frozenset({Permission.SEATS_VIEW})
    )

    with pytest.raises(PermissionDenied, match=r"'audit\.view'"):
        admin.require(Permission.AUDIT_VIEW)
    admin.require(Permission.SEATS_VIEW)


def test_anonymous_actor_has_nothing() -> None:
    assert ANONYMOUS.is_anonymous
    assert ANONYMOUS.permissions == frozenset()
    assert not ANONYMOUS.is_agent
