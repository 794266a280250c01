"""The admin console's orders and return requests, in a real browser against ``serve``.

Each test places its own orders as the demo's Acme Engineering agent through the services,
so nothing depends on what other tests did to the shared demo store.
"""

from __future__ import annotations

from itertools import count

from sqlalchemy import select

from seatledger.db.models import PurchasingGroup, User
from seatledger.demo import ADMIN_EMAIL, AGENT_EMAIL, OWNER_EMAIL
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.permissions import Permission
from seatledger.services.people import admins, customers
from seatledger.services.purchasing import checkout, orders, payments
from seatledger.services.refunding import returns
from seatledger.services.seating import seats
from tests.e2e.browser.conftest import LiveStore, screenshot, sign_in
from tests.mail_fixtures import ReceivedMail
from tests.waiting import wait_until

CARD = "4242424242424242"
_people = count(1)


def user_id(live_store: LiveStore, email: str) -> str:
    with live_store.database.read() as session:
        found = session.scalar(select(User.id).where(User.email == email))
    assert found is not None, email
    return found


def engineering(live_store: LiveStore) -> str:
    """The demo's Acme Engineering group, found by its code."""
    with live_store.database.read() as session:
        found = session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.code == "ACME-ENG"))
    assert found is not None
    return found


def place_order(
    live_store: LiveStore, *, quantity: int = 3, method: PaymentMethod = PaymentMethod.TEST_CARD
) -> orders.OrderView:
    """An order of PY101 seats (149.00 each) for Acme Engineering, placed by its agent."""
    return checkout.place_order(
        live_store.database,
        user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        lines=[checkout.LineRequest("PY101", quantity)],
        purchasing_group_id=engineering(live_store),
        payment_method=method,
        card_number=CARD if method is PaymentMethod.TEST_CARD else None,
    )


def seat_ids(live_store: LiveStore, order_id: str) -> list[str]:
    page = seats.list_seats(
        live_store.database, user_id(live_store, AGENT_EMAIL), live_store.slug, order_id=order_id
    )
    return [seat.id for seat in page.items]


def file_return(live_store: LiveStore, seat_id: str, *, refund: bool) -> returns.ReturnRequestView:
    return returns.request_return(
        live_store.database,
        user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        seat_ids=[seat_id],
        refund=refund,
        reason="The learner left the company.",
        comment="Please take it back before the course starts.",
    )


def mail_with_subject(live_store: LiveStore, address: str, subject: str) -> ReceivedMail:
    def found() -> ReceivedMail | None:
        mails = live_store.mails_now(address)
        return next((mail for mail in mails if mail.message["subject"] == subject), None)

    return wait_until(found, what=f"a mail '{subject}' to {address}")


def accept_confirmations(page) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())


def order_url(live_store: LiveStore, order_id: str) -> str:
    return f"/stores/{live_store.slug}/admin/orders/{order_id}"


def test_a_return_approved_as_refund_leaves_the_order_partially_refunded(
    page, live_store: LiveStore
) -> None:
    order = place_order(live_store, quantity=3)
    first = seat_ids(live_store, order.id)[0]
    request = file_return(live_store, first, refund=True)
    sign_in(page, live_store, ADMIN_EMAIL)

    page.goto(f"/stores/{live_store.slug}/admin/returns?status=pending")
    card = page.locator(f"#request-{request.id}")
    assert "The learner left the company." in card.inner_text()
    assert AGENT_EMAIL in card.inner_text()
    screenshot(page, "admin-returns")
    accept_confirmations(page)
    card.get_by_role("button", name="Approve with refund").click()

    assert page.get_by_text("Return approved with a refund: 1 seat left the pool").is_visible()
    page.goto(order_url(live_store, order.id))
    assert (
        page.locator(".admin-order-status .badge.s-partially_refunded").inner_text()
        == "partially refunded"
    )
    assert "149.00 USD for 1 seat" in page.locator(".admin-order-refunds").inner_text()
    row = page.locator("tbody tr", has=page.locator(f"code[title='{first}']"))
    assert row.locator(".badge").inner_text() == "refunded"
    screenshot(page, "admin-order")
    decided = mail_with_subject(
        live_store, AGENT_EMAIL, "Your return request was approved: a refund is on its way"
    )
    refunded = mail_with_subject(
        live_store, AGENT_EMAIL, f"Refund of 149.00 USD for order {order.number}"
    )
    assert decided.recipients == [AGENT_EMAIL] and refunded.recipients == [AGENT_EMAIL]


def test_a_denial_needs_a_note_and_the_requester_reads_it(page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=2)
    request = file_return(live_store, seat_ids(live_store, order.id)[0], refund=False)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/returns")
    card = page.locator(f"#request-{request.id}")
    accept_confirmations(page)

    card.get_by_role("button", name="Deny").click()  # the empty note stops the form
    assert page.get_by_role("status").count() == 0
    card.get_by_label("Why it is denied").fill("The course already started for this seat.")
    card.get_by_role("button", name="Deny").click()

    assert page.get_by_text("Return denied: 1 seat kept as they were.").is_visible()
    mine = returns.list_requests(
        live_store.database, user_id(live_store, AGENT_EMAIL), live_store.slug, status="denied"
    )
    denied = next(r for r in mine.items if r.id == request.id)
    assert denied.note == "The course already started for this seat."
    assert denied.decision == "deny"
    mail_with_subject(live_store, AGENT_EMAIL, "Your return request was declined")


def test_a_request_decided_meanwhile_is_refused_with_a_sentence(
    page, live_store: LiveStore
) -> None:
    order = place_order(live_store, quantity=1)
    request = file_return(live_store, seat_ids(live_store, order.id)[0], refund=False)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/returns?status=pending")
    returns.decide(
        live_store.database,
        user_id(live_store, ADMIN_EMAIL),
        live_store.slug,
        request.id,
        approve=True,
        refund=False,
    )
    accept_confirmations(page)

    page.locator(f"#request-{request.id}").get_by_role(
        "button", name="Approve, reclaim seats"
    ).click()

    assert page.get_by_role("status").inner_text() == (
        f"Return request {request.id} is already decided."
    )


def test_an_invoice_order_is_marked_paid_and_its_seats_appear(page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=2, method=PaymentMethod.INVOICE)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(order_url(live_store, order.id))
    assert page.get_by_text("No seats yet.").is_visible()
    accept_confirmations(page)

    page.get_by_role("button", name="Mark paid").click()

    assert page.get_by_text(
        f"Order #{order.number} is marked paid: its 2 seats now exist."
    ).is_visible()
    assert page.locator(".admin-order-status .badge.s-paid").count() == 2
    assert page.locator("tbody .badge.s-available").count() == 2
    assert page.get_by_role("button", name="Mark paid").count() == 0


def test_an_unpaid_order_is_cancelled_only_after_confirming(page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=1, method=PaymentMethod.INVOICE)
    admin = user_id(live_store, ADMIN_EMAIL)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(order_url(live_store, order.id))
    questions: list[str] = []

    def dismiss(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Cancel order").click()
    assert questions == [f"Cancel order #{order.number}? It will never get seats."]
    still = orders.get_order(live_store.database, admin, live_store.slug, order.id)
    assert still.status == "pending"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel order").click()

    assert page.get_by_text(f"Order #{order.number} is cancelled").is_visible()
    assert orders.get_order(live_store.database, admin, live_store.slug, order.id).status == (
        "cancelled"
    )
    assert page.get_by_text("This order was cancelled before payment").is_visible()


def test_an_available_seat_is_refunded_from_the_order_page(page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=2)
    first, second = seat_ids(live_store, order.id)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(order_url(live_store, order.id))
    accept_confirmations(page)

    page.get_by_label(f"Refund seat {second}").check()
    page.get_by_label("Note").fill("Ordered one too many.")
    page.get_by_role("button", name="Refund selected seats").click()

    assert page.get_by_text(
        "Refunded 1 seat: 149.00 USD. The order is now partially refunded."
    ).is_visible()
    assert page.get_by_label(f"Refund seat {first}").is_visible()
    assert page.get_by_label(f"Refund seat {second}").count() == 0
    assert "“Ordered one too many.”" in page.locator(".admin-order-refunds").inner_text()
    assert page.get_by_text("must be sent back to the buyer outside seatledger").count() == 0


def test_a_refund_of_an_invoice_order_says_to_pay_back_outside(page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=1, method=PaymentMethod.INVOICE)
    payments.capture_order(
        live_store.database, user_id(live_store, ADMIN_EMAIL), live_store.slug, order.id
    )
    (seat,) = seat_ids(live_store, order.id)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(order_url(live_store, order.id))
    accept_confirmations(page)

    page.get_by_label(f"Refund seat {seat}").check()
    page.get_by_role("button", name="Refund selected seats").click()

    assert page.get_by_text("The order is now refunded.").is_visible()
    assert page.get_by_text(
        "This order was paid by invoice: send 149.00 USD back to the buyer outside seatledger"
    ).is_visible()
    assert page.get_by_text("must be sent back to the buyer outside seatledger").is_visible()
    assert page.locator(".admin-order-status .badge.s-refunded").is_visible()


def test_an_admin_without_orders_manage_sees_no_capture_button(page, live_store: LiveStore) -> None:
    email = f"orders.viewer{next(_people)}@demo.example.com"
    viewer = customers.sign_up(
        live_store.database,
        live_store.slug,
        email=email,
        name="Vic Viewer",
        password="viewer-password-1",
    )
    admins.set_permissions(
        live_store.database,
        user_id(live_store, OWNER_EMAIL),
        live_store.slug,
        viewer.id,
        [Permission.ORDERS_VIEW],
    )
    order = place_order(live_store, quantity=1, method=PaymentMethod.INVOICE)
    sign_in(page, live_store, email, "viewer-password-1")

    page.goto(order_url(live_store, order.id))

    assert page.get_by_role("heading", name=f"Order #{order.number}").is_visible()
    assert page.get_by_role("button", name="Mark paid").count() == 0
    assert page.get_by_role("button", name="Cancel order").count() == 0
    assert page.get_by_text("needs the orders.manage permission").is_visible()
    page.goto(f"/stores/{live_store.slug}/admin/returns")
    assert page.get_by_text(
        "This needs the 'refunds.manage' permission in this store."
    ).is_visible()


def test_the_returns_queue_reads_on_a_phone(new_page, live_store: LiveStore) -> None:
    order = place_order(live_store, quantity=1)
    request = file_return(live_store, seat_ids(live_store, order.id)[0], refund=True)
    page = new_page(width=390, height=844)
    sign_in(page, live_store, ADMIN_EMAIL)

    page.goto(f"/stores/{live_store.slug}/admin/returns?status=pending")

    card = page.locator(f"#request-{request.id}")
    assert card.get_by_role("button", name="Approve with refund").is_visible()
    assert card.get_by_role("button", name="Deny").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")  # keyboard users reach the forms: the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
