"""Rule 48: people list and revoke their own tokens and sessions; an admin with
``store.manage`` signs a customer out everywhere."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from seatledger.db.base import utcnow
from seatledger.db.models import ApiToken, AuditEvent
from tests.api.conftest import PASSWORD, STORE, Person, World, error_code
from tests.web.test_admin_orders import sign_in

TOKENS = "/api/v1/auth/tokens"
FIELDS = {"id", "kind", "created_at", "expires_at", "last_used_at", "current"}


def works(world: World, token: str) -> bool:
    answer = world.client.get(TOKENS, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def token_rows(world: World) -> int:
    with world.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(ApiToken)) or 0)


def test_a_person_lists_their_own_tokens_and_sessions_without_secrets(world: World) -> None:
    person = world.customer()
    second = world.token_for(person.email)
    sign_in(world.client, person)  # a browser session
    world.customer()  # someone else's token is not listed

    answer = world.client.get(TOKENS, headers=person.headers)

    assert answer.status_code == 200
    body = answer.json()
    assert body["next_cursor"] is None
    assert all(set(item) == FIELDS for item in body["items"])
    assert sorted(item["kind"] for item in body["items"]) == ["api", "api", "session"]
    assert [item["current"] for item in body["items"]] == [True, False, False]
    assert person.token not in answer.text and second not in answer.text
    with world.database.read() as session:
        assert not any(h in answer.text for h in session.scalars(select(ApiToken.token_hash)))


def test_the_list_pages_and_leaves_out_expired_tokens(world: World) -> None:
    person = world.customer()
    world.token_for(person.email)
    world.token_for(person.email)
    with world.database.write() as session:
        oldest = session.scalars(select(ApiToken.id).order_by(ApiToken.id)).all()[-3]
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == oldest)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    fresh = world.token_for(person.email)
    headers = {"Authorization": f"Bearer {fresh}"}

    first = world.ok(world.client.get(TOKENS, params={"limit": 2}, headers=headers))
    rest = world.ok(
        world.client.get(TOKENS, params={"cursor": first["next_cursor"]}, headers=headers)
    )

    listed = [item["id"] for item in first["items"] + rest["items"]]
    assert len(listed) == 3 and oldest not in listed
    assert rest["next_cursor"] is None


MISSING = "0" * 32  # shaped like an id, but no token has it


def test_the_token_calls_need_a_token(world: World) -> None:
    answers = [
        world.client.get(TOKENS),
        world.client.delete(TOKENS),
        world.client.delete(f"{TOKENS}/{MISSING}"),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401]
    assert {error_code(a) for a in answers} == {"not_authenticated"}


def test_revoking_one_token_kills_it_and_keeps_the_others(world: World) -> None:
    person = world.customer()
    spare = world.token_for(person.email)
    listed = world.ok(world.client.get(TOKENS, headers=person.headers))["items"]
    spare_id = next(item["id"] for item in listed if not item["current"])

    answer = world.client.delete(f"{TOKENS}/{spare_id}", headers=person.headers)

    assert answer.status_code == 204
    assert not works(world, spare)
    assert works(world, person.token)


def test_revoking_the_current_token_signs_that_token_out(world: World) -> None:
    person = world.customer()
    [mine] = world.ok(world.client.get(TOKENS, headers=person.headers))["items"]

    answer = world.client.delete(f"{TOKENS}/{mine['id']}", headers=person.headers)

    assert answer.status_code == 204
    assert not works(world, person.token)


def test_someone_elses_token_is_not_found_and_stays_alive(world: World) -> None:
    person, other = world.customer(), world.customer()
    [theirs] = world.ok(world.client.get(TOKENS, headers=other.headers))["items"]
    before = token_rows(world)

    answers = [
        world.client.delete(f"{TOKENS}/{theirs['id']}", headers=person.headers),
        world.client.delete(f"{TOKENS}/{MISSING}", headers=person.headers),
    ]

    assert [a.status_code for a in answers] == [404, 404]
    assert {error_code(a) for a in answers} == {"token_not_found"}
    assert (
        answers[0].json()["error"]["message"].replace(theirs["id"], MISSING)
        == (answers[1].json()["error"]["message"])
    )
    assert token_rows(world) == before
    assert works(world, other.token)


def test_revoking_all_ends_every_token_and_session_the_current_one_too(world: World) -> None:
    person, other = world.customer(), world.customer()
    spare = world.token_for(person.email)
    sign_in(world.client, person)

    answer = world.client.delete(TOKENS, headers=person.headers)

    assert answer.status_code == 200
    assert answer.json() == {"revoked": 3}
    assert not works(world, person.token) and not works(world, spare)
    assert "Sign out" not in world.client.get(f"/stores/{STORE}").text
    assert works(world, other.token)


# An admin signs a customer out -----------------------------------------------------------


def sessions_url(world: World, customer_id: str | None) -> str:
    return world.url(f"/customers/{customer_id}/sessions")


def test_an_admin_signs_a_customer_out_everywhere_and_it_is_audited(world: World) -> None:
    admin = world.customer(permissions=["store.manage"])
    customer = world.customer()
    spare = world.token_for(customer.email)
    sign_in(world.client, customer)

    answer = world.client.delete(sessions_url(world, customer.id), headers=admin.headers)

    assert answer.status_code == 200
    assert answer.json() == {"revoked": 3}
    assert not works(world, customer.token) and not works(world, spare)
    assert "Sign out" not in world.client.get(f"/stores/{STORE}").text
    assert works(world, admin.token)
    with world.database.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.sessions_revoked")
        ).one()
    assert (event.entity_id, event.actor_id, event.after) == (
        customer.id,
        admin.id,
        {"revoked": 3},
    )
    assert event.learner_email == customer.email


def test_signing_out_a_customer_needs_store_manage(world: World) -> None:
    viewer = world.customer(permissions=["groups.manage"])
    customer = world.customer()
    before = (token_rows(world), world.audit_count())

    answers = [
        world.client.delete(sessions_url(world, customer.id), headers=viewer.headers),
        world.client.delete(sessions_url(world, customer.id), headers=customer.headers),
        world.client.delete(sessions_url(world, customer.id)),
    ]

    assert [a.status_code for a in answers] == [403, 403, 401]
    assert (token_rows(world), world.audit_count()) == before
    assert works(world, customer.token)


def test_a_customer_of_another_store_is_not_found(world: World) -> None:
    admin = world.customer(permissions=["store.manage"])
    world.ok(
        world.client.post(
            "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
        )
    )
    stranger = world.ok(
        world.client.post(
            "/api/v1/stores/other/customers",
            json={"email": "x@example.com", "name": "X", "password": PASSWORD},
        )
    )
    stranger_token = world.token_for("x@example.com")
    before = (token_rows(world), world.audit_count())

    answer = world.client.delete(sessions_url(world, stranger["id"]), headers=admin.headers)

    assert (answer.status_code, error_code(answer)) == (404, "customer_not_found")
    assert (token_rows(world), world.audit_count()) == before
    assert works(world, stranger_token)


def test_only_an_owner_signs_an_owner_out(world: World) -> None:
    admin = world.customer(permissions=["store.manage"])
    owner_as_customer = world.ok(
        world.client.post(
            world.url("/customers"),
            json={"email": world.owner.email, "name": "Owner", "password": PASSWORD},
        )
    )
    owner = Person(email=world.owner.email, token=world.owner.token, id=owner_as_customer["id"])

    refused = world.client.delete(sessions_url(world, owner.id), headers=admin.headers)

    assert (refused.status_code, error_code(refused)) == (403, "permission_denied")
    assert works(world, owner.token)


def test_the_customers_page_signs_a_customer_out_everywhere(world: World) -> None:
    admin = world.customer("admin@example.com", permissions=["store.manage", "groups.view"])
    customer = world.customer()
    page_token = sign_in(world.client, admin)

    listing = world.client.get(f"/stores/{STORE}/admin/customers")
    answer = world.client.post(
        f"/stores/{STORE}/admin/customers/{customer.id}/sign-out",
        data={"csrf_token": page_token, "back": f"/stores/{STORE}/admin/customers"},
    )

    assert f"Sign out everywhere: {customer.email}" in listing.text
    assert answer.status_code == 200
    assert "Signed the customer out everywhere: 1 session(s) and API token(s) ended." in answer.text
    assert not works(world, customer.token)
