"""Erasing a customer (rule 49)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from seatledger.api.deps import CallerDep, IdPath, StorePath
from seatledger.api.schemas.erasure import CustomerErased
from seatledger.dependencies import DatabaseDep, SettingsDep
from seatledger.services.people import erasure

router = APIRouter(prefix="/api/v1/stores", tags=["stores"])


@router.post("/{store}/customers/{customer_id}/erase", response_model=CustomerErased)
def erase_customer(
    store: StorePath,
    customer_id: IdPath,
    database: DatabaseDep,
    settings: SettingsDep,
    caller: CallerDep,
) -> CustomerErased:
    """Replace the customer's address and name by a pseudonym everywhere in the store, cancel
    their links, end their courses, revoke their tokens (``store.manage``)."""
    done = erasure.erase_customer(
        database,
        caller,
        store,
        customer_id,
        sent_mail_retention=timedelta(days=settings.sent_mail_retention_days),
    )
    return CustomerErased.model_validate(done)
