"""The store's outgoing mail: list by state, "send now", "retry" (``store.manage``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, LimitQuery, StorePath
from seatledger.api.schemas import Page
from seatledger.api.schemas.outgoing_mail import OutgoingMailPublic
from seatledger.dependencies import DatabaseDep
from seatledger.domain.outgoing_mail import MailState
from seatledger.inputs import LINE
from seatledger.services.outgoing_mail import desk

router = APIRouter(prefix="/api/v1/stores/{store}/outgoing-mail", tags=["outgoing mail"])


@router.get("", response_model=Page[OutgoingMailPublic])
def list_outgoing_mail(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    state: Literal["queued", "failing", "sent"] | None = None,
    recipient: Annotated[
        str | None,
        Query(max_length=320, description="Part of the recipient's address."),
        LINE,
    ] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[OutgoingMailPublic]:
    """The store's outgoing mail, newest first: queued, failing (with the last error and the
    next try) and sent (``store.manage``)."""
    page = desk.list_mail(
        database,
        caller,
        store,
        state=MailState(state) if state else None,
        recipient=recipient,
        limit=limit,
        cursor=cursor,
    )
    return Page[OutgoingMailPublic](
        items=[OutgoingMailPublic.model_validate(mail) for mail in page.items],
        next_cursor=page.next_cursor,
    )


@router.post("/{mail_id}/send-now", response_model=OutgoingMailPublic)
def send_mail_now(
    store: StorePath, mail_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OutgoingMailPublic:
    """Make a queued or failing mail due at once; the mail worker sends it within seconds.
    A sent mail → 409 `mail_already_sent`."""
    return OutgoingMailPublic.model_validate(desk.send_now(database, caller, store, mail_id))


@router.post("/{mail_id}/retry", response_model=OutgoingMailPublic)
def retry_mail(
    store: StorePath, mail_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> OutgoingMailPublic:
    """Make a failing mail due at once and start its backoff over. A queued mail → 409
    `mail_not_failing`; a sent one → 409 `mail_already_sent`."""
    return OutgoingMailPublic.model_validate(desk.retry(database, caller, store, mail_id))
