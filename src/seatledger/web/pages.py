"""Rendering: one Jinja2 environment, the context every page gets, and the form answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from seatledger.db.engine import Database
from seatledger.dependencies import DatabaseDep
from seatledger.domain.capacity import bar_segments
from seatledger.domain.errors import (
    Conflict,
    DomainError,
    Invalid,
    PaymentFailed,
    PermissionDenied,
    Unauthenticated,
)
from seatledger.services.people import access, customers
from seatledger.services.people.customers import Me
from seatledger.services.storefront.stores import settings_of
from seatledger.web.session import (
    ViewerDep,
    csrf_token,
    current_user,
    flash,
    is_signed_in,
    pop_flashes,
)

T = TypeVar("T")

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


templates.env.filters["urlquote"] = lambda value: quote(str(value), safe="")
templates.env.globals["bar_segments"] = bar_segments  # the capacity bar's one folding


@dataclass(frozen=True)
class StorePage:
    """The store a page belongs to and the viewer's standing in it."""

    slug: str
    name: str
    currency: str
    viewer: str | None
    me: Me | None

    @property
    def is_customer(self) -> bool:
        return self.me is not None

    @property
    def is_agent(self) -> bool:
        return bool(self.me and self.me.agent_group_ids)

    @property
    def is_admin(self) -> bool:
        return bool(self.me and self.me.permissions)

    def can(self, permission: str) -> bool:
        return bool(self.me and permission in self.me.permissions)


def store_page(database: Database, viewer: str | None, store_slug: str) -> StorePage:
    with database.read() as session:
        store = access.find_store(session, store_slug)
        slug, name = store.slug, store.name
        currency = settings_of(store).currency
    me: Me | None = None
    if viewer is not None:
        try:
            me = customers.me(database, viewer, slug)
        except PermissionDenied:
            me = None
    return StorePage(slug=slug, name=name, currency=currency, viewer=viewer, me=me)


def get_store_page(store: str, database: DatabaseDep, viewer: ViewerDep) -> StorePage:
    return store_page(database, viewer, store)


def signed_in_store_page(
    request: Request, page: Annotated[StorePage, Depends(get_store_page)]
) -> StorePage:
    """The store page for a signed-in customer; others are sent to sign in (401)."""
    if page.viewer is None:
        raise Unauthenticated("Sign in to see this page.")
    if page.me is None:
        raise PermissionDenied(
            "You are not registered in this store: sign up first.", code="not_a_customer"
        )
    return page


StorePageDep = Annotated[StorePage, Depends(get_store_page)]
CustomerPageDep = Annotated[StorePage, Depends(signed_in_store_page)]


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("page", None)
    has_session = "session" in request.scope  # not for errors caught outside the middleware
    context.update(
        request=request,
        csrf_token=csrf_token(request) if has_session else "",
        flashes=pop_flashes(request) if has_session else [],
        signed_in=has_session and is_signed_in(request),
    )
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """After a successful form post: see the result with a GET (303)."""
    return RedirectResponse(url, status_code=303)


def csv_download(text: str, filename: str) -> Response:
    """A CSV file the browser saves; ``filename`` is made of ids, never of typed text."""
    disposition = f'attachment; filename="{filename}"'
    return Response(
        text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
    )


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never send a signed-in user to another host. Backslashes and
    whitespace are refused too: browsers read ``/\\host`` and ``/<tab>/host`` as ``//host``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(char.isspace() or not char.isprintable() for char in target):
        return default
    return target


def back(target: str | None, default: str) -> RedirectResponse:
    """Redirect (303) to a same-site ``next`` path, or to ``default``."""
    return redirect(safe_next(target, default))


# The refusals a form shows as a sentence (a flash, or beside the form); a record one may not
# see (NotFound) stays the 404 page.
REFUSALS = (Conflict, Invalid, PaymentFailed, PermissionDenied)


def refused(
    request: Request, error: DomainError, default: str, target: str | None = None
) -> RedirectResponse:
    """Flash a service's refusal sentence and go back to the page the form came from:
    ``target`` when it is a same-site path, else ``default``."""
    flash(request, error.message, "error")
    return back(target, default)


def act(
    request: Request,
    action: Callable[[], T],
    *,
    done: Callable[[T], str],
    default: str,
    target: str | None = None,
) -> RedirectResponse:
    """A form's whole answer: run the service call, then flash its refusal sentence or the
    ``done`` sentence made from its result, and go back (``target`` if same-site)."""
    try:
        result = action()
    except REFUSALS as error:
        return refused(request, error, default, target)
    flash(request, done(result))
    return back(target, default)


__all__ = [
    "REFUSALS",
    "CustomerPageDep",
    "StorePage",
    "StorePageDep",
    "act",
    "back",
    "csv_download",
    "current_user",
    "redirect",
    "refused",
    "render",
    "safe_next",
    "store_page",
]
