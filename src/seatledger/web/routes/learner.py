"""Pages: the learner's training and the redemption page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import ClientLimitsDep, DatabaseDep
from seatledger.domain.errors import Gone, Invalid, PermissionDenied, Unauthenticated
from seatledger.error_codes import status_of
from seatledger.inputs import LINE
from seatledger.services.assignment import enrollments, redemption
from seatledger.web import session
from seatledger.web.pages import CustomerPageDep, redirect, render, store_page
from seatledger.web.routes import page_router
from seatledger.web.session import ViewerDep

router = page_router()


@router.get("/stores/{store}/training")
def my_training(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    items = enrollments.my_enrollments(database, page.viewer, page.slug)
    return render(request, "learner/training.html", page=page, enrollments=items)


def _redeem_page(
    request: Request,
    database: DatabaseDep,
    viewer: str | None,
    token: str,
    *,
    status_code: int = 200,
    error: str | None = None,
    limits: ClientLimitsDep | None = None,
) -> Response:
    preview = redemption.preview(database, token, limits=limits)
    page = store_page(database, viewer, preview.store)
    return render(
        request,
        "learner/redeem.html",
        status_code=status_code,
        page=page,
        preview=preview,
        token=token,
        error=error,
        here=f"/redeem/{token}",
    )


@router.get("/redeem/{token}")
def redeem_form(
    request: Request, database: DatabaseDep, viewer: ViewerDep, limits: ClientLimitsDep, token: str
) -> Response:
    return _redeem_page(request, database, viewer, token, limits=limits)


@router.post("/redeem/{token}")
def redeem(
    request: Request,
    database: DatabaseDep,
    viewer: ViewerDep,
    limits: ClientLimitsDep,
    token: str,
    course: Annotated[str, Form(max_length=100), LINE] = "",
) -> Response:
    try:
        enrollment = redemption.redeem(
            database, viewer, token, course_sku=course or None, limits=limits
        )
    except (Gone, PermissionDenied, Invalid, Unauthenticated) as refusal:
        return _redeem_page(
            request, database, viewer, token, status_code=status_of(refusal), error=refusal.message
        )
    preview = redemption.preview(database, token)
    session.flash(request, f"You are enrolled in {enrollment.course_name}.")
    return redirect(f"/stores/{preview.store}/training")
