"""A refusal on a page is an HTML page, on an API path JSON; both take the table's status."""

from __future__ import annotations

import pytest
from httpx import Response

from seatledger.error_codes import ERROR_CODES
from tests.api.conftest import STORE, World, error_code
from tests.web.test_admin_orders import csrf


def assert_error_page(answer: Response, code: str) -> None:
    assert answer.status_code == ERROR_CODES[code].status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<code>{code}</code>" in answer.text


def test_a_service_refusal_on_a_page_is_an_html_page(world: World) -> None:
    answer = world.client.get("/stores/no-such-store")

    assert_error_page(answer, "store_not_found")
    assert "No store with slug &#39;no-such-store&#39; exists." in answer.text


def test_the_same_refusal_on_the_api_is_json(world: World) -> None:
    answer = world.client.get("/api/v1/stores/no-such-store", headers=world.owner.headers)

    assert answer.status_code == 404
    message = "No store with slug 'no-such-store' exists."
    assert answer.json() == {"error": {"code": "store_not_found", "message": message}}


def test_an_unknown_page_is_the_html_not_found_page(world: World) -> None:
    answer = world.client.get(f"/stores/{STORE}/no-such-page")

    assert_error_page(answer, "not_found")
    assert "There is no such page, or you may not see it." in answer.text


@pytest.mark.parametrize("path", ["/api/v1/no-such-call", "/docs/nothing", "/healthz/nothing"])
def test_unknown_addresses_beside_the_api_answer_json(world: World, path: str) -> None:
    answer = world.client.get(path)

    assert (answer.status_code, error_code(answer)) == (404, "not_found")


def test_a_form_without_the_csrf_token_is_an_html_403(world: World) -> None:
    answer = world.client.post("/sign-out")

    assert_error_page(answer, "csrf_failed")


def test_a_form_missing_fields_is_an_html_422(world: World) -> None:
    answer = world.client.post("/sign-in", data={"csrf_token": csrf(world.client)})

    assert_error_page(answer, "validation_error")


def test_a_signed_out_visit_to_a_customer_page_goes_to_sign_in(world: World) -> None:
    answer = world.client.get(f"/stores/{STORE}/agent", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/stores/{STORE}/sign-in?next=%2Fstores%2F{STORE}%2Fagent"
