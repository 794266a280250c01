"""The issue's end-to-end flow, all in the browser: an agent buys seats for a group and emails
a redemption link, the learner opens the link from the captured mail, signs up and redeems,
and the agent's capacity view changes. (The other flows live beside their pages:
test_admin_console.py, test_admin_orders.py and test_agent_portal.py.)
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from seatledger.db.models import PurchasingGroup, User
from seatledger.demo import AGENT_EMAIL, OWNER_EMAIL
from seatledger.services.organization import groups
from tests.e2e.browser.conftest import LiveStore, playwright_api, sign_in

expect = playwright_api.expect


def fresh_team(live_store: LiveStore) -> tuple[str, str]:
    """A new subgroup of Engineering (the demo agent's group), so counts start at zero."""
    with live_store.database.read() as session:
        owner = session.scalar(select(User.id).where(User.email == OWNER_EMAIL))
        engineering = session.scalar(
            select(PurchasingGroup.id).where(PurchasingGroup.code == "ACME-ENG")
        )
    label = uuid.uuid4().hex[:6]
    group = groups.create_group(
        live_store.database,
        str(owner),
        live_store.slug,
        name=f"Flow team {label}",
        code=f"FLOW-{label}",
        parent_id=str(engineering),
    )
    return group.id, group.name


def capacity_of(page, group_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#group-{group_id}").get_by_role("img").first


def test_buy_email_a_link_learner_redeems_and_capacity_changes(new_page, live_store) -> None:  # type: ignore[no-untyped-def]
    group_id, group_name = fresh_team(live_store)
    learner_email = f"flow-learner-{uuid.uuid4().hex[:8]}@example.com"
    agent = new_page()
    agent.on("dialog", lambda dialog: dialog.accept())

    # The agent buys two seats for the team in the storefront.
    sign_in(agent, live_store, AGENT_EMAIL)
    agent.goto(f"/stores/{live_store.slug}/checkout?sku=PY101")
    agent.get_by_label("Number of seats").fill("2")
    agent.get_by_label("Purchasing group").select_option(label=group_name)
    agent.get_by_label("Card number").fill("4242 4242 4242 4242")
    agent.get_by_role("button", name="Place order").click()
    expect(agent.get_by_text("Your seats are ready.")).to_be_visible()

    # The portal shows them available, and the agent emails a link for one of them.
    agent.get_by_role("link", name="Agent portal", exact=True).click()
    expect(capacity_of(agent, group_id)).to_have_attribute(
        "aria-label", "2 available, 0 awaiting redemption, 0 assigned, 0 returned"
    )
    agent.goto(f"/stores/{live_store.slug}/agent/seats?group={group_id}")
    row = agent.locator("tr[id^='seat-']").first
    row.get_by_text("Assign…").click()
    row.get_by_label("Learner email").fill(learner_email)
    row.get_by_role("button", name="Email a redemption link").click()
    expect(
        agent.get_by_text(f"A redemption link is on its way to {learner_email}.")
    ).to_be_visible()
    agent.goto(f"/stores/{live_store.slug}/agent")
    expect(capacity_of(agent, group_id)).to_have_attribute(
        "aria-label", "1 available, 1 awaiting redemption, 0 assigned, 0 returned"
    )

    # The learner opens the link from the mail the SMTP catcher received, signs up, redeems.
    (mail,) = live_store.mails_to(learner_email)
    learner = new_page(width=390, height=844)  # a phone
    learner.goto(live_store.link_in(mail))
    learner.get_by_role("link", name="Create my account").click()
    learner.get_by_label("Email").fill(learner_email)
    learner.get_by_label("Your name").fill("Flo Learner")
    learner.get_by_label("Password").fill("a-long-password")
    learner.get_by_role("button", name="Create account").click()
    learner.get_by_role("button", name="Redeem my seat").click()
    expect(learner.get_by_text("You are enrolled in Python Fundamentals.")).to_be_visible()

    # The agent's capacity view has moved the seat from awaiting to assigned.
    agent.reload()
    expect(capacity_of(agent, group_id)).to_have_attribute(
        "aria-label", "1 available, 0 awaiting redemption, 1 assigned, 0 returned"
    )
