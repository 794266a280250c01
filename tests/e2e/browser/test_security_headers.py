"""The pages hold under their Content-Security-Policy in a real browser, and cannot be framed.

Chromium reports every blocked script, style or image as a ``securitypolicyviolation`` event
in the page and as a console error; each test records both from before the first byte of
each page (an init script, which the policy does not apply to) and fails on any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from seatledger.demo import ADMIN_EMAIL, AGENT_EMAIL
from tests.e2e.browser.conftest import LiveStore, sign_in
from tests.e2e.browser.test_shop_and_redeem import emailed_link, unique_email

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass
class Watched:
    """A page whose CSP violations, and console errors that name the policy, are recorded."""

    page: Page
    console: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def visit(self, path: str, *, status: int = 200) -> None:
        answer = self.page.goto(path)
        assert answer is not None and answer.status == status, f"{path}: {answer and answer.status}"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        self.page.wait_for_load_state("load")

    def collect(self) -> list[str]:
        """Everything reported so far on the page shown now, and before it."""
        self.violations.extend(self.page.evaluate("window.__violations.splice(0)"))
        return self.violations + self.console


def watch(page: Page) -> Watched:
    watched = Watched(page)
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            watched.console.append(message.text)

    page.on("console", on_console)
    return watched


def test_sign_in_storefront_and_docs_raise_no_policy_violation(page, live_store: LiveStore) -> None:
    watched = watch(page)

    watched.visit(f"/stores/{live_store.slug}/sign-in")
    assert watched.collect() == []
    watched.visit(f"/stores/{live_store.slug}")
    assert watched.collect() == []
    watched.visit(f"/stores/{live_store.slug}/no-such-page-here", status=404)  # the HTML error page
    assert watched.collect() == []
    watched.visit("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("seatledger")
    expect(page.locator(".opblock").first).to_be_visible()  # the document loaded and rendered
    page.locator(".opblock-summary").first.click()  # an operation opens, with its schema
    expect(page.locator(".opblock-body").first).to_be_visible()

    assert watched.collect() == []


def test_the_agent_portal_and_its_capacity_bars_raise_no_policy_violation(
    page, live_store: LiveStore
) -> None:
    watched = watch(page)
    sign_in(page, live_store, AGENT_EMAIL)

    watched.visit(f"/stores/{live_store.slug}/agent")
    bar = page.locator(".capacity .bar").first
    expect(bar.locator("rect").first).to_be_visible()
    watched.visit(f"/stores/{live_store.slug}/agent/seats")

    assert watched.collect() == []


def test_the_capacity_bar_parts_fill_the_bar_in_proportion(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/groups")
    capacity = page.locator(".capacity[role=img]").filter(has=page.locator("rect")).first
    counts = [int(part.split()[0]) for part in capacity.get_attribute("aria-label").split(", ")]

    bar = capacity.locator(".bar").bounding_box()
    widths = [part.bounding_box()["width"] for part in capacity.locator("rect").all()]

    assert bar is not None
    assert sum(widths) == pytest.approx(bar["width"], abs=1)
    shown = [count for count in counts if count]
    for width, count in zip(widths, shown, strict=True):
        assert width == pytest.approx(bar["width"] * count / sum(counts), abs=1)
    for part in capacity.locator("rect").all():  # each part in its legend dot's colour
        kind = (part.get_attribute("class") or "").split()[-1]
        dot = capacity.locator(f".legend .dot.{kind}")
        colour = dot.evaluate("dot => getComputedStyle(dot).backgroundColor")
        assert part.evaluate("rect => getComputedStyle(rect).fill") == colour


def test_the_admin_console_raises_no_violation_and_cannot_be_framed(
    new_page, live_store: LiveStore
) -> None:
    page = new_page()
    watched = watch(page)
    sign_in(page, live_store, ADMIN_EMAIL)
    console = live_store.url(f"/stores/{live_store.slug}/admin")
    for path in ("", "/groups", "/orders", "/seats", "/returns", "/audit", "/settings", "/mail"):
        watched.visit(console + path)
    assert watched.collect() == []

    framing = new_page()  # another site's page (about:blank) that frames the console
    with framing.expect_console_message(lambda message: "frame-ancestors" in message.text):
        framing.set_content(f'<iframe src="{console}" title="console"></iframe>')

    frame = framing.frame_locator("iframe[title=console]")
    assert frame.locator("header.top").count() == 0  # none of seatledger's pages is shown


def test_the_redemption_page_raises_no_violation_and_sends_no_referrer(
    page, live_store: LiveStore
) -> None:
    watched = watch(page)
    link = emailed_link(live_store, unique_email("csp"))

    answer = page.goto(link)

    assert answer is not None and answer.headers["referrer-policy"] == "no-referrer"
    expect(page.get_by_role("heading", name="A seat in Python Fundamentals")).to_be_visible()
    assert watched.collect() == []
