"""Changing one's password (rules 47-48): POST /api/v1/auth/password and the page.

The new password passes the policy; every other token and session of the person is
revoked, and the one the change came with stays signed in.
"""

from __future__ import annotations

from sqlalchemy import select

from seatledger.db.models import AuditEvent, User
from tests.api.conftest import PASSWORD, STORE, World, error_code
from tests.api.test_tokens import works
from tests.web.test_admin_orders import sign_in

PASSWORD_URL = "/api/v1/auth/password"
NEW = "a brand new passphrase"


def password_hash(world: World, email: str) -> str:
    with world.database.read() as session:
        return str(session.scalar(select(User.password_hash).where(User.email == email)))


def test_changing_the_password_revokes_the_other_tokens_and_keeps_the_current(
    world: World,
) -> None:
    person, other = world.customer(), world.customer()
    spare = world.token_for(person.email)
    sign_in(world.client, person)

    answer = world.client.post(
        PASSWORD_URL,
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=person.headers,
    )

    assert answer.status_code == 200
    assert answer.json() == {"revoked": 2}
    assert works(world, person.token)
    assert not works(world, spare)
    assert "Sign out" not in world.client.get(f"/stores/{STORE}").text
    assert works(world, other.token)
    assert world.token_for(person.email, NEW)
    refused = world.client.post(
        "/api/v1/auth/token", json={"email": person.email, "password": PASSWORD}
    )
    assert refused.status_code == 401
    with world.database.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.password_changed")
        ).one()
    assert (event.store_id, event.entity, event.after) == (None, "user", {"revoked": 2})


def test_a_wrong_current_password_is_refused_and_changes_nothing(world: World) -> None:
    person = world.customer()
    spare = world.token_for(person.email)
    before = (password_hash(world, person.email), world.audit_count())

    answer = world.client.post(
        PASSWORD_URL,
        json={"current_password": "not-the-password", "new_password": NEW},
        headers=person.headers,
    )

    assert (answer.status_code, error_code(answer)) == (403, "wrong_password")
    assert (password_hash(world, person.email), world.audit_count()) == before
    assert works(world, spare)


def test_a_weak_new_password_is_refused_and_changes_nothing(world: World) -> None:
    person = world.customer("kim.lee@example.com")
    spare = world.token_for(person.email)
    before = (password_hash(world, person.email), world.audit_count())

    answers = [
        world.client.post(
            PASSWORD_URL,
            json={"current_password": PASSWORD, "new_password": weak},
            headers=person.headers,
        )
        for weak in ("password", "iloveyou123", "kim.lee@example.com", "Acme Training")
    ]

    assert [a.status_code for a in answers] == [422] * 4
    assert {error_code(a) for a in answers} == {"weak_password"}
    assert (password_hash(world, person.email), world.audit_count()) == before
    assert works(world, spare)


def test_changing_the_password_needs_a_token(world: World) -> None:
    answer = world.client.post(
        PASSWORD_URL, json={"current_password": PASSWORD, "new_password": NEW}
    )

    assert (answer.status_code, error_code(answer)) == (401, "not_authenticated")


def test_the_page_changes_the_password_and_keeps_this_session(world: World) -> None:
    person = world.customer()
    signed_in_page = sign_in(world.client, person)

    form = world.client.get(f"/stores/{STORE}/password")
    answer = world.client.post(
        f"/stores/{STORE}/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW,
            "new_password_again": NEW,
            "csrf_token": signed_in_page,
        },
    )

    assert form.status_code == 200 and "Change your password" in form.text
    assert answer.status_code == 200
    assert "Your password is changed; 1 other session or API token signed out." in answer.text
    assert "Sign out" in answer.text
    assert not works(world, person.token)
    assert world.token_for(person.email, NEW)


def test_the_page_shows_why_a_new_password_is_refused(world: World) -> None:
    person = world.customer()
    token = sign_in(world.client, person)
    fields = {"current_password": PASSWORD, "csrf_token": token}

    weak = world.client.post(
        "/password", data={**fields, "new_password": "password", "new_password_again": "password"}
    )
    differ = world.client.post(
        "/password", data={**fields, "new_password": NEW, "new_password_again": NEW + "!"}
    )

    assert weak.status_code == 422 and "at least 10 characters" in weak.text
    assert differ.status_code == 422 and "The two new passwords differ" in differ.text
    assert works(world, person.token)


def test_the_page_sends_a_visitor_to_sign_in(world: World) -> None:
    answer = world.client.get(f"/stores/{STORE}/password", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"/stores/{STORE}/sign-in?next=")
