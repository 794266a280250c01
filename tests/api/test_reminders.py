"""Rule 33: reminders of unredeemed links and agents' daily expiry warnings, driven by an
injected clock (``now=``), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from seatledger.db.base import utcnow
from seatledger.mail.sender import SmtpSender
from seatledger.mail.worker import deliver_due
from seatledger.services.seating.expiry import expire_due
from seatledger.services.seating.reminders import remind_due
from tests import mail_fixtures
from tests.api.conftest import World
from tests.mail_fixtures import SmtpServer

smtp_server = mail_fixtures.smtp_server
LEARNER = "learner@example.com"


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    world.product("PY101")
    east = world.group("East")
    agent = world.customer("east@example.com", agent_of=(east["id"],))
    world.order(agent, east["id"], quantity=3)
    return {"east": east, "agent": agent, "seats": [s["id"] for s in world.seats(agent)]}


def send_link(world: World, shop: dict[str, Any], email: str = LEARNER, seat: int = 0) -> str:
    world.ok(
        world.act(shop["agent"], shop["seats"][seat], "redemption-link", {"email": email}), 200
    )
    return shop["seats"][seat]


def reminders(world: World, email: str = LEARNER) -> list[Any]:
    return [m for m in world.mails_to(email) if m.template == "link_reminder"]


def days_later(days: float) -> datetime:
    return utcnow() + timedelta(days=days)


def test_a_link_gets_its_day_7_and_day_21_reminders_once_each(world: World, shop: dict) -> None:
    send_link(world, shop)

    counts = []
    for day in (1, 6.9, 7.1, 7.2, 8, 20, 21.1, 21.5, 25, 29):
        remind_due(world.database, now=days_later(day))
        remind_due(world.database, now=days_later(day))  # a second pass finds nothing more
        counts.append(len(reminders(world)))

    assert counts == [0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    first, _ = reminders(world)
    assert first.subject == "Reminder: your seat in Course PY101 is waiting"
    assert "/redeem/" not in first.text_body
    assert first.to_address == LEARNER and first.store_id == world.store["id"]


def test_a_pass_that_ran_late_sends_one_reminder_not_one_per_missed_day(
    world: World, shop: dict
) -> None:
    send_link(world, shop)

    report = remind_due(world.database, now=days_later(22))
    again = remind_due(world.database, now=days_later(23.5))

    assert (report.reminders_sent, again.reminders_sent) == (1, 0)
    assert len(reminders(world)) == 1


def test_two_passes_at_once_send_each_reminder_once(world: World, shop: dict) -> None:
    for index in range(3):
        send_link(world, shop, f"learner{index}@example.com", seat=index)
    now = days_later(7.5)
    barrier = threading.Barrier(4)
    sent: list[int] = []

    def run() -> None:
        barrier.wait()
        sent.append(remind_due(world.database, now=now).reminders_sent)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == 3
    assert [len(reminders(world, f"learner{i}@example.com")) for i in range(3)] == [1, 1, 1]


def test_redemption_cancel_and_expiry_stop_reminders(world: World, shop: dict) -> None:
    learner = world.customer(LEARNER)
    send_link(world, shop, LEARNER, seat=0)
    cancelled = send_link(world, shop, "cancelled@example.com", seat=1)
    send_link(world, shop, "late@example.com", seat=2)
    token = world.link_token(LEARNER)
    world.ok(world.client.post(f"/api/v1/redeem/{token}", json={}, headers=learner.headers))
    world.ok(
        world.client.delete(
            world.url(f"/seats/{cancelled}/redemption-link"), headers=shop["agent"].headers
        )
    )

    remind_due(world.database, now=days_later(7.5))
    expire_due(world.database, now=days_later(31))
    remind_due(world.database, now=days_later(31))

    assert reminders(world, LEARNER) == []
    assert reminders(world, "cancelled@example.com") == []
    assert len(reminders(world, "late@example.com")) == 2 - 1  # day 7; day 21 ...
    # ... was not reached before expiry in this run: no pass ran between day 21 and day 30,
    # and at day 31 the link had expired, so nothing more is sent.


def test_a_resend_starts_the_reminders_again_from_the_resend(world: World, shop: dict) -> None:
    seat = send_link(world, shop)
    remind_due(world.database, now=days_later(7.5))
    assert len(reminders(world)) == 1

    world.ok(world.act(shop["agent"], seat, "redemption-link/resend"), 200)
    remind_due(world.database, now=days_later(6.9))  # 6.9 days after the resend too: nothing
    remind_due(world.database, now=days_later(7.5))

    assert len(reminders(world)) == 2


def test_the_store_setting_chooses_the_days_and_empty_turns_them_off(
    world: World, shop: dict
) -> None:
    world.settings(link_reminder_days=[2])
    send_link(world, shop, "two@example.com", seat=0)
    remind_due(world.database, now=days_later(2.5))
    world.settings(link_reminder_days=[])
    send_link(world, shop, "none@example.com", seat=1)
    remind_due(world.database, now=days_later(8))
    remind_due(world.database, now=days_later(22))

    assert len(reminders(world, "two@example.com")) == 1
    assert reminders(world, "none@example.com") == []
    refused = world.client.patch(
        world.url(""), json={"settings": {"link_reminder_days": [0]}}, headers=world.owner.headers
    )
    assert refused.status_code == 422


def test_agents_get_one_warning_a_day_summarising_what_expires(world: World, shop: dict) -> None:
    world.settings(seat_redeem_within_days=10, redemption_link_ttl_days=30)
    world.order(shop["agent"], shop["east"]["id"], quantity=40)  # expire on day 10
    for index in range(2):
        send_link(world, shop, f"learner{index}@example.com", seat=index)  # expire on day 30
    agent = shop["agent"].email

    def warnings() -> list[Any]:
        return [m for m in world.mails_to(agent) if m.template == "expiry_warning"]

    remind_due(world.database, now=days_later(6))  # nothing within 3 days yet
    assert warnings() == []
    day_8 = days_later(8)
    remind_due(world.database, now=day_8.replace(hour=0, minute=30))
    remind_due(world.database, now=day_8.replace(hour=23, minute=30))  # same day: no more
    assert len(warnings()) == 1
    assert "40 unassigned seats of East" in warnings()[0].text_body
    assert "redemption link" not in warnings()[0].text_body

    remind_due(world.database, now=days_later(28))  # links due on day 30; seats long gone
    assert len(warnings()) == 2
    assert "2 redemption links you sent" in warnings()[1].text_body
    assert "unassigned seats" not in warnings()[1].text_body

    world.settings(expiry_warning_days=0)
    remind_due(world.database, now=days_later(29.5))
    assert len(warnings()) == 2


def test_reminders_and_warnings_reach_smtp_through_the_worker(
    world: World, shop: dict, smtp_server: SmtpServer
) -> None:
    send_link(world, shop)
    sender = SmtpSender(smtp_server.host, smtp_server.port)
    deliver_due(world.database, sender, mail_from="no-reply@example.com")  # the link itself

    remind_due(world.database, now=days_later(27.5))  # the day-21 reminder and the warning
    report = deliver_due(world.database, sender, mail_from="no-reply@example.com")

    assert report.sent == 2
    received = {m.recipients[0]: m.message for m in smtp_server.received[1:]}
    assert set(received) == {LEARNER, shop["agent"].email}
    assert received[LEARNER]["Subject"] == "Reminder: your seat in Course PY101 is waiting"
    assert (
        "1 redemption link you sent"
        in received[shop["agent"].email].get_body(preferencelist=("plain",)).get_content()
    )


def test_the_pass_walks_the_links_in_batches(
    world: World, shop: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seatledger.services.seating import reminders as module

    monkeypatch.setattr(module, "BATCH", 2)
    for index in range(3):
        send_link(world, shop, f"learner{index}@example.com", seat=index)

    report = remind_due(world.database, now=days_later(7.5))

    assert report.reminders_sent == 3
    assert [len(reminders(world, f"learner{i}@example.com")) for i in range(3)] == [1, 1, 1]
