"""Pages: the agent's seats, filtered and paged, and the actions each seat's state allows.

Every action is a small form calling the same service the API route calls
(``api/routers/assignments.py``); a refusal comes back as a flash with the service's
sentence on the page the form was on. Invisible seats answer 404, like the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.domain.errors import Invalid
from seatledger.domain.seats import SeatStatus
from seatledger.inputs import LINE, LINES
from seatledger.queries import agent_portal
from seatledger.services.assignment import assignments
from seatledger.services.seating import seats
from seatledger.services.storefront import catalog
from seatledger.web.agent_support import base_url
from seatledger.web.pages import CustomerPageDep, act, refused, render
from seatledger.web.routes import page_router

router = page_router()  # CSRF checked even if this router is ever included on its own

EmailField = Annotated[str, Form(max_length=320), LINE]
Text = Annotated[str, Form(max_length=2000), LINE]
# Where to go back to: never stored, and checked to stay on this site (web/pages.py).
NextField = Annotated[str, Form(max_length=2000)]
MessageField = Annotated[str, Form(max_length=2000), LINES]
PAGE_SIZE = 25


def _learner(view: seats.SeatView) -> str:
    """The address the service recorded (normalized), for the success sentence."""
    return view.assignment.email if view.assignment else "the learner"


def _seats_url(page: CustomerPageDep) -> str:
    return f"/stores/{page.slug}/agent/seats"


@router.get("/seats")
def seat_list(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    status: str = "",
    group: str = "",
    email: str = "",
    cursor: str | None = None,
) -> Response:
    chosen = SeatStatus(status) if status in set(SeatStatus) else None
    listed = seats.list_seats(
        database,
        page.viewer,
        page.slug,
        status=chosen,
        owner_group_id=group if group and group != "none" else None,
        ungrouped=group == "none",
        learner_email=email.strip() or None,
        limit=PAGE_SIZE,
        cursor=cursor or None,
    )
    managed = agent_portal.flatten(agent_portal.managed_groups(database, page.viewer, page.slug))
    return render(
        request,
        "agent/seats.html",
        page=page,
        tab="seats",
        seats=listed,
        filters={"status": chosen.value if chosen else "", "group": group, "email": email.strip()},
        statuses=list(SeatStatus),
        managed=managed,
        group_names={node.id: node.name for _, node in managed},
        products={p.sku: p for p in catalog.list_products(database, page.slug)},
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.post("/seats/{seat_id}/assign")
def assign_now(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    email: EmailField,
    course_sku: Text = "",
    owner_group_id: Text = "",
    next: NextField = "",
) -> Response:
    return act(
        request,
        lambda: assignments.assign_seat(
            database,
            page.viewer,
            page.slug,
            seat_id,
            email=email,
            owner_group_id=owner_group_id or None,
            course_sku=course_sku or None,
        ),
        done=lambda view: f"The seat is assigned to {_learner(view)}.",
        default=_seats_url(page),
        target=next,
    )


@router.post("/seats/{seat_id}/link")
def email_link(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    email: EmailField,
    message: MessageField = "",
    course_sku: Text = "",
    owner_group_id: Text = "",
    next: NextField = "",
) -> Response:
    return act(
        request,
        lambda: assignments.email_redemption_link(
            database,
            page.viewer,
            page.slug,
            seat_id,
            email=email,
            base_url=base_url(request),
            message=message.strip() or None,
            owner_group_id=owner_group_id or None,
            course_sku=course_sku or None,
        ),
        done=lambda view: f"A redemption link is on its way to {_learner(view)}.",
        default=_seats_url(page),
        target=next,
    )


@router.post("/seats/{seat_id}/resend")
def resend_link(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    next: NextField = "",
) -> Response:
    return act(
        request,
        lambda: assignments.resend_redemption_link(
            database, page.viewer, page.slug, seat_id, base_url=base_url(request)
        ),
        done=lambda view: (
            f"A fresh link is on its way to {_learner(view)}; the old one no longer works."
        ),
        default=_seats_url(page),
        target=next,
    )


@router.post("/seats/{seat_id}/cancel-link")
def cancel_link(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    next: NextField = "",
) -> Response:
    return act(
        request,
        lambda: assignments.cancel_redemption_link(database, page.viewer, page.slug, seat_id),
        done=lambda _: "The link is cancelled; the seat is available again.",
        default=_seats_url(page),
        target=next,
    )


@router.post("/seats/{seat_id}/unassign")
def unassign(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    outcome: Annotated[str, Form(max_length=20), LINE] = UnassignOutcome.EXPIRE.value,
    reason: Text = "",
    next: NextField = "",
) -> Response:
    if outcome not in set(UnassignOutcome):
        return refused(
            request,
            Invalid("Choose what happens to the enrollment: expire, drop or destroy."),
            _seats_url(page),
            next,
        )
    return act(
        request,
        lambda: assignments.unassign_seat(
            database,
            page.viewer,
            page.slug,
            seat_id,
            outcome=UnassignOutcome(outcome),
            reason=reason.strip() or None,
        ),
        done=lambda _: "The seat is unassigned and available again.",
        default=_seats_url(page),
        target=next,
    )
