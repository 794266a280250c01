"""Pages: the admin console's purchasing groups: the tree with capacity, one group's page
(capacity, invoice items, CSV, agents), and creating, renaming, moving and deactivating."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Conflict, Invalid
from seatledger.inputs import LINE
from seatledger.queries import group_reports
from seatledger.queries.group_reports import GroupNode
from seatledger.services.organization import capacity, groups
from seatledger.web import session
from seatledger.web.admin_support import (
    NameField,
    blank_to_none,
    console_url,
    group_code,
    group_tree,
)
from seatledger.web.pages import (
    CustomerPageDep,
    StorePage,
    act,
    csv_download,
    redirect,
    refused,
    render,
)
from seatledger.web.routes import page_router

router = page_router()


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
    nodes = group_tree(database, page)
    return render(
        request,
        "admin/groups.html",
        status_code=status_code,
        page=page,
        tab="groups",
        nodes=nodes,
        children=_children(nodes),
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
    code: Annotated[str, Form(max_length=64), LINE] = "",
    parent_id: Annotated[str, Form(max_length=64), LINE] = "",
) -> Response:
    try:
        group = groups.create_group(
            database,
            page.viewer,
            page.slug,
            name=name,
            code=group_code(code),
            parent_id=blank_to_none(parent_id),
        )
    except (Conflict, Invalid) as refusal:  # a refused permission is the 403 error page
        form = {"name": name, "code": code, "parent_id": parent_id}
        status = 409 if isinstance(refusal, Conflict) else 422
        return _groups_page(
            request, page, database, status_code=status, error=refusal.message, form=form
        )
    session.flash(request, f"Group “{group.name}” created.")
    return redirect(console_url(page, f"/groups/{group.id}"))


@router.get("/stores/{store}/admin/groups/{group_id}")
def group_detail(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    include_descendants: bool = False,
) -> Response:
    group = groups.get_group(database, page.viewer, page.slug, group_id)
    nodes = group_tree(database, page)
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
    )


@router.get("/stores/{store}/admin/groups/{group_id}/capacity.csv")
def group_capacity_csv(
    page: CustomerPageDep, database: DatabaseDep, group_id: str, include_descendants: bool = False
) -> Response:
    report = capacity.group_capacity(
        database, page.viewer, page.slug, group_id, include_descendants=include_descendants
    )
    filename = f"capacity-{report.group_id}{'-subtree' if include_descendants else ''}.csv"
    return csv_download(capacity.capacity_csv(report), filename)


def _change_group(
    request: Request,
    page: StorePage,
    database: DatabaseDep,
    group_id: str,
    done: str,
    **change: Any,
) -> Response:
    return act(
        request,
        lambda: groups.update_group(database, page.viewer, page.slug, group_id, **change),
        done=lambda _: done,
        default=console_url(page, f"/groups/{group_id}"),
    )


@router.post("/stores/{store}/admin/groups/{group_id}/rename")
def rename_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    name: NameField,
    code: Annotated[str, Form(max_length=64), LINE] = "",
) -> Response:
    try:
        cleaned = group_code(code)
    except Invalid as refusal:
        return refused(request, refusal, console_url(page, f"/groups/{group_id}"))
    return _change_group(request, page, database, group_id, "Group saved.", name=name, code=cleaned)


@router.post("/stores/{store}/admin/groups/{group_id}/move")
def move_group(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    group_id: str,
    parent_id: Annotated[str, Form(max_length=64), LINE] = "",
) -> Response:
    parent = blank_to_none(parent_id)
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
    email: Annotated[str, Form(max_length=320), LINE],
) -> Response:
    return act(
        request,
        lambda: groups.grant_agent_by_email(database, page.viewer, page.slug, group_id, email),
        done=lambda agent: f"{agent.email} is now an agent of this group and its subgroups.",
        default=console_url(page, f"/groups/{group_id}"),
    )


@router.post("/stores/{store}/admin/groups/{group_id}/agents/{customer_id}/revoke")
def revoke_agent(
    request: Request, page: CustomerPageDep, database: DatabaseDep, group_id: str, customer_id: str
) -> Response:
    return act(
        request,
        lambda: groups.revoke_agent(database, page.viewer, page.slug, group_id, customer_id),
        done=lambda _: "Agent role revoked.",
        default=console_url(page, f"/groups/{group_id}"),
    )
