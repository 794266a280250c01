"""Every kind of answer carries the security headers (docs/adr/0023-security-headers.md):
pages a strict Content-Security-Policy, everything else ``default-src 'none'``; HSTS only
when the request came over https, also as a proxy reports it to uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.engine import Database
from tests.api.conftest import PASSWORD, STORE, World

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
ON_EVERY_ANSWER = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def answers(world: World) -> dict[str, Any]:
    """One answer of each kind, by name."""
    client, owner = world.client, world.owner
    return {
        "page": client.get(f"/stores/{STORE}/sign-in"),
        "page 404": client.get(f"/stores/{STORE}/no-such-page"),
        "redemption page": client.get("/redeem/no-such-token"),
        "api docs": client.get("/docs"),
        "json 200": client.get(world.url(""), headers=owner.headers),
        "json 401": client.post(
            "/api/v1/auth/token", json={"email": owner.email, "password": PASSWORD + "!"}
        ),
        "json 404": client.get("/api/v1/no-such-thing", headers=owner.headers),
        "json 422": client.post(world.url("/groups"), json={}, headers=owner.headers),
        "openapi": client.get("/openapi.json"),
        "static file": client.get("/static/app.css"),
        "docs script": client.get("/docs/ui/docs.js"),
    }


EXPECTED_STATUS = {
    "page": 200,
    "page 404": 404,
    "redemption page": 404,
    "api docs": 200,
    "json 200": 200,
    "json 401": 401,
    "json 404": 404,
    "json 422": 422,
    "openapi": 200,
    "static file": 200,
    "docs script": 200,
}
PAGES = {"page", "page 404", "redemption page", "api docs"}
STATIC = {"static file", "docs script"}


def test_every_kind_of_answer_carries_the_security_headers(world: World) -> None:
    got = answers(world)

    assert {name: answer.status_code for name, answer in got.items()} == EXPECTED_STATUS
    for name, answer in got.items():
        headers = {key: answer.headers.get(key) for key in ON_EVERY_ANSWER}
        assert headers == ON_EVERY_ANSWER, name
        policy = PAGE_POLICY if name in PAGES else DATA_POLICY
        assert answer.headers["content-security-policy"] == policy, name
        assert "strict-transport-security" not in answer.headers, name  # plain http here


def test_pages_are_html_and_every_other_answer_is_not(world: World) -> None:
    got = answers(world)

    html = {name for name, answer in got.items() if "text/html" in answer.headers["content-type"]}
    assert html == PAGES


def test_dynamic_answers_are_never_stored_and_static_files_may_be(world: World) -> None:
    got = answers(world)

    stored = {name: answer.headers.get("cache-control") for name, answer in got.items()}
    assert stored == {name: None if name in STATIC else "no-store" for name in got}


def test_redemption_pages_send_no_referrer_and_the_others_only_to_this_site(world: World) -> None:
    got = answers(world)

    policies = {name: answer.headers["referrer-policy"] for name, answer in got.items()}
    assert policies.pop("redemption page") == "no-referrer"
    assert set(policies.values()) == {"same-origin"}


@pytest.fixture
def app_over_https(database: Database) -> Iterator[TestClient]:
    settings = Settings(database_url=database.url, secret_key="test-secret")
    with TestClient(create_app(settings, database=database), base_url="https://testserver") as c:
        yield c


def test_answers_over_https_tell_browsers_to_keep_to_https(app_over_https: TestClient) -> None:
    page = app_over_https.get(f"/stores/{STORE}/sign-in")
    data = app_over_https.get("/healthz")
    static = app_over_https.get("/static/app.css")

    for answer in (page, data, static):
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


def test_https_as_a_trusted_proxy_reports_it_through_uvicorn_counts(database: Database) -> None:
    settings = Settings(database_url=database.url, secret_key="test-secret")
    behind_proxy = ProxyHeadersMiddleware(
        create_app(settings, database=database), trusted_hosts="*"
    )
    with TestClient(behind_proxy) as client:  # type: ignore[arg-type]
        forwarded = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        direct = client.get("/healthz")

    assert forwarded.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in direct.headers
