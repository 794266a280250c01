from __future__ import annotations

from datetime import datetime, timedelta

from seatledger.db.base import utcnow
from seatledger.db.models import ApiToken
from seatledger.services.people import passwords
from tests.api.conftest import PASSWORD, World, error_code


def test_token_is_issued_for_the_right_pair_and_stored_only_as_a_hash(world: World) -> None:
    response = world.client.post(
        "/api/v1/auth/token", json={"email": "OWNER@example.com", "password": PASSWORD}
    )

    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) >= 40
    with world.database.read() as session:
        stored = [row.token_hash for row in session.query(ApiToken)]
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_wrong_password_and_unknown_email_are_refused_alike(world: World) -> None:
    wrong = world.client.post(
        "/api/v1/auth/token", json={"email": "owner@example.com", "password": "nope-nope"}
    )
    unknown = world.client.post(
        "/api/v1/auth/token", json={"email": "ghost@example.com", "password": "nope-nope"}
    )

    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert error_code(wrong) == error_code(unknown) == "invalid_credentials"
    assert wrong.json() == unknown.json()


def test_unknown_email_still_runs_a_full_password_verification(world: World, monkeypatch) -> None:
    verified: list[str] = []
    real_hasher = passwords._hasher

    class CountingHasher:
        def verify(self, hash_: str, password: str) -> bool:
            verified.append(hash_)
            return real_hasher.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    world.client.post(
        "/api/v1/auth/token", json={"email": "ghost@example.com", "password": "whatever1"}
    )

    assert verified == [passwords._DUMMY_HASH]


def test_expired_token_is_refused(world: World) -> None:
    person = world.customer()
    with world.database.write() as session:
        for row in session.query(ApiToken):
            row.expires_at = utcnow() - timedelta(seconds=1)

    response = world.client.get(world.url("/me"), headers=person.headers)

    assert response.status_code == 401
    assert error_code(response) == "invalid_token"
    assert response.headers["www-authenticate"] == "Bearer"


def test_garbage_and_non_bearer_tokens_are_refused(world: World) -> None:
    for header in ("Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "):
        response = world.client.get(world.url("/me"), headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_code(response) in {"invalid_token", "not_authenticated"}


def test_missing_token_asks_to_sign_in(world: World) -> None:
    response = world.client.get(world.url("/me"))

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_a_token_lives_a_week_by_default(world: World) -> None:
    response = world.client.post(
        "/api/v1/auth/token", json={"email": "owner@example.com", "password": PASSWORD}
    )

    expires_at = datetime.fromisoformat(response.json()["expires_at"])
    assert timedelta(days=7) - timedelta(minutes=5) < expires_at - utcnow() <= timedelta(days=7)
