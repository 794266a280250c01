"""What erasing a customer would do, for the console's confirmation page (rule 49)."""

from __future__ import annotations

from dataclasses import dataclass

from seatledger.db.engine import Database
from seatledger.domain.erasure import is_pseudonym
from seatledger.domain.permissions import Permission
from seatledger.services.people import access
from seatledger.services.people.customers import find_customer
from seatledger.services.people.erasure import (
    known_elsewhere,
    live_enrollments,
    pending_link_seats,
)


@dataclass(frozen=True)
class ErasurePreview:
    customer_id: str
    name: str
    email: str
    already_erased: bool
    is_self: bool
    pending_links: int
    live_enrollments: int
    login_erased: bool  # false while another store (or the installation) still needs the login


def erasure_preview(
    db: Database, caller: str | None, store_slug: str, customer_id: str
) -> ErasurePreview:
    """The person and what their erasure would change (``store.manage``, like the erasure)."""
    with db.read() as session:
        store, actor = access.enter_store(session, caller, store_slug)
        access.require_customer(actor)
        actor.require(Permission.STORE_MANAGE)
        customer, user = find_customer(session, store.id, customer_id)
        return ErasurePreview(
            customer_id=customer.id,
            name=customer.name,
            email=user.email,
            already_erased=is_pseudonym(user.email),
            is_self=customer.id == actor.customer_id,
            pending_links=len(pending_link_seats(session, store.id, customer.id, user.email)),
            live_enrollments=len(live_enrollments(session, store.id, customer.id)),
            login_erased=not user.is_owner and not known_elsewhere(session, user, store.id),
        )
