"""The signed-in person's own account: changing the password (rules 47-48).

Reachable from every page's navigation, for the whole site (``/password``) and inside a
store (``/stores/{store}/password``, with that store's navigation). The session the change
is made from stays signed in; every other session and API token of the person is revoked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Invalid, PermissionDenied, Unauthenticated
from seatledger.services.people import password_change
from seatledger.web import session
from seatledger.web.pages import StorePage, StorePageDep, redirect, render
from seatledger.web.routes import page_router
from seatledger.web.session import CredentialDep

router = page_router()

PasswordField = Annotated[str, Form(max_length=1024)]
TEMPLATE = "password.html"


def _require_signed_in(credential: object) -> None:
    if credential is None:
        raise Unauthenticated("Sign in to change your password.")


@router.get("/password")
def password_form(request: Request, credential: CredentialDep) -> Response:
    _require_signed_in(credential)
    return render(request, TEMPLATE)


@router.get("/stores/{store}/password")
def store_password_form(
    request: Request, page: StorePageDep, credential: CredentialDep
) -> Response:
    _require_signed_in(credential)
    return render(request, TEMPLATE, page=page)


@router.post("/password")
def change_password(
    request: Request,
    database: DatabaseDep,
    credential: CredentialDep,
    current_password: PasswordField,
    new_password: PasswordField,
    new_password_again: PasswordField,
) -> Response:
    return _change(
        request, database, credential, current_password, new_password, new_password_again
    )


@router.post("/stores/{store}/password")
def store_change_password(
    request: Request,
    page: StorePageDep,
    database: DatabaseDep,
    credential: CredentialDep,
    current_password: PasswordField,
    new_password: PasswordField,
    new_password_again: PasswordField,
) -> Response:
    return _change(
        request, database, credential, current_password, new_password, new_password_again, page
    )


def _change(
    request: Request,
    database: DatabaseDep,
    credential: CredentialDep,
    current_password: str,
    new_password: str,
    new_password_again: str,
    page: StorePage | None = None,
) -> Response:
    _require_signed_in(credential)
    if new_password != new_password_again:
        return _refused(request, page, "The two new passwords differ: type the same one twice.")
    try:
        revoked = password_change.change_password(
            database,
            credential,
            current_password=current_password,
            new_password=new_password,
        )
    except (Invalid, PermissionDenied) as refusal:
        status = 403 if isinstance(refusal, PermissionDenied) else 422
        return _refused(request, page, refusal.message, status)
    others = "other session or API token" if revoked == 1 else "other sessions and API tokens"
    session.flash(request, f"Your password is changed; {revoked} {others} signed out.")
    return redirect(f"/stores/{page.slug}" if page else "/")


def _refused(request: Request, page: StorePage | None, message: str, status: int = 422) -> Response:
    return render(request, TEMPLATE, status_code=status, page=page, error=message)
