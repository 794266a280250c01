"""Browser tests: Debian's chromium driven by Playwright against a real ``seatledger serve``.

One server per test session serves the demo store (``load_demo``) on a SQLite file, with a
real SMTP catcher (aiosmtpd) as its mail server. Each test gets a fresh browser context
(no cookies) and makes its own records, so tests do not depend on each other.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.demo import DEMO_PASSWORD, DEMO_STORE, load_demo
from tests.mail_fixtures import ReceivedMail, SmtpServer
from tests.processes import HOST, free_port, serving
from tests.waiting import PATIENCE, wait_until

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

playwright_api = pytest.importorskip("playwright.sync_api")

# Every Playwright wait (an action, a navigation, an expect) gives up only after PATIENCE:
# it returns as soon as the page is ready, and a loaded box can make a page take seconds.
PATIENCE_MS = int(PATIENCE * 1000)
playwright_api.expect.set_options(timeout=PATIENCE_MS)


@dataclass
class LiveStore:
    """The served demo store: its address, database, mail catcher and demo accounts."""

    base_url: str
    database: Database
    smtp: SmtpServer
    slug: str = DEMO_STORE
    password: str = DEMO_PASSWORD

    def url(self, path: str) -> str:
        return self.base_url + path

    def mails_to(self, address: str, *, at_least: int = 1) -> list[ReceivedMail]:
        """Mail the server handed to SMTP for ``address``, once there are ``at_least``."""
        wait_until(
            lambda: len(self.mails_now(address)) >= at_least,
            what=f"{at_least} mail(s) to {address}",
            detail=lambda: f"the SMTP server received: {self.smtp.received}",
        )
        return self.mails_now(address)

    def mails_now(self, address: str) -> list[ReceivedMail]:
        """Mail handed to SMTP for ``address`` so far, without waiting."""
        return [mail for mail in self.smtp.received if address in mail.recipients]

    def link_in(self, mail: ReceivedMail) -> str:
        body = mail.message.get_body(preferencelist=("plain",))
        assert body is not None
        match = re.search(r"https?://\S+/redeem/[A-Za-z0-9_\-]+", body.get_content())
        assert match, body.get_content()
        return match.group(0)


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def live_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStore]:
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'store.db'}"
    database = Database(url)
    upgrade(database)
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    load_demo(database, base_url=base_url)
    smtp = SmtpServer()
    smtp.start()
    env = {
        **os.environ,
        "SEATLEDGER_DATABASE_URL": url,
        "SEATLEDGER_BASE_URL": base_url,
        "SEATLEDGER_SMTP_HOST": smtp.host,
        "SEATLEDGER_SMTP_PORT": str(smtp.port),
        "SEATLEDGER_SECRET_KEY": "browser-tests",
    }
    try:
        with serving(port=port, env=env, log=folder / "serve.log"):
            yield LiveStore(base_url=base_url, database=database, smtp=smtp)
    finally:
        smtp.stop()
        database.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=PATIENCE_MS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, live_store: LiveStore):  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts (each its own cookies): ``new_page()``."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=live_store.base_url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):  # type: ignore[no-untyped-def]
    return new_page()


def sign_in(page, live_store: LiveStore, email: str, password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the store's sign-in form."""
    page.goto(f"/stores/{live_store.slug}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or live_store.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep a picture of a main page for the README (docs/screenshots/NAME.png).

    Only under ``make screenshots`` (SEATLEDGER_SCREENSHOTS=1), so test runs leave the tree alone.
    """
    if os.environ.get("SEATLEDGER_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
