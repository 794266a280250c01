"""The demo alone, in a real browser: ``seatledger demo`` catches its own mail, an agent
emails a redemption link, a newcomer opens the caught mail, follows the link and redeems."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from seatledger.db.engine import Database
from seatledger.db.models import PurchasingGroup, Seat
from seatledger.demo import AGENT_EMAIL, DEMO_PASSWORD, DEMO_STORE
from tests.e2e.browser.conftest import PATIENCE_MS, playwright_api
from tests.e2e.browser.test_security_headers import watch
from tests.processes import HOST, free_port, running, seatledger, wait_for_answer, wait_for_output
from tests.waiting import wait_until

expect = playwright_api.expect


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database, Path]]:
    """``seatledger demo`` on a free port with two server processes (the catcher lives in the
    command's own process; the pages of both servers must read what it caught)."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    env = {
        **os.environ,
        "SEATLEDGER_DATABASE_URL": url,
        "SEATLEDGER_BASE_URL": base_url,
        "SEATLEDGER_SECRET_KEY": "demo-browser-test",
        "SEATLEDGER_SMTP_PORT": "1",  # the demo must ignore this and use its own catcher
    }
    log = folder / "demo.log"
    command = seatledger("demo", "--port", str(port), "--workers", "2")
    with running(command, env=env, log=log) as process:
        wait_for_output(process, log, f"{base_url}/demo/mail")  # the banner names the page
        wait_for_answer(process, log, f"{base_url}/healthz")
        database = Database(url)
        yield base_url, database, log
        database.dispose()


def available_engineering_seat(database: Database) -> tuple[str, str]:
    with database.read() as session:
        group = session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.code == "ACME-ENG"))
        seat = session.scalar(
            select(Seat.id)
            .where(Seat.owner_group_id == group, Seat.status == "available")
            .order_by(Seat.id)
        )
    assert seat is not None, "the demo has an available Engineering seat"
    return str(group), str(seat)


def test_a_newcomer_follows_a_redemption_link_from_the_demos_caught_mail(
    browser, demo: tuple[str, Database, Path]
) -> None:
    base_url, database, log = demo
    newcomer = "newcomer@example.com"
    group_id, seat_id = available_engineering_seat(database)
    contexts = [browser.new_context(base_url=base_url) for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(PATIENCE_MS)
    agent, page = (context.new_page() for context in contexts)  # the newcomer's own browser
    try:
        agent.goto(f"/stores/{DEMO_STORE}/sign-in")
        agent.get_by_label("Email").fill(AGENT_EMAIL)
        agent.get_by_label("Password").fill(DEMO_PASSWORD)
        agent.get_by_role("button", name="Sign in").click()
        agent.goto(f"/stores/{DEMO_STORE}/agent/seats?group={group_id}&status=available")
        row = agent.locator(f"#seat-{seat_id}")
        row.get_by_text("Assign…").click()
        row.get_by_label("Learner email").fill(newcomer)
        row.get_by_role("button", name="Email a redemption link").click()
        expect(agent.get_by_text(f"A redemption link is on its way to {newcomer}.")).to_be_visible()

        watched = watch(page)  # the caught mail pages hold under the pages' strict CSP
        page.goto(f"/stores/{DEMO_STORE}")
        page.get_by_role("link", name="Caught mail (demo)").click()
        subject = page.get_by_role("row", name=re.compile(newcomer)).get_by_role("link")

        def arrived() -> bool:
            if subject.count():
                return True
            page.reload()  # the mail worker hands it to the catcher within seconds
            return False

        wait_until(arrived, what=f"the mail to {newcomer} on /demo/mail", detail=log.read_text)
        subject.first.click()
        link = page.locator("pre.mail-text a[href*='/redeem/']")
        expect(link).to_be_visible()
        assert watched.collect() == []
        link.click()

        expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}/redeem/[A-Za-z0-9_-]+$"))
        expect(page.get_by_role("heading", name=re.compile("^A seat in "))).to_be_visible()
        page.get_by_role("link", name="Create my account").click()
        page.get_by_label("Email").fill(newcomer)
        page.get_by_label("Your name").fill("Nia Newcomer")
        page.get_by_label("Password").fill("a-long-password")
        page.get_by_role("button", name="Create account").click()
        page.get_by_role("button", name="Redeem my seat").click()
        expect(page.get_by_text(re.compile("^You are enrolled in "))).to_be_visible()
    finally:
        for context in contexts:
            context.close()
