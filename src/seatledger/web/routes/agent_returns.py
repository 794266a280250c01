"""Pages: return requests — file one for chosen seats or a whole order, and list one's own
requests with their decisions (``services/returns``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.returns import ReturnRequestStatus
from seatledger.error_codes import status_of
from seatledger.inputs import LINE, LINES
from seatledger.queries import agent_portal
from seatledger.services.refunding import returns
from seatledger.web import session
from seatledger.web.pages import REFUSALS, CustomerPageDep, redirect, render
from seatledger.web.routes import page_router

router = page_router()  # CSRF checked even if this router is ever included on its own

Text = Annotated[str, Form(max_length=2000), LINES]
STATUSES = tuple(status.value for status in ReturnRequestStatus)


def _page(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    *,
    status_code: int = 200,
    shown: str = "",
    cursor: str | None = None,
    **context: Any,
) -> Response:
    form = {"seat_ids": [], "order_id": "", "scope": "seats", "refund": "no", "reason": ""}
    form["comment"] = ""
    form.update(context.pop("form", {}))
    mine = agent_portal.my_return_requests(
        database, page.viewer, page.slug, status=shown or None, cursor=cursor
    )
    return render(
        request,
        "agent/returns.html",
        status_code=status_code,
        page=page,
        tab="returns",
        requests=mine.items,
        next_cursor=mine.next_cursor,
        shown=shown,
        form=form,
        **context,
    )


@router.get("/returns")
def return_requests(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat: Annotated[list[str], Query(max_length=1000)] = [],  # noqa: B006 - FastAPI copies it
    order: str = "",
    status: str = "",
    cursor: Annotated[str | None, Query(max_length=200), LINE] = None,
) -> Response:
    """The request form (seats chosen on the Seats tab arrive as ``?seat=``) and the list."""
    chosen = list(dict.fromkeys(s for s in seat if s))
    scope = "order" if order and not chosen else "seats"
    return _page(
        request,
        page,
        database,
        shown=status if status in STATUSES else "",
        cursor=cursor,
        form={"seat_ids": chosen, "order_id": order, "scope": scope},
    )


@router.post("/returns")
def file_return_request(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_ids: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies it
    order_id: Annotated[str, Form(max_length=64), LINE] = "",
    scope: Annotated[str, Form(max_length=10), LINE] = "seats",
    refund: Annotated[str, Form(max_length=3), LINE] = "no",
    reason: Text = "",
    comment: Text = "",
) -> Response:
    form = {
        "seat_ids": seat_ids,
        "order_id": order_id,
        "scope": scope,
        "refund": refund,
        "reason": reason,
        "comment": comment,
    }
    whole_order = scope == "order" and bool(order_id)
    try:
        filed = returns.request_return(
            database,
            page.viewer,
            page.slug,
            seat_ids=None if whole_order else seat_ids,
            order_id=order_id if whole_order else None,
            refund=refund == "yes",
            reason=reason,
            comment=comment.strip() or None,
        )
    except REFUSALS as error:
        return _page(
            request,
            page,
            database,
            status_code=status_of(error),
            form=form,
            error=error.message,
        )
    count = len(filed.seat_ids)
    session.flash(
        request,
        f"Return request filed for {count} seat{'s' if count != 1 else ''}; an admin decides it.",
    )
    return redirect(f"/stores/{page.slug}/agent/returns")
