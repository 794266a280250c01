"""The security headers' choices, without an app: which answer gets which policy, and a
header a route sets itself is kept (docs/adr/0023-security-headers.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from seatledger.security_headers import (
    DATA_POLICY,
    PAGE_POLICY,
    SecurityHeaders,
    security_headers,
)


def test_the_page_policy_allows_nothing_inline_nothing_evaluated_and_no_framing() -> None:
    directives = dict(part.split(" ", 1) for part in PAGE_POLICY.split("; "))

    assert "unsafe" not in PAGE_POLICY
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == directives["object-src"] == "'none'"
    assert DATA_POLICY.startswith("default-src 'none'; frame-ancestors 'none'")


def test_html_gets_the_page_policy_and_anything_else_the_data_policy() -> None:
    page = security_headers(path="/", https=False, content_type="text/html; charset=utf-8")
    data = security_headers(path="/api/v1/x", https=False, content_type="application/json")
    empty = security_headers(path="/sign-out", https=False, content_type="")

    assert page["Content-Security-Policy"] == PAGE_POLICY
    assert data["Content-Security-Policy"] == empty["Content-Security-Policy"] == DATA_POLICY


def test_hsts_only_over_https_and_no_store_only_outside_the_shared_files() -> None:
    plain = security_headers(path="/api/v1/x", https=False, content_type="application/json")
    secure = security_headers(path="/static/app.js", https=True, content_type="text/javascript")

    assert "Strict-Transport-Security" not in plain and plain["Cache-Control"] == "no-store"
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Cache-Control" not in secure


def test_a_header_the_route_set_itself_is_kept() -> None:
    def own(_request: Request) -> Response:
        return PlainTextResponse(
            "x", headers={"Cache-Control": "max-age=60", "Referrer-Policy": "no-referrer"}
        )

    app = SecurityHeaders(Starlette(routes=[Route("/own", own)]))
    answer = TestClient(app).get("/own")

    assert answer.headers["cache-control"] == "max-age=60"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"


WEB = Path(__file__).resolve().parents[2] / "src" / "seatledger" / "web"
# What the page policy refuses, as it would be written in a template or a script.
REFUSED_INLINE = re.compile(
    r"""\sstyle=|<style\b|<script\b(?![^>]*\bsrc=)|\son[a-z]+=["']|=["']?\s*javascript:""",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path",
    sorted([*(WEB / "templates").rglob("*.html"), *(WEB / "static").glob("*.js")]),
    ids=lambda path: str(path.relative_to(WEB)),
)
def test_no_page_template_or_script_writes_what_the_policy_refuses(path: Path) -> None:
    """Inline scripts and styles, style attributes, on* handlers, javascript: links (the
    browser test shows the pages clean; this names the line before a browser is started)."""
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if REFUSED_INLINE.search(line)
    ]
    assert found == []
