"""Pages: the admin console's overview, customers, groups, ungrouped seats, audit and settings.

Each route parses the form, calls the service the API calls, and renders; permissions are
the services' (a page the admin may not use shows the service's 403 sentence). A refused
form comes back with the service's sentence as a flash message (or beside the form).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import Response

from seatledger.api.routers.audit import parse_since
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.services import (
    admins,
    audit,
    capacity,
    customers,
    group_reports,
    groups,
    seats,
    stores,
)
from seatledger.services.group_reports import GroupNode
from seatledger.web import session, settings_form
from seatledger.web.pages import CustomerPageDep, StorePage, redirect, render
from seatledger.web.routes import page_router
from seatledger.web.session import DatabaseDep

router = page_router()

PAGE_SIZE = 25
Refusal = (Conflict, Invalid, PermissionDenied)  # shown to the admin; NotFound is an error page
IdQuery = Annotated[str | None, Query(max_length=64)]
CursorQuery = Annotated[str | None, Query(max_length=200)]
NameField = Annotated[str, Form(max_length=200)]
IdField = Annotated[str, Form(max_length=64)]


def _base(page: StorePage) -> str:
    return f"/stores/{page.slug}/admin"


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def bar_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The seven seat states folded into the capacity bar's four segments.

    available: free to assign (the remaining capacity); awaiting: a redemption link is out;
    assigned: redeemed, including return_pending (the learner keeps the seat until an admin
    decides); returned: seats that left the pool, refunded or expired.
    """
    return {
        "available": counts.get("available", 0),
        "awaiting": counts.get("awaiting", 0),
        "assigned": counts.get("assigned", 0) + counts.get("return_pending", 0),
        "returned": counts.get("refunded", 0) + counts.get("expired", 0),
    }


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
    email: Annotated[str, Query(max_length=320)] = "",
    cursor: CursorQuery = None,
) -> Response:
    found = customers.list_customers(
        database,
        page.viewer,
        page.slug,
        email=_blank_to_none(email),
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    managed = {
        c.id: groups.customer_groups(database, page.viewer, page.slug, c.id) for c in found.items
    }
    names = {node.id: node.name for node in _tree(database, page)}
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
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    target = back if back.startswith(_base(page) + "/customers") else _base(page) + "/customers"
    wanted = permissions or []
    unknown = sorted(set(wanted) - {p.value for p in Permission})
    if unknown:
        session.flash(request, f"Unknown permission: {', '.join(unknown)}.", "error")
        return redirect(target)
    try:
        grant = admins.set_permissions(
            database, page.viewer, page.slug, customer_id, [Permission(p) for p in wanted]
        )
    except Refusal as refusal:
        session.flash(request, refusal.message, "error")
        return redirect(target)
    held = ", ".join(grant.permissions) or "none"
    session.flash(request, f"Admin permissions of {grant.email}: {held}.")
    return redirect(target)


# Groups ------------------------------------------------------------------------------------


def _tree(database: DatabaseDep, page: StorePage) -> list[GroupNode]:
    return group_reports.group_tree_with_counts(database, page.viewer, page.slug)


def _children(nodes: list[GroupNode]) -> dict[str | None, list[GroupNode]]:
    children: dict[str | None, list[GroupNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    return children


def _subtree_ids(nodes: list[GroupNode], group_id: str) -> set[str]:
    """The group and its descendants: in tree order they follow it with a greater depth."""
    ids: set[str] = set()
    depth = None
    for node in nodes:
        if depth is not None:
            if node.depth <= depth:
                break
            ids.add(node.id)
        elif node.id == group_id:
            depth = node.depth
            ids.add(node.id)
    return ids


def _groups_page(
    request: Request,
    page: StorePage,
    database: DatabaseDep,
    *,
    status_code: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    nodes = _tree(database, page)
    return render(
        request,
        "admin/groups.html",
        status_code=status_code,
        page=page,
        tab="groups",
        nodes=nodes,
        children=_children(nodes),
        bar_counts=bar_counts,
        error=error,
        form=form or {"name": "", "code": "", "parent_id": request.query_params.get("parent", "")},
    )


@router.get("/stores/{store}/admin/groups")
def group_list(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    return _groups_page(request, page, database)


@router.post("/stores/{store}/admin/groups")
def create_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    name: NameField,
    code: Annotated[str, Form(max_length=64)] = "",
    parent_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        group = groups.create_group(
            database,
            page.viewer,
            page.slug,
            name=name,
            code=_blank_to_none(code),
            parent_id=_blank_to_none(parent_id),
        )
    except (Conflict, Invalid) as refusal:  # a refused permission is the 403 error page
        form = {"name": name, "code": code, "parent_id": parent_id}
        status = 409 if isinstance(refusal, Conflict) else 422
        return _groups_page(
            request, page, database, status_code=status, error=refusal.message, form=form
        )
    session.flash(request, f"Group “{group.name}” created.")
    return redirect(f"{_base(page)}/groups/{group.id}")


@router.get("/stores/{store}/admin/groups/{group_id}")
def group_detail(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    include_descendants: bool = False,
) -> Response:
    group = groups.get_group(database, page.viewer, page.slug, group_id)
    nodes = _tree(database, page)
    report = invoice_items = None
    if page.can("seats.view"):
        report = capacity.group_capacity(
            database, page.viewer, page.slug, group.id, include_descendants=include_descendants
        )
        invoice_items = group_reports.group_invoice_items(
            database, page.viewer, page.slug, group.id, include_descendants=include_descendants
        )
    subtree = _subtree_ids(nodes, group.id)
    return render(
        request,
        "admin/group.html",
        page=page,
        tab="groups",
        group=group,
        nodes=nodes,
        names={node.id: node.name for node in nodes},
        parents=[n for n in nodes if n.id not in subtree],  # no cycles on offer
        subgroups=[n for n in nodes if n.parent_id == group.id],
        agents=groups.list_agents(database, page.viewer, page.slug, group.id),
        report=report,
        invoice_items=invoice_items,
        include_descendants=include_descendants,
        bar_counts=bar_counts,
    )


@router.get("/stores/{store}/admin/groups/{group_id}/capacity.csv")
def group_capacity_csv(
    page: CustomerPageDep, database: DatabaseDep, group_id: str, include_descendants: bool = False
) -> Response:
    report = capacity.group_capacity(
        database, page.viewer, page.slug, group_id, include_descendants=include_descendants
    )
    filename = f"capacity-{report.group_id}{'-subtree' if include_descendants else ''}.csv"
    return Response(
        capacity.capacity_csv(report),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _change_group(
    request: Request,
    page: StorePage,
    database: DatabaseDep,
    group_id: str,
    done: str,
    **change: Any,
) -> Response:
    try:
        groups.update_group(database, page.viewer, page.slug, group_id, **change)
    except Refusal as refusal:
        session.flash(request, refusal.message, "error")
    else:
        session.flash(request, done)
    return redirect(f"{_base(page)}/groups/{group_id}")


@router.post("/stores/{store}/admin/groups/{group_id}/rename")
def rename_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    name: NameField,
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return _change_group(
        request, page, database, group_id, "Group saved.", name=name, code=_blank_to_none(code)
    )


@router.post("/stores/{store}/admin/groups/{group_id}/move")
def move_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    parent_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    parent = _blank_to_none(parent_id)
    done = "Group moved." if parent else "Group moved to the top level."
    return _change_group(request, page, database, group_id, done, parent_id=parent)


@router.post("/stores/{store}/admin/groups/{group_id}/deactivate")
def deactivate_group(
    request: Request, page: CustomerPageDep, database: DatabaseDep, group_id: str
) -> Response:
    done = "Group deactivated: no new purchases; its seats and history are kept."
    return _change_group(request, page, database, group_id, done, active=False)


@router.post("/stores/{store}/admin/groups/{group_id}/reactivate")
def reactivate_group(
    request: Request, page: CustomerPageDep, database: DatabaseDep, group_id: str
) -> Response:
    return _change_group(request, page, database, group_id, "Group reactivated.", active=True)


@router.post("/stores/{store}/admin/groups/{group_id}/agents")
def grant_agent(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    back = f"{_base(page)}/groups/{group_id}"
    address = email.strip()
    try:
        found = customers.list_customers(database, page.viewer, page.slug, email=address, limit=1)
        if not found.items:
            raise Invalid(
                f"No customer with the email {address} is registered in this store: "
                "they need to sign up first.",
                code="unknown_customer",
            )
        agent = groups.grant_agent(database, page.viewer, page.slug, group_id, found.items[0].id)
    except Refusal as refusal:
        session.flash(request, refusal.message, "error")
        return redirect(back)
    session.flash(request, f"{agent.email} is now an agent of this group and its subgroups.")
    return redirect(back)


@router.post("/stores/{store}/admin/groups/{group_id}/agents/{customer_id}/revoke")
def revoke_agent(
    request: Request, page: CustomerPageDep, database: DatabaseDep, group_id: str, customer_id: str
) -> Response:
    try:
        groups.revoke_agent(database, page.viewer, page.slug, group_id, customer_id)
    except Refusal as refusal:
        session.flash(request, refusal.message, "error")
    else:
        session.flash(request, "Agent role revoked.")
    return redirect(f"{_base(page)}/groups/{group_id}")


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
        order_id=_blank_to_none(order_id),
        sku=_blank_to_none(sku),
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    choices = [n for n in _tree(database, page) if n.active] if page.can("groups.view") else None
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
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    target = back if back.startswith(_base(page) + "/seats") else _base(page) + "/seats"
    try:
        seat = seats.set_owner_group(
            database, page.viewer, page.slug, seat_id, owner_group_id.strip()
        )
    except Refusal as refusal:
        session.flash(request, refusal.message, "error")
        return redirect(target)
    session.flash(request, f"Seat {seat.id} ({seat.sku}) now belongs to its owner group.")
    return redirect(target)


# Audit trail -------------------------------------------------------------------------------

AUDIT_FILTERS = ("seat_id", "order_id", "group_id", "learner_email", "actor_id", "since")


@router.get("/stores/{store}/admin/audit")
def audit_trail(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    seat_id: IdQuery = None,
    order_id: IdQuery = None,
    group_id: IdQuery = None,
    learner_email: Annotated[str | None, Query(max_length=320)] = None,
    actor_id: IdQuery = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
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
    filters = {key: _blank_to_none(value) for key, value in given.items()}
    error = ""
    events: list[Any] = []
    next_cursor = None
    try:
        found = audit.list_events(
            database,
            page.viewer,
            page.slug,
            **{**filters, "since": parse_since(filters["since"])},
            limit=PAGE_SIZE,
            cursor=cursor,
        )
        events, next_cursor = found.items, found.next_cursor
    except Invalid as refusal:
        error = refusal.message
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
        stores.update_store(database, page.viewer, page.slug, name=name, settings=patch)
    except Refusal as refusal:
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
    return redirect(f"{_base(page)}/settings")
