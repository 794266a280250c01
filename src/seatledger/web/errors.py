"""The pages' answer to a refusal: an HTML error page (a 401 on a GET goes to sign in).

The status, code and sentence come from ``seatledger.refusals``, the same as the API's JSON.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from seatledger.refusals import refusal_of
from seatledger.web.pages import render

TITLES = {
    400: "That request could not be read",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "That could not be done",
    410: "No longer available",
    422: "Please check what you entered",
    429: "Please wait a moment",
}


async def answer(request: Request, error: Exception) -> Response:
    """The HTML answer to any refusal (the app's exception handler on page paths)."""
    refusal = refusal_of(error)
    page = error_page(request, refusal.status, refusal.code, refusal.message)
    page.headers.update(refusal.headers or {})
    return page


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    if status == 401 and request.method in ("GET", "HEAD"):
        return RedirectResponse(sign_in_url(request), status_code=303)
    if status in (404, 405) and code in ("not_found", "method_not_allowed"):
        message = "There is no such page, or you may not see it."
    return render(
        request,
        "error.html",
        status_code=status,
        title=TITLES.get(status, "Something went wrong"),
        code=code,
        message=message,
    )


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    parts = request.url.path.split("/")
    base = f"/stores/{parts[2]}/sign-in" if len(parts) > 2 and parts[1] == "stores" else "/"
    return f"{base}?next={quote(target, safe='')}"
