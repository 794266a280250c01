"""Pages: the learner's training and the redemption page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from seatledger.services import enrollments
from seatledger.web.pages import CustomerPageDep, render
from seatledger.web.routes import page_router
from seatledger.web.session import DatabaseDep

router = page_router()


@router.get("/stores/{store}/training")
def my_training(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    items = enrollments.my_enrollments(database, page.viewer, page.slug)
    return render(request, "learner/training.html", page=page, enrollments=items)
