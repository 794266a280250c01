"""The store's outgoing mail (issue #11, item 6): the list and its filters, "send now" and
"retry" (audited), permissions; the worker then sends over a real in-process SMTP server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from seatledger.db.base import utcnow
from seatledger.db.models import AuditEvent, OutboxMessage
from seatledger.mail.outbox import queue_email
from seatledger.mail.sender import SmtpSender
from seatledger.mail.worker import FIRST_RETRY_DELAY, deliver_due
from tests import mail_fixtures
from tests.api.conftest import World, error_code
from tests.mail_fixtures import SmtpServer
from tests.processes import free_port

smtp_server = mail_fixtures.smtp_server

MAIL = "/outgoing-mail"


def queue(world: World, to: str, *, store_id: str | None = None) -> str:
    with world.database.write() as session:
        message = queue_email(
            session,
            store_id=store_id or world.store["id"],
            to=to,
            template="link_cancelled",
            context={"store_name": "Acme Training", "course_name": "Forklift Safety"},
        )
        session.flush()
        return message.id


def set_row(world: World, mail_id: str, **values: Any) -> None:
    with world.database.write() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == mail_id).values(**values))


def failing(world: World, to: str, *, attempts: int = 3, wait: timedelta | None = None) -> str:
    mail_id = queue(world, to)
    set_row(
        world,
        mail_id,
        attempts=attempts,
        last_error="SMTPRecipientsRefused: mailbox full",
        next_attempt_at=utcnow() + (wait or timedelta(hours=1)),
    )
    return mail_id


def listing(world: World, **params: Any) -> dict[str, Any]:
    response = world.client.get(world.url(MAIL), params=params, headers=world.owner.headers)
    return dict(world.ok(response))


def audit_actions(world: World, mail_id: str) -> list[AuditEvent]:
    with world.database.read() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.entity_id == mail_id).order_by(AuditEvent.id)
            )
        )


def test_the_list_shows_every_state_newest_first_and_filters(world: World) -> None:
    queued = queue(world, "queued.person@example.com")
    broken = failing(world, "broken.person@example.com")
    sent = queue(world, "done@example.com")
    set_row(world, sent, sent_at=utcnow(), attempts=1)

    everything = listing(world)
    by_state = {
        state: listing(world, state=state)["items"] for state in ("queued", "failing", "sent")
    }
    found = listing(world, recipient="PERSON@")["items"]

    assert [mail["id"] for mail in everything["items"]] == [sent, broken, queued]
    assert [mail["id"] for mail in by_state["queued"]] == [queued]
    assert [mail["id"] for mail in by_state["sent"]] == [sent]
    (failing_mail,) = by_state["failing"]
    assert failing_mail["id"] == broken
    assert failing_mail["last_error"] == "SMTPRecipientsRefused: mailbox full"
    assert failing_mail["attempts"] == 3 and failing_mail["next_attempt_at"] is not None
    assert by_state["sent"][0]["next_attempt_at"] is None
    assert {mail["to"] for mail in found} == {
        "queued.person@example.com",
        "broken.person@example.com",
    }
    assert "text_body" not in failing_mail and "html_body" not in failing_mail  # links stay out


def test_the_list_pages_with_a_cursor_and_a_search_is_not_a_pattern(world: World) -> None:
    ids = [queue(world, f"pat{index}@example.com") for index in range(5)]
    queue(world, "under_score@example.com")

    first = listing(world, limit=2, recipient="pat")
    second = listing(world, limit=2, recipient="pat", cursor=first["next_cursor"])

    assert [mail["id"] for mail in first["items"] + second["items"]] == ids[::-1][:4]
    assert listing(world, recipient="%")["items"] == []
    assert listing(world, recipient="e_a")["items"] == []  # '_' is not "any one character"
    assert [mail["to"] for mail in listing(world, recipient="r_s")["items"]] == [
        "under_score@example.com"
    ]


def test_send_now_makes_a_failing_mail_due_and_the_worker_sends_it(
    world: World, smtp_server: SmtpServer
) -> None:
    mail_id = failing(world, "learner@example.com")
    sender = SmtpSender(smtp_server.host, smtp_server.port)
    before = deliver_due(world.database, sender, mail_from="no-reply@example.com")
    received_before = list(smtp_server.received)

    answer = world.client.post(world.url(f"{MAIL}/{mail_id}/send-now"), headers=world.owner.headers)
    after = deliver_due(world.database, sender, mail_from="no-reply@example.com")

    assert before.sent == 0 and received_before == []  # it waited on its backoff
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "failing" and answer.json()["attempts"] == 3
    assert after.sent == 1
    (caught,) = smtp_server.wait_for_mail()
    assert caught.recipients == ["learner@example.com"]
    assert listing(world, state="sent")["items"][0]["id"] == mail_id
    (event,) = audit_actions(world, mail_id)
    assert (event.action, event.entity, event.store_id) == (
        "mail.sent_now",
        "mail",
        world.store["id"],
    )
    assert event.before is not None and event.before["attempts"] == 3
    again = world.client.post(world.url(f"{MAIL}/{mail_id}/send-now"), headers=world.owner.headers)
    assert again.status_code == 409 and error_code(again) == "mail_already_sent"


def test_send_now_on_a_queued_mail_keeps_it_queued_and_due(world: World) -> None:
    mail_id = queue(world, "learner@example.com")

    answer = world.client.post(world.url(f"{MAIL}/{mail_id}/send-now"), headers=world.owner.headers)

    assert answer.status_code == 200 and answer.json()["state"] == "queued"
    assert [event.action for event in audit_actions(world, mail_id)] == ["mail.sent_now"]


def test_retry_starts_a_failing_mails_backoff_over(world: World) -> None:
    mail_id = failing(world, "learner@example.com", attempts=9)
    queued = queue(world, "other@example.com")
    down = SmtpSender("127.0.0.1", free_port(), timeout=5)

    answer = world.client.post(world.url(f"{MAIL}/{mail_id}/retry"), headers=world.owner.headers)
    refused = world.client.post(world.url(f"{MAIL}/{queued}/retry"), headers=world.owner.headers)
    at = utcnow()
    report = deliver_due(world.database, down, mail_from="no-reply@example.com", now=at)

    assert answer.status_code == 200, answer.text
    assert (answer.json()["attempts"], answer.json()["state"]) == (0, "failing")
    assert answer.json()["last_error"]  # the reason stays in sight until it is sent
    assert refused.status_code == 409 and error_code(refused) == "mail_not_failing"
    assert report.failed == 2  # both were due; the server is down
    with world.database.read() as session:
        row = session.get(OutboxMessage, mail_id)
        assert row is not None
        assert row.attempts == 1 and row.next_attempt_at == at + FIRST_RETRY_DELAY
    (event,) = audit_actions(world, mail_id)
    assert event.action == "mail.retried"
    assert (event.before or {})["attempts"] == 9 and (event.after or {})["attempts"] == 0


def test_a_report_counts_mail_waiting_on_backoff_and_the_next_try(world: World) -> None:
    queue(world, "a@example.com")
    failing(world, "b@example.com", wait=timedelta(minutes=10))
    down = SmtpSender("127.0.0.1", free_port(), timeout=5)
    at = utcnow()

    report = deliver_due(world.database, down, mail_from="no-reply@example.com", now=at)

    assert (report.sent, report.failed, report.remaining_due) == (0, 1, 0)
    assert report.waiting == 2
    assert report.next_try_at == at + FIRST_RETRY_DELAY  # the one that just failed comes first


@pytest.mark.parametrize("action", ["send-now", "retry"])
def test_only_store_managers_see_and_act_and_other_stores_mail_is_not_found(
    world: World, action: str
) -> None:
    mail_id = failing(world, "learner@example.com")
    viewer = world.customer("viewer@example.com", permissions=["seats.manage", "audit.view"])
    manager = world.customer("boss@example.com", permissions=["store.manage"])
    other = world.ok(
        world.client.post(
            "/api/v1/stores", json={"slug": "other", "name": "Other"}, headers=world.owner.headers
        )
    )
    elsewhere = failing(world, "learner@example.com")
    set_row(world, elsewhere, store_id=other["id"])

    def post(person_headers: dict[str, str], target: str) -> Any:
        return world.client.post(world.url(f"{MAIL}/{target}/{action}"), headers=person_headers)

    assert world.client.get(world.url(MAIL), headers=viewer.headers).status_code == 403
    assert world.client.get(world.url(MAIL)).status_code == 401
    assert error_code(post(viewer.headers, mail_id)) == "permission_denied"
    assert post(manager.headers, elsewhere).status_code == 404
    assert post(manager.headers, "0" * 32).status_code == 404
    assert post(manager.headers, mail_id).status_code == 200
    ids = [
        m["id"]
        for m in world.ok(world.client.get(world.url(MAIL), headers=manager.headers))["items"]
    ]
    assert ids == [mail_id]
