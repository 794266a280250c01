"""Security headers on every answer: one ASGI middleware, outside every route.

Pages (``text/html``) get a strict Content-Security-Policy: scripts, styles and images only
from this server, no inline script or style attribute, no framing, forms posting only here.
Every other answer (JSON, CSV, static files) gets ``default-src 'none'``, so nothing it
contains can run if a browser is tricked into showing it. The reasons for each value are
in docs/adr/0023-security-headers.md.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# Features no page of seatledger uses; a page that is framed or injected cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

HSTS = "max-age=31536000"  # one year; subdomains and preloading are the operator's to choose

# Redemption links carry their token in the path: their pages send no Referer at all.
TOKEN_PATHS = ("/redeem/",)

# Files that are the same for everyone may be cached; every other answer may not.
CACHEABLE_PATHS = ("/static/", "/docs/ui/")


def security_headers(*, path: str, https: bool, content_type: str) -> dict[str, str]:
    """The headers for an answer with ``content_type`` to a request for ``path``."""
    headers = {
        "Content-Security-Policy": PAGE_POLICY
        if content_type.startswith("text/html")
        else DATA_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer" if path.startswith(TOKEN_PATHS) else "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    if not path.startswith(CACHEABLE_PATHS):
        headers["Cache-Control"] = "no-store"
    return headers


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP answer; a header the route set stays.

    The scheme is the one uvicorn reports: behind a proxy it honours ``X-Forwarded-Proto``
    from the addresses in ``--forwarded-allow-ips``, so HSTS goes out only on https.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                content_type = headers.get("content-type", "")
                for name, value in security_headers(
                    path=path, https=https, content_type=content_type
                ).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
