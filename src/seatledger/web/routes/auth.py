"""Sign-in, sign-up and sign-out, for the whole site and per store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import ClientLimitsDep, DatabaseDep
from seatledger.domain.errors import Conflict, Invalid, RateLimited, Unauthenticated
from seatledger.error_codes import status_of
from seatledger.services.people import accounts, customers
from seatledger.web import session
from seatledger.web.pages import StorePageDep, redirect, render, safe_next
from seatledger.web.routes import page_router
from seatledger.web.session import ViewerDep

router = page_router()

EmailField = Annotated[str, Form(max_length=320)]
PasswordField = Annotated[str, Form(max_length=1024)]
NextField = Annotated[str, Form(max_length=2000)]


@router.get("/")
def home(request: Request, database: DatabaseDep, viewer: ViewerDep, next: str = "") -> Response:
    if viewer is None:
        return render(request, "sign_in.html", next=next, email="")
    stores = accounts.stores_of(database, viewer)
    if next:
        return redirect(safe_next(next, "/"))
    if len(stores) == 1:
        return redirect(f"/stores/{stores[0][0]}")
    return render(request, "home.html", stores=stores)


def _sign_in(
    request: Request,
    database: DatabaseDep,
    limits: ClientLimitsDep,
    *,
    email: str,
    password: str,
    next: str,
    default: str,
    page: object = None,
) -> Response:
    try:
        session.sign_in(request, database, email=email, password=password, limits=limits)
    except (Unauthenticated, RateLimited) as refusal:
        answer = render(
            request,
            "sign_in.html",
            status_code=status_of(refusal),
            page=page,
            error=refusal.message,
            email=email,
            next=next,
        )
        return _with_retry_after(answer, refusal)
    return redirect(safe_next(next, default))


def _with_retry_after(answer: Response, refusal: Exception) -> Response:
    """A form refused for too many attempts says when to come back (rule 47)."""
    if isinstance(refusal, RateLimited):
        answer.headers["Retry-After"] = str(refusal.retry_after)
    return answer


@router.post("/sign-in")
def sign_in(
    request: Request,
    database: DatabaseDep,
    limits: ClientLimitsDep,
    email: EmailField,
    password: PasswordField,
    next: NextField = "",
) -> Response:
    return _sign_in(
        request, database, limits, email=email, password=password, next=next, default="/"
    )


@router.get("/stores/{store}/sign-in")
def store_sign_in_form(request: Request, page: StorePageDep, next: str = "") -> Response:
    if page.viewer is not None and page.is_customer:
        return redirect(safe_next(next, f"/stores/{page.slug}"))
    return render(request, "sign_in.html", page=page, next=next, email="")


@router.post("/stores/{store}/sign-in")
def store_sign_in(
    request: Request,
    page: StorePageDep,
    database: DatabaseDep,
    limits: ClientLimitsDep,
    email: EmailField,
    password: PasswordField,
    next: NextField = "",
) -> Response:
    return _sign_in(
        request,
        database,
        limits,
        email=email,
        password=password,
        next=next,
        default=f"/stores/{page.slug}",
        page=page,
    )


@router.get("/stores/{store}/sign-up")
def sign_up_form(request: Request, page: StorePageDep, next: str = "", email: str = "") -> Response:
    return render(request, "sign_up.html", page=page, next=next, email=email, name="")


@router.post("/stores/{store}/sign-up")
def sign_up(
    request: Request,
    page: StorePageDep,
    database: DatabaseDep,
    limits: ClientLimitsDep,
    email: EmailField,
    name: Annotated[str, Form(max_length=200)],
    password: PasswordField,
    next: NextField = "",
) -> Response:
    try:
        customers.sign_up(
            database, page.slug, email=email, name=name, password=password, limits=limits
        )
    except (Conflict, Invalid, RateLimited) as refusal:
        answer = render(
            request,
            "sign_up.html",
            status_code=status_of(refusal),
            page=page,
            error=refusal.message,
            email=email,
            name=name,
            next=next,
        )
        return _with_retry_after(answer, refusal)
    session.sign_in(request, database, email=email, password=password)
    session.flash(request, f"Welcome to {page.name}, {name.strip() or email}.")
    return redirect(safe_next(next, f"/stores/{page.slug}"))


@router.post("/sign-out")
def sign_out(request: Request, database: DatabaseDep) -> Response:
    session.sign_out(request, database)
    session.flash(request, "You are signed out.")
    return redirect("/")
