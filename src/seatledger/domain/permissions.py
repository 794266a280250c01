"""Admin permissions (docs/rules.md, "Permissions"), kept sorted."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    AUDIT_VIEW = "audit.view"
    GROUPS_MANAGE = "groups.manage"
    GROUPS_VIEW = "groups.view"
    ORDERS_MANAGE = "orders.manage"
    ORDERS_VIEW = "orders.view"
    REFUNDS_MANAGE = "refunds.manage"
    SEATS_MANAGE = "seats.manage"
    SEATS_VIEW = "seats.view"
    STORE_MANAGE = "store.manage"


ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)

# Managing a kind of record includes seeing it (docs/adr/0003-permission-implications.md).
IMPLIED: dict[Permission, frozenset[Permission]] = {
    Permission.GROUPS_MANAGE: frozenset({Permission.GROUPS_VIEW}),
    Permission.SEATS_MANAGE: frozenset({Permission.SEATS_VIEW}),
    Permission.ORDERS_MANAGE: frozenset({Permission.ORDERS_VIEW}),
}


def effective_permissions(granted: Iterable[Permission | str]) -> frozenset[Permission]:
    """The granted permissions plus those they imply."""
    result: set[Permission] = set()
    for item in granted:
        permission = Permission(item)
        result.add(permission)
        result |= IMPLIED.get(permission, frozenset())
    return frozenset(result)
