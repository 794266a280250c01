from __future__ import annotations

import pytest

from tests.api.conftest import World, error_code


def test_malformed_json_is_a_bad_request(world: World) -> None:
    response = world.client.post(
        world.url("/groups"),
        content=b'{"name": ',
        headers={**world.owner.headers, "content-type": "application/json"},
    )

    assert (response.status_code, error_code(response)) == (400, "malformed_json")


def test_missing_body_is_a_bad_request(world: World) -> None:
    response = world.client.post(world.url("/groups"), headers=world.owner.headers)

    assert (response.status_code, error_code(response)) == (400, "body_required")


def test_unknown_route_answers_json_404(world: World) -> None:
    response = world.client.get("/api/v1/nothing-here")

    assert (response.status_code, error_code(response)) == (404, "not_found")


def test_wrong_method_answers_json_405(world: World) -> None:
    response = world.client.put("/api/v1/auth/token", json={})

    assert (response.status_code, error_code(response)) == (405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": 5},
        {"name": "x" * 201},
        {"name": "ok", "extra": 1},
        {"name": "ok", "code": "bad code"},
    ],
)
def test_invalid_values_are_422_and_write_nothing(world: World, body: dict) -> None:
    before = world.audit_count()

    response = world.client.post(world.url("/groups"), json=body, headers=world.owner.headers)

    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert world.audit_count() == before
    assert world.client.get(world.url("/groups"), headers=world.owner.headers).json()["items"] == []


def test_openapi_documents_every_endpoint(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    paths = spec["paths"]

    expected = {
        ("post", "/api/v1/auth/token"),
        ("post", "/api/v1/stores"),
        ("get", "/api/v1/stores/{store}"),
        ("patch", "/api/v1/stores/{store}"),
        ("post", "/api/v1/stores/{store}/customers"),
        ("get", "/api/v1/stores/{store}/customers"),
        ("get", "/api/v1/stores/{store}/me"),
        ("put", "/api/v1/stores/{store}/admins/{customer_id}"),
        ("get", "/api/v1/stores/{store}/customers/{customer_id}/purchasing-groups"),
        ("post", "/api/v1/stores/{store}/groups"),
        ("get", "/api/v1/stores/{store}/groups"),
        ("get", "/api/v1/stores/{store}/groups/{group_id}"),
        ("patch", "/api/v1/stores/{store}/groups/{group_id}"),
        ("put", "/api/v1/stores/{store}/groups/{group_id}/agents/{customer_id}"),
        ("delete", "/api/v1/stores/{store}/groups/{group_id}/agents/{customer_id}"),
        ("get", "/api/v1/stores/{store}/groups/{group_id}/agents"),
        ("get", "/api/v1/stores/{store}/audit"),
    }
    documented = {(method, path) for path, item in paths.items() for method in item}
    assert expected <= documented
    for method, path in expected:
        responses = paths[path][method]["responses"]
        assert {"401", "404", "422"} <= set(responses), (method, path)


def test_text_with_a_nul_character_is_refused_alike_on_both_databases(world: World) -> None:
    before = world.audit_count()

    response = world.client.post(
        world.url("/groups"), json={"name": "nul\x00byte"}, headers=world.owner.headers
    )
    lookup = world.client.get("/api/v1/stores/ac%00me", headers=world.owner.headers)

    assert (response.status_code, error_code(response)) == (422, "invalid_text")
    assert response.json()["error"]["fields"][0]["field"] == "name"
    assert (lookup.status_code, error_code(lookup)) == (422, "invalid_slug")
    assert world.audit_count() == before
