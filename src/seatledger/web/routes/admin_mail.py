"""Pages: the store's outgoing mail in the admin console (``store.manage``), with "send now"
and "retry"; and the demo's caught mail (only while ``seatledger demo``'s catcher runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep, SettingsDep
from seatledger.domain.errors import NotFound
from seatledger.domain.outgoing_mail import MailState
from seatledger.mail import catcher
from seatledger.services.outgoing_mail import desk
from seatledger.web.admin_support import PAGE_SIZE, BackField, CursorQuery, back_or, blank_to_none
from seatledger.web.pages import CustomerPageDep, act, render
from seatledger.web.routes import page_router

router = page_router()

StateQuery = Literal["", "queued", "failing", "sent"]


@router.get("/stores/{store}/admin/mail")
def outgoing_mail(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    state: StateQuery = "",
    recipient: Annotated[str | None, Query(max_length=320)] = None,
    cursor: CursorQuery = None,
) -> Response:
    search = blank_to_none(recipient)
    found = desk.list_mail(
        database,
        page.viewer,
        page.slug,
        state=MailState(state) if state else None,
        recipient=search,
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    return render(
        request,
        "admin/mail.html",
        page=page,
        tab="mail",
        mails=found.items,
        next_cursor=found.next_cursor,
        counts=desk.count_by_state(database, page.viewer, page.slug),
        filters={"state": state, "recipient": search or ""},
    )


@router.post("/stores/{store}/admin/mail/{mail_id}/send-now")
def send_now(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    mail_id: str,
    back: BackField = "",
) -> Response:
    return act(
        request,
        lambda: desk.send_now(database, page.viewer, page.slug, mail_id),
        done=lambda mail: f"The mail to {mail.to} is due now; it leaves within seconds.",
        default=back_or(page, back, "/mail"),
    )


@router.post("/stores/{store}/admin/mail/{mail_id}/retry")
def retry(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    mail_id: str,
    back: BackField = "",
) -> Response:
    return act(
        request,
        lambda: desk.retry(database, page.viewer, page.slug, mail_id),
        done=lambda mail: f"The mail to {mail.to} is retried now, its backoff started over.",
        default=back_or(page, back, "/mail"),
    )


# The demo's caught mail ---------------------------------------------------------------------


def _catcher_folder(settings: SettingsDep) -> Path:
    if not settings.demo_mail_dir:
        raise NotFound("The mail catcher runs only in `seatledger demo`.")
    return Path(settings.demo_mail_dir)


@router.get("/demo/mail")
def caught_mail(request: Request, settings: SettingsDep) -> Response:
    folder = _catcher_folder(settings)
    return render(request, "demo_mail.html", mails=catcher.caught_mail(folder), mail=None)


@router.get("/demo/mail/{key}")
def caught_message(request: Request, settings: SettingsDep, key: str) -> Response:
    folder = _catcher_folder(settings)
    mail = catcher.caught_message(folder, key)
    if mail is None:
        raise NotFound("No such caught mail.")
    return render(request, "demo_mail.html", mails=None, mail=mail)
