"""Pages: erasing a customer from the admin console (rule 49): a confirmation page that names
the person and what will happen, and the form it posts."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep, SettingsDep
from seatledger.queries.erasure_preview import erasure_preview
from seatledger.services.people import erasure
from seatledger.web.admin_support import console_url
from seatledger.web.pages import CustomerPageDep, act, render
from seatledger.web.routes import page_router

router = page_router()


@router.get("/stores/{store}/admin/customers/{customer_id}/erase")
def confirm_erasure(
    request: Request, page: CustomerPageDep, database: DatabaseDep, customer_id: str
) -> Response:
    preview = erasure_preview(database, page.viewer, page.slug, customer_id)
    return render(request, "admin/erase.html", page=page, tab="customers", preview=preview)


@router.post("/stores/{store}/admin/customers/{customer_id}/erase")
def erase_customer(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    settings: SettingsDep,
    customer_id: str,
) -> Response:
    retention = timedelta(days=settings.sent_mail_retention_days)

    def done(result: erasure.Erasure) -> str:
        if result.already_erased:
            return f"This customer was already erased; they show as {result.email}."
        return f"Erased. The customer now shows as {result.name}, {result.email}."

    return act(
        request,
        lambda: erasure.erase_customer(
            database, page.viewer, page.slug, customer_id, sent_mail_retention=retention
        ),
        done=done,
        default=console_url(page, "/customers"),
    )
