"""Checkout in the storefront and the learner's redemption page, in a real browser."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from seatledger.db.models import Seat, User
from seatledger.demo import AGENT_EMAIL, LEARNER_EMAIL
from seatledger.domain.orders import PaymentMethod
from seatledger.services.assignment import assignments
from seatledger.services.purchasing import checkout
from tests.e2e.browser.conftest import LiveStore, screenshot, sign_in


def user_id(live_store: LiveStore, email: str) -> str:
    with live_store.database.read() as session:
        return str(session.scalar(select(User.id).where(User.email == email)))


def engineering_group_id(live_store: LiveStore) -> str:
    from seatledger.db.models import PurchasingGroup

    with live_store.database.read() as session:
        return str(
            session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.code == "ACME-ENG"))
        )


def bought_seat(live_store: LiveStore, sku: str = "PY101") -> str:
    """A fresh available seat of ``sku`` bought by the Engineering agent."""
    order = checkout.place_order(
        live_store.database,
        user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        lines=[checkout.LineRequest(sku, 1)],
        purchasing_group_id=engineering_group_id(live_store),
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    with live_store.database.read() as session:
        return str(session.scalar(select(Seat.id).where(Seat.order_id == order.id)))


def emailed_link(live_store: LiveStore, email: str, sku: str = "PY101") -> str:
    assignments.email_redemption_link(
        live_store.database,
        user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        bought_seat(live_store, sku),
        email=email,
        base_url=live_store.base_url,
    )
    (mail,) = live_store.mails_to(email)
    return live_store.link_in(mail)


def unique_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@example.com"


def test_an_agent_buys_seats_for_their_group_by_card(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, AGENT_EMAIL)
    product = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Python Fundamentals")
    )
    product.get_by_role("link", name="Buy seats").click()

    offered = page.get_by_label("Purchasing group").locator("option").all_inner_texts()
    assert "Engineering" in offered and "Platform team" in offered
    assert "Sales" not in offered and "Globex" not in offered

    page.get_by_label("Number of seats").fill("3")
    page.get_by_label("Purchasing group").select_option(label="Engineering")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    screenshot(page, "checkout")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Place order").click()

    assert page.get_by_text("Your seats are ready.").is_visible()
    assert "paid" in page.locator("dl.facts").inner_text()
    assert "Engineering" in page.locator("dl.facts").inner_text()


def orders_of(live_store: LiveStore, email: str) -> int:
    from seatledger.db.models import Customer, Order

    with live_store.database.read() as session:
        buyer = (
            select(Customer.id).join(User, User.id == Customer.user_id).where(User.email == email)
        )
        return len(list(session.scalars(select(Order.id).where(Order.buyer_id.in_(buyer)))))


def test_a_declined_card_keeps_the_form_and_says_why(page, live_store: LiveStore) -> None:
    before = orders_of(live_store, AGENT_EMAIL)
    sign_in(page, live_store, AGENT_EMAIL)
    page.goto(f"/stores/{live_store.slug}/checkout?sku=PY101")
    page.get_by_label("Number of seats").fill("2")
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Place order").click()

    assert "declined" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Number of seats").input_value() == "2"
    assert orders_of(live_store, AGENT_EMAIL) == before  # a declined payment leaves nothing


def test_a_learner_opens_the_mailed_link_signs_up_and_redeems(page, live_store: LiveStore) -> None:
    email = unique_email("invitee")
    link = emailed_link(live_store, email)

    page.goto(link)
    assert page.get_by_role("heading", name="A seat in Python Fundamentals").is_visible()
    assert email not in page.content()  # the address is shown masked only
    page.get_by_role("link", name="Create my account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill("Ivy Invitee")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Create account").click()
    screenshot(page, "redeem")
    page.get_by_role("button", name="Redeem my seat").click()

    assert page.get_by_text("You are enrolled in Python Fundamentals.").is_visible()
    assert page.get_by_role("cell", name="Python Fundamentals (PY101)").is_visible()
    page.goto(link)
    assert page.get_by_text("This link has already been used.").is_visible()


def test_an_open_ended_seat_asks_for_the_course(page, live_store: LiveStore) -> None:
    email = unique_email("chooser")
    link = emailed_link(live_store, email, sku="ANY-COURSE")
    page.goto(link)
    page.get_by_role("link", name="Create my account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill("Chris Chooser")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Create account").click()

    page.get_by_label("SQL201").check()
    page.get_by_role("button", name="Redeem my seat").click()

    assert page.get_by_text("(SQL201)").is_visible()


def test_someone_else_signed_in_cannot_redeem(page, live_store: LiveStore) -> None:
    link = emailed_link(live_store, unique_email("intended"))
    sign_in(page, live_store, LEARNER_EMAIL)

    page.goto(link)
    page.get_by_role("button", name="Redeem my seat").click()

    assert "sent to" in page.get_by_role("alert").inner_text()


def test_an_unknown_link_answers_404(page, live_store: LiveStore) -> None:
    answer = page.goto("/redeem/not-a-real-token")

    assert answer is not None and answer.status == 404
    assert page.get_by_text("This redemption link is not one we sent.").is_visible()
