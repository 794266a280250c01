"""Pages: the admin console's overview, customers, groups, ungrouped seats, audit and settings.

Each route parses the form, calls the service the API calls, and renders; permissions are
the services' (a page the admin may not use shows the service's 403 sentence). A refused
form comes back with the service's sentence as a flash message (or beside the form).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Invalid, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.inputs import LINE, parse_since
from seatledger.queries import audit_names, group_reports
from seatledger.services.audit_trail import audit
from seatledger.services.organization import groups
from seatledger.services.people import admins, customers, tokens
from seatledger.services.seating import owner_groups, seats
from seatledger.services.storefront import stores
from seatledger.web import session, settings_form
from seatledger.web.admin_support import (
    PAGE_SIZE,
    BackField,
    CursorQuery,
    IdField,
    IdQuery,
    back_or,
    blank_to_none,
    changes,
    console_url,
    group_tree,
)
from seatledger.web.pages import (
    REFUSALS,
    CustomerPageDep,
    StorePage,
    act,
    redirect,
    refused,
    render,
)
from seatledger.web.routes import admin_groups, page_router

router = page_router()
router.include_router(admin_groups.router)  # the groups pages live in their own module


# Overview ----------------------------------------------------------------------------------


@router.get("/stores/{store}/admin")
def overview(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    summary = group_reports.console_summary(database, page.viewer, page.slug)
    return render(request, "admin/overview.html", page=page, tab="overview", summary=summary)


# Customers ---------------------------------------------------------------------------------


@router.get("/stores/{store}/admin/customers")
def customer_list(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    email: Annotated[str, Query(max_length=320), LINE] = "",
    cursor: CursorQuery = None,
) -> Response:
    found = customers.list_customers(
        database,
        page.viewer,
        page.slug,
        email=blank_to_none(email),
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    managed = {
        c.id: groups.customer_groups(database, page.viewer, page.slug, c.id) for c in found.items
    }
    names = {node.id: node.name for node in group_tree(database, page)}
    grants = (
        {a.customer_id: a.permissions for a in admins.list_admins(database, page.viewer, page.slug)}
        if page.can("store.manage")
        else {}
    )
    return render(
        request,
        "admin/customers.html",
        page=page,
        tab="customers",
        customers=found.items,
        next_cursor=found.next_cursor,
        email=email,
        managed=managed,
        group_names=names,
        grants=grants,
        all_permissions=[p.value for p in Permission],
    )


@router.post("/stores/{store}/admin/customers/{customer_id}/permissions")
def set_permissions(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    customer_id: str,
    permissions: Annotated[list[str] | None, Form(max_length=64)] = None,
    was: Annotated[str | None, Form(max_length=2000), LINE] = None,  # as shown: "a,b" or "none"
    back: BackField = "",
) -> Response:
    target = back_or(page, back, "/customers")
    wanted = permissions or []
    unknown = sorted(set(wanted) - {p.value for p in Permission})
    if unknown:
        session.flash(request, f"Unknown permission: {', '.join(unknown)}.", "error")
        return redirect(target)
    try:
        grant = admins.set_permissions(
            database,
            page.viewer,
            page.slug,
            customer_id,
            [Permission(p) for p in wanted],
            expected=None if was is None else [p for p in was.split(",") if p != "none"],
        )
    except REFUSALS as refusal:
        return refused(request, refusal, target)
    held = ", ".join(grant.permissions) or "none"
    session.flash(request, f"Admin permissions of {grant.email}: {held}.")
    return redirect(target)


@router.post("/stores/{store}/admin/customers/{customer_id}/sign-out")
def sign_customer_out(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    customer_id: str,
    back: BackField = "",
) -> Response:
    """Revoke every session and API token of the customer (rule 48, ``store.manage``)."""
    return act(
        request,
        lambda: tokens.revoke_customer_sessions(database, page.viewer, page.slug, customer_id),
        done=lambda revoked: (
            f"Signed the customer out everywhere: {revoked} session(s) and API token(s) ended."
        ),
        default=back_or(page, back, "/customers"),
    )


# Ungrouped seats ---------------------------------------------------------------------------


@router.get("/stores/{store}/admin/seats")
def ungrouped_seats(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    order_id: IdQuery = None,
    sku: IdQuery = None,
    cursor: CursorQuery = None,
) -> Response:
    found = seats.list_seats(
        database,
        page.viewer,
        page.slug,
        ungrouped=True,
        order_id=blank_to_none(order_id),
        sku=blank_to_none(sku),
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    choices = (
        [n for n in group_tree(database, page) if n.active] if page.can("groups.view") else None
    )
    return render(
        request,
        "admin/seats.html",
        page=page,
        tab="seats",
        seats=found.items,
        next_cursor=found.next_cursor,
        filters={"order_id": order_id or "", "sku": sku or ""},
        choices=choices,
    )


@router.post("/stores/{store}/admin/seats/{seat_id}/owner-group")
def set_owner_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: str,
    owner_group_id: IdField,
    back: BackField = "",
) -> Response:
    target = back_or(page, back, "/seats")
    return act(
        request,
        lambda: seats.set_owner_group(
            database, page.viewer, page.slug, seat_id, owner_group_id.strip()
        ),
        done=lambda seat: f"Seat {seat.id} ({seat.sku}) now belongs to its owner group.",
        default=target,
    )


@router.post("/stores/{store}/admin/seats/by-order/{order_id}/owner-group")
def set_owner_group_of_order(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    order_id: str,
    owner_group_id: IdField,
    back: BackField = "",
) -> Response:
    target = back_or(page, back, "/seats")
    return act(
        request,
        lambda: owner_groups.set_owner_group_of_order(
            database, page.viewer, page.slug, order_id, owner_group_id.strip()
        ),
        done=lambda result: (
            f"{len(result.seat_ids)} seat{'s' if len(result.seat_ids) != 1 else ''} now "
            "belong to the group."
        ),
        default=target,
    )


# Audit trail -------------------------------------------------------------------------------


@router.get("/stores/{store}/admin/audit")
def audit_trail(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: IdQuery = None,
    order_id: IdQuery = None,
    group_id: IdQuery = None,
    learner_email: Annotated[str | None, Query(max_length=320), LINE] = None,
    actor_id: IdQuery = None,
    since: Annotated[str | None, Query(max_length=40), LINE] = None,
    cursor: CursorQuery = None,
) -> Response:
    given = {
        "seat_id": seat_id,
        "order_id": order_id,
        "group_id": group_id,
        "learner_email": learner_email,
        "actor_id": actor_id,
        "since": since,
    }
    filters = {key: blank_to_none(value) for key, value in given.items()}
    error = ""
    events: list[Any] = []
    next_cursor = None
    try:
        found = audit.list_events(
            database,
            page.viewer,
            page.slug,
            seat_id=filters["seat_id"],
            order_id=filters["order_id"],
            group_id=filters["group_id"],
            learner_email=filters["learner_email"],
            actor_id=filters["actor_id"],
            since=parse_since(filters["since"]),
            limit=PAGE_SIZE,
            cursor=cursor,
        )
        events, next_cursor = found.items, found.next_cursor
    except Invalid as refusal:
        error = refusal.message
    emails = audit_names.actor_emails(
        database, page.viewer, page.slug, (event.actor_id for event in events)
    )
    key_names = audit_names.api_key_names(
        database, page.viewer, page.slug, (event.actor_api_key_id for event in events)
    )
    return render(
        request,
        "admin/audit.html",
        status_code=422 if error else 200,
        page=page,
        tab="audit",
        events=events,
        next_cursor=next_cursor,
        filters={key: value or "" for key, value in filters.items()},
        filtered=any(filters.values()),
        error=error,
        filter_url=lambda **more: "?" + urlencode(more),
        changes=changes,
        emails=emails,
        key_names=key_names,
    )


# Settings ----------------------------------------------------------------------------------


async def _form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once; CSRF checking has read it already)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _settings_page(
    request: Request,
    page: StorePage,
    store: Any,
    *,
    typed: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/settings.html",
        status_code=status_code,
        page=page,
        tab="settings",
        store_name=typed.get("name", "") if typed is not None else store.name,
        store_name_was=(typed or {}).get(settings_form.WAS + "name", store.name),
        fields=settings_form.fields(stores.settings_of(store), typed),
        problems=problems or {},
        error=error,
    )


@router.get("/stores/{store}/admin/settings")
def settings_page(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    store = stores.get_store(database, page.viewer, page.slug)
    return _settings_page(request, page, store)


@router.post("/stores/{store}/admin/settings")
def save_settings(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    form: Annotated[dict[str, str], Depends(_form_fields)],
) -> Response:
    patch, problems = settings_form.parse(form)
    name = form.get("name", "").strip()
    if not name or len(name) > 200:
        problems["name"] = "A store needs a name of at most 200 characters."
    try:
        if problems:
            raise Invalid("Some settings need a fix: see the notes beside them.")
        stores.update_store(  # only what the admin changed: see web/settings_form.py
            database,
            page.viewer,
            page.slug,
            name=name if settings_form.changed(form, "name") else None,
            settings=patch,
        )
    except REFUSALS as refusal:
        store = stores.get_store(database, page.viewer, page.slug)
        status = 403 if isinstance(refusal, PermissionDenied) else 422
        return _settings_page(
            request,
            page,
            store,
            typed=form,
            problems=problems,
            error=refusal.message,
            status_code=status,
        )
    session.flash(request, "Settings saved.")
    return redirect(console_url(page, "/settings"))
