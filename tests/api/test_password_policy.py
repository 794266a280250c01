"""Rule 47's password policy where a password is chosen: sign-up (API and page) and
``create-owner``. A refusal is 422 ``weak_password`` with the reason, and nothing is made."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seatledger.db.models import User
from seatledger.domain.errors import Invalid
from seatledger.services.people import accounts
from tests.api.conftest import PASSWORD, STORE, World, error_code
from tests.web.test_admin_orders import csrf

EMAIL = "new.person@example.com"
WEAK = {
    "password": "at least 10 characters",
    "12345678": "at least 10 characters",
    "aaaaaaaa": "at least 10 characters",
    " " * 8: "at least 10 characters",
    "nine-char": "at least 10 characters",
    "a" * 1025: "at most 1024 characters",
    "aaaaaaaaaaaa": "repeats the same few characters",
    "password1234": "commonly used passwords",
    EMAIL: "your email address",
    "New.Person": "your email address",
    "Acme Training": "the store's name",
    "acme-training": "the store's name",
}


def users(world: World) -> int:
    with world.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def sign_up(world: World, password: str, email: str = EMAIL):  # type: ignore[no-untyped-def]
    return world.client.post(
        world.url("/customers"), json={"email": email, "name": "New Person", "password": password}
    )


@pytest.mark.parametrize("password", list(WEAK), ids=lambda p: repr(p[:16]))
def test_sign_up_refuses_each_weak_password_saying_why(world: World, password: str) -> None:
    before = (users(world), world.audit_count())

    response = sign_up(world, password)

    assert response.status_code == 422
    if len(password) > 1024:  # the schema's bound: refused before the policy is asked
        assert error_code(response) == "validation_error"
    else:
        assert error_code(response) == "weak_password"
        assert WEAK[password] in response.json()["error"]["message"]
    assert (users(world), world.audit_count()) == before


def test_sign_up_accepts_a_long_uncommon_password(world: World) -> None:
    response = sign_up(world, "ten chars!")

    assert response.status_code == 201
    assert world.token_for(EMAIL, "ten chars!")


def test_a_user_of_another_store_joins_with_an_older_shorter_password(world: World) -> None:
    """The policy judges passwords being chosen; an existing account's is only compared."""
    kim = world.customer("kim@example.com")
    with world.database.write() as session:
        user = session.scalar(select(User).where(User.email == kim.email))
        assert user is not None
        user.password_hash = accounts.hash_password("old-8chr")
    world.client.post(
        "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
    )

    response = world.client.post(
        "/api/v1/stores/other/customers",
        json={"email": kim.email, "name": "Kim", "password": "old-8chr"},
    )

    assert response.status_code == 201


def test_the_schema_shows_the_length_of_a_new_password(world: World) -> None:
    schemas = world.client.get("/openapi.json").json()["components"]["schemas"]

    field = schemas["CustomerCreate"]["properties"]["password"]
    assert (field["minLength"], field["maxLength"]) == (10, 1024)
    assert schemas["TokenCreate"]["properties"]["password"]["minLength"] == 1  # old ones sign in


def test_the_sign_up_page_refuses_a_weak_password_with_the_sentence(world: World) -> None:
    response = world.client.post(
        f"/stores/{STORE}/sign-up",
        data={
            "email": EMAIL,
            "name": "New Person",
            "password": "Acme Training",
            "csrf_token": csrf(world.client),
        },
        follow_redirects=False,
    )

    assert response.status_code == 422
    assert "The password may not be the store&#39;s name" in response.text
    assert users(world) == 1  # the owner only


def test_create_owner_refuses_a_weak_password(world: World) -> None:
    with pytest.raises(Invalid) as refused:
        accounts.create_owner(world.database, email="root@example.com", password="12345678")

    assert refused.value.code == "weak_password"
    accounts.create_owner(world.database, email="root@example.com", password=PASSWORD)
