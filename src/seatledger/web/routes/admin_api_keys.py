"""Pages: a store's API keys (rule 31) in the admin console: make one (its key shown once,
on the answer to the form), list them, revoke one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Invalid, PermissionDenied
from seatledger.domain.permissions import Permission
from seatledger.inputs import LINE
from seatledger.services.people import api_keys
from seatledger.web.admin_support import console_url, group_tree
from seatledger.web.pages import REFUSALS, CustomerPageDep, StorePage, act, refused, render
from seatledger.web.routes import page_router

router = page_router()
ListField = Annotated[list[str] | None, Form(max_length=64)]


@router.get("/stores/{store}/admin/api-keys")
def api_keys_page(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    return _render(request, page, database)


@router.post("/stores/{store}/admin/api-keys")
def create_api_key(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    name: Annotated[str, Form(max_length=200), LINE] = "",
    permissions: ListField = None,
    agent_group_ids: ListField = None,
    expires_on: Annotated[str, Form(max_length=40), LINE] = "",
) -> Response:
    """Make the key and answer with the page showing it: never a redirect, so the key is
    in this one answer only, not in the session or a flash."""
    try:
        made = api_keys.create_key(
            database,
            page.viewer,
            page.slug,
            name=name,
            permissions=permissions or [],
            agent_group_ids=agent_group_ids or [],
            expires_at=_end_of(expires_on),
        )
    except REFUSALS as error:
        return refused(request, error, console_url(page, "/api-keys"))
    return _render(request, page, database, made=made, status_code=201)


@router.post("/stores/{store}/admin/api-keys/{key_id}/revoke")
def revoke_api_key(
    request: Request, page: CustomerPageDep, database: DatabaseDep, key_id: str
) -> Response:
    return act(
        request,
        lambda: api_keys.revoke_key(database, page.viewer, page.slug, key_id),
        done=lambda _: "The API key is revoked; requests made with it are refused from now on.",
        default=console_url(page, "/api-keys"),
    )


def _render(
    request: Request,
    page: StorePage,
    database: DatabaseDep,
    *,
    made: api_keys.NewApiKey | None = None,
    status_code: int = 200,
) -> Response:
    keys = api_keys.list_keys(database, page.viewer, page.slug, limit=200).items
    try:
        groups: list[Any] = [n for n in group_tree(database, page) if n.active]
    except PermissionDenied:  # a manager who sees no groups gives none
        groups = []
    return render(
        request,
        "admin/api_keys.html",
        status_code=status_code,
        page=page,
        tab="api-keys",
        keys=keys,
        made=made,
        groups=groups,
        group_names={node.id: node.name for node in groups},
        all_permissions=[p.value for p in Permission if page.can(p.value)],
        now=datetime.now(UTC),
    )


def _end_of(text: str) -> datetime | None:
    """A date typed in the form: the key works through that day (UTC); empty is no expiry."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"'{text}' is not a date (YYYY-MM-DD).", code="invalid_expiry") from None
    return datetime.combine(day, time.max, tzinfo=UTC)
