"""Pages: the admin console's orders, refunds and return requests.

Reading pages call the read-only ``order_desk`` and ``return_queue``; each form calls the
one service that makes the change and comes back to the page with a flash. A refusal is
flashed as the service's sentence; a page the viewer may not use answers the service's 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, NamedTuple, TypeVar
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.db.engine import Database
from seatledger.dependencies import DatabaseDep
from seatledger.domain.enrollments import UnassignOutcome
from seatledger.domain.errors import Invalid
from seatledger.domain.orders import OrderStatus, PaymentMethod, PaymentStatus
from seatledger.domain.returns import ReturnDecision
from seatledger.domain.seats import SeatStatus
from seatledger.inputs import LINE, LINES
from seatledger.queries import order_desk, return_queue
from seatledger.services.purchasing import payments
from seatledger.services.purchasing.orders import OrderView
from seatledger.services.refunding import refunds, returns
from seatledger.web import session
from seatledger.web.pages import REFUSALS, CustomerPageDep, StorePage, redirect, refused, render
from seatledger.web.routes import page_router

router = page_router()

E = TypeVar("E", bound=StrEnum)
NoteField = Annotated[str, Form(max_length=2000), LINES]
OrderUseCase = Callable[[Database, str | None, str, str], OrderView]


def _choice(kind: type[E], value: str, what: str) -> E | None:
    """An optional filter from a query string: '' is 'any'; anything unknown is a 422."""
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(item.value for item in kind)
        raise Invalid(
            f"'{value}' is not a {what}; choose one of {choices}.", code="invalid_filter"
        ) from None


def _order_url(page: StorePage, order_id: str) -> str:
    return f"/stores/{page.slug}/admin/orders/{quote(order_id, safe='')}"


@router.get("/stores/{store}/admin/orders")
def order_list(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    status: str = "",
    payment_status: str = "",
    group: str = "",
    buyer: str = "",
    cursor: str = "",
) -> Response:
    listing = order_desk.list_orders(
        database,
        page.viewer,
        page.slug,
        status=_choice(OrderStatus, status, "order status"),
        payment_status=_choice(PaymentStatus, payment_status, "payment status"),
        purchasing_group_id=group if group and group != "none" else None,
        ungrouped=group == "none",
        buyer_email=buyer.strip() or None,
        cursor=cursor or None,
    )
    filters = {"status": status, "payment_status": payment_status, "group": group, "buyer": buyer}
    return render(
        request,
        "admin/orders.html",
        page=page,
        tab="orders",
        listing=listing,
        filters=filters,
        order_statuses=list(OrderStatus),
        payment_statuses=list(PaymentStatus),
    )


@router.get("/stores/{store}/admin/orders/{order_id}")
def order_page(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    order_id: str,
    seat_status: str = "",
    cursor: str = "",
) -> Response:
    detail = order_desk.order_detail(
        database,
        page.viewer,
        page.slug,
        order_id,
        seat_status=_choice(SeatStatus, seat_status, "seat status"),
        cursor=cursor or None,
    )
    return render(
        request,
        "admin/order.html",
        page=page,
        tab="orders",
        detail=detail,
        order=detail.order,
        seat_status=seat_status,
        seat_statuses=list(SeatStatus),
    )


def _change_order(
    request: Request,
    page: StorePage,
    database: Database,
    order_id: str,
    use_case: OrderUseCase,
    done: Callable[[OrderView], str],
) -> Response:
    try:
        order = use_case(database, page.viewer, page.slug, order_id)
    except REFUSALS as refusal:
        return refused(request, refusal, _order_url(page, order_id))
    session.flash(request, done(order))
    return redirect(_order_url(page, order_id))


def _captured(order: OrderView) -> str:
    seats = sum(line.quantity for line in order.lines)
    paid = "marked paid" if order.payment_method == PaymentMethod.INVOICE else "captured"
    return f"Order #{order.number} is {paid}: its {seats} seats now exist."


@router.post("/stores/{store}/admin/orders/{order_id}/capture")
def capture(
    request: Request, page: CustomerPageDep, database: DatabaseDep, order_id: str
) -> Response:
    return _change_order(request, page, database, order_id, payments.capture_order, _captured)


@router.post("/stores/{store}/admin/orders/{order_id}/void")
def void(request: Request, page: CustomerPageDep, database: DatabaseDep, order_id: str) -> Response:
    return _change_order(
        request,
        page,
        database,
        order_id,
        payments.void_order,
        lambda order: f"The card payment of order #{order.number} is voided; nothing was taken.",
    )


@router.post("/stores/{store}/admin/orders/{order_id}/cancel")
def cancel(
    request: Request, page: CustomerPageDep, database: DatabaseDep, order_id: str
) -> Response:
    return _change_order(
        request,
        page,
        database,
        order_id,
        payments.cancel_order,
        lambda order: f"Order #{order.number} is cancelled; it will never have seats.",
    )


@router.post("/stores/{store}/admin/orders/{order_id}/refunds")
def refund(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    order_id: str,
    seat_id: Annotated[list[str] | None, Form()] = None,
    note: NoteField = "",
) -> Response:
    try:
        done = refunds.refund_seats(
            database,
            page.viewer,
            page.slug,
            order_id,
            seat_ids=seat_id or [],
            note=note.strip() or None,
        )
    except REFUSALS as refusal:
        return refused(request, refusal, _order_url(page, order_id))
    count = len(done.seat_ids)
    session.flash(
        request,
        f"Refunded {count} seat{'s' if count != 1 else ''}: {done.amount} {done.currency}. "
        f"The order is now {done.payment_status.replace('_', ' ')}.",
    )
    if done.external_action_required:
        session.flash(request, _outside_refund(done.amount, done.currency), "info")
    return redirect(_order_url(page, order_id))


def _outside_refund(amount: str, currency: str) -> str:
    return (
        f"This order was paid by invoice: send {amount} {currency} back to the buyer "
        "outside seatledger (for example by bank transfer)."
    )


@router.get("/stores/{store}/admin/returns")
def return_requests(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    status: str = "",
    cursor: str = "",
) -> Response:
    queue = return_queue.list_queue(
        database, page.viewer, page.slug, status=status or None, cursor=cursor or None
    )
    return render(
        request,
        "admin/returns.html",
        page=page,
        tab="returns",
        queue=queue,
        status=status,
        outcomes=list(UnassignOutcome),
    )


DECISIONS = {
    ReturnDecision.REFUND: (True, True),
    ReturnDecision.RECLAIM: (True, False),
    ReturnDecision.DENY: (False, None),
}


@router.post("/stores/{store}/admin/returns/{request_id}/decision")
def decide(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    request_id: str,
    decision: Annotated[str, Form(max_length=16), LINE],
    outcome: Annotated[str, Form(max_length=16), LINE] = UnassignOutcome.EXPIRE.value,
    note: NoteField = "",
    status: Annotated[str, Form(max_length=16), LINE] = "",
) -> Response:
    kept = f"?status={status}" if status in return_queue.STATUSES else ""
    back = f"/stores/{page.slug}/admin/returns{kept}"
    try:
        choice = _decision(decision, outcome, note)
        decided = returns.decide(
            database,
            page.viewer,
            page.slug,
            request_id,
            approve=choice.approve,
            refund=choice.refund,
            outcome=choice.outcome,
            note=choice.note,
        )
    except REFUSALS as refusal:
        return refused(request, refusal, back)
    count = len(decided.seat_ids)
    seats = f"{count} seat{'s' if count != 1 else ''}"
    done = {
        ReturnDecision.REFUND: (
            f"Return approved with a refund: {seats} left the pool and the money goes back."
        ),
        ReturnDecision.RECLAIM: f"Return approved: {seats} back in the pool, no money moves.",
        ReturnDecision.DENY: f"Return denied: {seats} kept as they were.",
    }[ReturnDecision(decided.decision or ReturnDecision.DENY)]
    session.flash(request, f"{done} The requester was told by email.")
    return redirect(back)


class Decision(NamedTuple):
    approve: bool
    refund: bool | None
    outcome: UnassignOutcome
    note: str | None


def _decision(decision: str, outcome: str, note: str) -> Decision:
    """The form's choice as ``returns.decide`` takes it; a denial needs a note."""
    if decision not in DECISIONS:
        raise Invalid("Choose to approve with a refund, approve, or deny.", code="invalid_decision")
    approve, with_refund = DECISIONS[ReturnDecision(decision)]
    if not approve and not note.strip():
        raise Invalid(
            "Write a note to deny a return: the requester reads it to learn why.",
            code="note_required",
        )
    chosen = _choice(UnassignOutcome, outcome, "enrollment outcome") or UnassignOutcome.EXPIRE
    return Decision(approve, with_refund, chosen, note.strip() or None)
