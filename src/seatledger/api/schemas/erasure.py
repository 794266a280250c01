"""The answer of erasing a customer (rule 49)."""

from __future__ import annotations

from seatledger.api.schemas.common import PublicModel


class CustomerErased(PublicModel):
    """The customer as they are now, and what the erasure did (all zero the second time)."""

    customer_id: str
    email: str  # the pseudonym
    name: str
    already_erased: bool
    links_cancelled: int
    enrollments_ended: int
    tokens_revoked: int
    login_erased: bool
