"""The outgoing-mail page of the admin console and the demo's caught-mail pages, over
TestClient: states and filters, "send now" and "retry" as forms, who sees the tab, and the
caught mail shown as escaped text with clickable links (404 without the demo's catcher)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.mail.catcher import MailCatcher, caught_mail
from tests.api.conftest import STORE, World
from tests.api.test_outgoing_mail import failing, queue
from tests.waiting import wait_until
from tests.web.test_admin_orders import sign_in

PAGE = f"/stores/{STORE}/admin/mail"


def test_the_page_lists_mail_by_state_and_filters_by_recipient(world: World) -> None:
    queue(world, "queued@example.com")
    failing(world, "stuck@example.com")
    sign_in(world.client, world.customer("boss@example.com", permissions=["store.manage"]))

    everything = world.client.get(PAGE)
    stuck = world.client.get(PAGE, params={"state": "failing"}).text
    searched = world.client.get(PAGE, params={"recipient": "QUEUED"}).text

    assert everything.status_code == 200
    assert "queued@example.com" in everything.text and "stuck@example.com" in everything.text
    assert "SMTPRecipientsRefused: mailbox full" in stuck and "queued@example.com" not in stuck
    assert "queued@example.com" in searched and "stuck@example.com" not in searched
    assert 'aria-current="page">Outgoing mail<' in everything.text


def test_send_now_and_retry_are_forms_that_say_what_happened(world: World) -> None:
    mail_id = failing(world, "stuck@example.com")
    token = sign_in(world.client, world.customer("boss@example.com", permissions=["store.manage"]))

    page = world.client.get(PAGE).text
    sent_now = world.client.post(f"{PAGE}/{mail_id}/send-now", data={"csrf_token": token})
    retried = world.client.post(f"{PAGE}/{mail_id}/retry", data={"csrf_token": token})
    no_csrf = world.client.post(f"{PAGE}/{mail_id}/retry")

    assert f"{PAGE}/{mail_id}/send-now" in page and f"{PAGE}/{mail_id}/retry" in page
    assert "The mail to stuck@example.com is due now" in sent_now.text
    assert "is retried now, its backoff started over" in retried.text
    assert no_csrf.status_code == 403


def test_the_tab_and_the_page_are_for_store_managers_only(world: World) -> None:
    queue(world, "queued@example.com")
    sign_in(world.client, world.customer("viewer@example.com", permissions=["audit.view"]))

    overview = world.client.get(f"/stores/{STORE}/admin/audit").text
    page = world.client.get(PAGE)

    assert f'href="{PAGE}"' not in overview
    assert page.status_code == 403 and "queued@example.com" not in page.text


def test_the_caught_mail_pages_are_not_found_without_the_demo_catcher(world: World) -> None:
    assert world.client.get("/demo/mail").status_code == 404
    assert world.client.get("/demo/mail/1.M1P1Q1.host").status_code == 404
    assert "Caught mail (demo)" not in world.client.get(f"/stores/{STORE}").text


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    running = MailCatcher(tmp_path)  # a folder that exists already, as the demo's does
    running.start()
    yield running
    running.stop()


@pytest.fixture
def demo_client(database: Database, catcher: MailCatcher) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database.url, secret_key="test-secret", demo_mail_dir=str(catcher.directory)
    )
    with TestClient(create_app(settings, database=database)) as client:
        yield client


def send(catcher: MailCatcher, subject: str, text: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "no-reply@x.test", "zoe@x.test", subject
    message.set_content(text)
    message.add_alternative("<p onclick='alert(1)'>HTML is never shown</p>", subtype="html")
    with smtplib.SMTP(catcher.host, catcher.port, timeout=10) as smtp:
        smtp.send_message(message)


def test_caught_mail_is_listed_newest_first_and_shown_as_text_with_links(
    demo_client: TestClient, catcher: MailCatcher
) -> None:
    send(catcher, "First", "hello")
    send(
        catcher,
        "Your seat <b>here</b>",
        "Open https://shop.test/redeem/abc_D-1. <script>x</script>",
    )
    wait_until(lambda: len(caught_mail(catcher.directory)) == 2, what="two caught mails")

    listing = demo_client.get("/demo/mail")
    newest, oldest = caught_mail(catcher.directory)
    shown = demo_client.get(f"/demo/mail/{newest.key}")

    assert listing.status_code == 200
    assert listing.text.index("Your seat &lt;b&gt;here&lt;/b&gt;") < listing.text.index("First")
    assert oldest.subject == "First"
    assert '<a href="https://shop.test/redeem/abc_D-1">https://shop.test/redeem/abc_D-1</a>.' in (
        shown.text
    )
    assert "&lt;script&gt;x&lt;/script&gt;" in shown.text and "<script>x" not in shown.text
    assert "HTML is never shown" not in shown.text
    assert demo_client.get("/demo/mail/../../etc/passwd").status_code == 404
    assert demo_client.get("/demo/mail/nosuchkey").status_code == 404
    assert 'href="/demo/mail">Caught mail (demo)<' in demo_client.get(f"/stores/{STORE}").text
