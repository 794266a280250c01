"""The API's interactive reference at ``/docs``: Swagger UI from files shipped with a package.

FastAPI's own ``/docs`` loads Swagger UI from a CDN and starts it with an inline script; both
break offline and under the pages' Content-Security-Policy. Here the bundle comes from the
pinned ``fastapi-offline`` package and the start-up script from ``docs_ui/docs.js``, both
served under ``/docs/ui/`` (docs/adr/0023-security-headers.md).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

OWN_FILES = Path(__file__).parent / "docs_ui"
SWAGGER_FILES = ("fastapi_offline", "static")  # swagger-ui-bundle.js, swagger-ui.css, favicon
ASSETS = "/docs/ui"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} · API reference</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def reference(request: Request) -> HTMLResponse:
    root = str(request.scope.get("root_path", ""))
    app = request.app
    return HTMLResponse(
        PAGE.format(
            title=escape(app.title),
            assets=escape(root + ASSETS),
            openapi=escape(root + (app.openapi_url or "/openapi.json")),
        )
    )


def add_reference(app: FastAPI) -> None:
    """Serve ``/docs`` and its files (call with ``docs_url=None`` given to FastAPI)."""
    app.mount(ASSETS, StaticFiles(directory=OWN_FILES, packages=[SWAGGER_FILES]), name="docs-ui")
    app.include_router(router)
