"""Rule 48's browser sessions: the cookie holds an opaque session id, never an API token.

The cookie is signed, not encrypted, so these tests read it the way anyone holding it could
(base64 of JSON before the first dot) and try what they find as a bearer token.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import itsdangerous
from sqlalchemy import select, update

from seatledger.db.base import utcnow
from seatledger.db.models import ApiToken, User
from seatledger.domain.tokens import hash_token
from seatledger.web.session import SESSION_COOKIE
from tests.api.conftest import STORE, Person, World, error_code
from tests.web.test_admin_orders import csrf, sign_in

SECRET = "test-secret"  # the client fixture's SEATLEDGER_SECRET_KEY


def cookie_contents(world: World) -> dict[str, Any]:
    """What anyone holding the cookie reads from it: no key needed."""
    payload = world.client.cookies[SESSION_COOKIE].split(".", 1)[0]
    return dict(json.loads(base64.b64decode(payload)))


def forged_cookie(contents: dict[str, Any]) -> str:
    """A cookie signed with the real key (the worst case: the key leaked too)."""
    data = base64.b64encode(json.dumps(contents).encode())
    return itsdangerous.TimestampSigner(SECRET).sign(data).decode()


def credentials(world: World, person: Person, kind: str) -> list[ApiToken]:
    with world.database.read() as session:
        return list(
            session.scalars(
                select(ApiToken)
                .join(User, User.id == ApiToken.user_id)
                .where(User.email == person.email, ApiToken.kind == kind)
            )
        )


def is_signed_in(world: World) -> bool:
    return "Sign out" in world.client.get(f"/stores/{STORE}").text


def test_the_cookie_holds_a_session_id_stored_only_as_its_hash(world: World) -> None:
    person = world.customer()

    sign_in(world.client, person)

    contents = cookie_contents(world)
    assert set(contents) == {"sid", "csrf"}
    [row] = credentials(world, person, "session")
    assert row.token_hash == hash_token(contents["sid"]) != contents["sid"]
    assert is_signed_in(world)


def test_nothing_in_the_cookie_works_as_a_bearer_token(world: World) -> None:
    person = world.customer()
    sign_in(world.client, person)

    answers = [
        world.client.get(world.url("/me"), headers={"Authorization": f"Bearer {value}"})
        for value in cookie_contents(world).values()
    ]

    assert [answer.status_code for answer in answers] == [401, 401]
    assert {error_code(answer) for answer in answers} == {"invalid_token"}


def test_an_api_token_put_in_the_cookie_signs_nobody_in(world: World) -> None:
    person = world.customer()

    for contents in ({"sid": person.token}, {"token": person.token}):  # new and old field
        world.client.cookies.set(SESSION_COOKIE, forged_cookie(contents))
        assert not is_signed_in(world), contents


def test_signing_out_deletes_the_session_row_and_a_replayed_cookie_is_dead(world: World) -> None:
    person = world.customer()
    sign_in(world.client, person)
    stolen = world.client.cookies[SESSION_COOKIE]

    world.client.post("/sign-out", data={"csrf_token": csrf(world.client)})

    assert credentials(world, person, "session") == []
    assert len(credentials(world, person, "api")) == 1  # the builder's API token stays
    world.client.cookies.set(SESSION_COOKIE, stolen)
    assert not is_signed_in(world)


def test_an_expired_session_is_signed_out(world: World) -> None:
    person = world.customer()
    sign_in(world.client, person)
    with world.database.write() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.kind == "session")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    assert not is_signed_in(world)


def test_a_wrong_password_starts_no_session(world: World) -> None:
    person = world.customer()

    answer = world.client.post(
        f"/stores/{STORE}/sign-in",
        data={
            "email": person.email,
            "password": "wrong-password",
            "csrf_token": csrf(world.client),
        },
    )

    assert answer.status_code == 401
    assert credentials(world, person, "session") == []


def test_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    person = world.customer()
    world.client.get(world.url("/me"), headers=person.headers)
    [first] = credentials(world, person, "api")

    world.client.get(world.url("/me"), headers=person.headers)
    [same] = credentials(world, person, "api")
    with world.database.write() as session:
        session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(minutes=2)))
    world.client.get(world.url("/me"), headers=person.headers)
    [later] = credentials(world, person, "api")

    assert first.last_used_at is not None
    assert same.last_used_at == first.last_used_at
    assert later.last_used_at is not None and later.last_used_at > utcnow() - timedelta(minutes=1)
