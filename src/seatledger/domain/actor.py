"""Who is calling, as seen inside one store."""

from __future__ import annotations

from dataclasses import dataclass, field

from seatledger.domain.errors import PermissionDenied
from seatledger.domain.permissions import ALL_PERMISSIONS, Permission, effective_permissions


@dataclass(frozen=True)
class Actor:
    """The caller inside one store: their user, customer record, permissions and agent grants.

    ``agent_grant_group_ids`` are the groups the agent role was granted on directly;
    agent rights reach every descendant of those (see ``group_tree``).
    """

    user_id: str | None
    customer_id: str | None = None
    is_owner: bool = False
    granted_permissions: frozenset[Permission] = field(default_factory=frozenset)
    agent_grant_group_ids: frozenset[str] = field(default_factory=frozenset)
    # An API key (rule 31) acts with no user or customer of its own: ``api_key_id`` is the
    # key, ``on_behalf_of`` the customer (or owner) who created it, None when the key
    # belongs to another store than the one entered.
    api_key_id: str | None = None
    on_behalf_of: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.api_key_id is None

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None

    @property
    def permissions(self) -> frozenset[Permission]:
        if self.is_owner:
            return ALL_PERMISSIONS
        return effective_permissions(self.granted_permissions)

    @property
    def is_agent(self) -> bool:
        return bool(self.agent_grant_group_ids)

    @property
    def audit_id(self) -> str | None:
        """The id recorded as the actor of an audit event: for an API key, its creator's
        (the key itself is recorded beside it, ``actor_api_key_id``)."""
        return self.customer_id or self.user_id or self.on_behalf_of

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Refuse (403) unless the caller holds ``permission``."""
        if not self.has(permission):
            raise PermissionDenied(
                f"This needs the '{permission.value}' permission in this store.",
                code="permission_denied",
            )


ANONYMOUS = Actor(user_id=None)
