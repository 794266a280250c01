"""The purchasing agent portal in a real browser: groups and capacity, seat actions, bulk
assignment, return requests, and what another group's agent cannot see.

Each test buys its own seats for a fresh subgroup of Acme Engineering (whose agent is the
demo agent), so no test depends on counts another test changes.
"""

from __future__ import annotations

import itertools
import re
import uuid

from sqlalchemy import select

from seatledger.db.models import PurchasingGroup, Seat, User
from seatledger.demo import AGENT_EMAIL, OWNER_EMAIL, SALES_AGENT_EMAIL
from seatledger.domain.orders import PaymentMethod
from seatledger.services.assignment import assignments
from seatledger.services.organization import groups
from seatledger.services.people import customers
from seatledger.services.purchasing import checkout
from tests.e2e.browser.conftest import LiveStore, playwright_api, screenshot, sign_in

expect = playwright_api.expect

_numbers = itertools.count(1)


def _user_id(live_store: LiveStore, email: str) -> str:
    with live_store.database.read() as session:
        return str(session.scalar(select(User.id).where(User.email == email)))


def _group_id(live_store: LiveStore, code: str) -> str:
    with live_store.database.read() as session:
        return str(session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.code == code)))


def _team_with_seats(
    live_store: LiveStore, seats: int, sku: str = "PY101"
) -> tuple[str, str, list[str]]:
    """A fresh subgroup of Engineering, with ``seats`` paid seats bought by the demo agent."""
    label = f"{next(_numbers)}-{uuid.uuid4().hex[:6]}"
    group = groups.create_group(
        live_store.database,
        _user_id(live_store, OWNER_EMAIL),
        live_store.slug,
        name=f"Team {label}",
        code=f"TEAM-{label}",
        parent_id=_group_id(live_store, "ACME-ENG"),
    )
    order = checkout.place_order(
        live_store.database,
        _user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        lines=[checkout.LineRequest(sku, seats)],
        purchasing_group_id=group.id,
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    with live_store.database.read() as session:
        seat_ids = list(
            session.scalars(select(Seat.id).where(Seat.order_id == order.id).order_by(Seat.id))
        )
    return group.id, group.name, seat_ids


def _learner(live_store: LiveStore) -> str:
    email = f"learner-{uuid.uuid4().hex[:10]}@example.com"
    customers.sign_up(
        live_store.database,
        live_store.slug,
        email=email,
        name="Test Learner",
        password="pw-long-enough",
    )
    return email


def _accept_confirmations(page) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())


def _seats_of(page, live_store: LiveStore, group_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/stores/{live_store.slug}/agent/seats?group={group_id}")


def test_agent_sees_their_groups_with_capacity_bars(page, live_store: LiveStore) -> None:
    group_id, name, _ = _team_with_seats(live_store, 3)
    sign_in(page, live_store, AGENT_EMAIL)

    page.get_by_role("link", name="Agent portal").click()
    screenshot(page, "agent-groups")

    node = page.locator(f"#group-{group_id}")
    expect(
        node.get_by_role("img", name="3 available, 0 awaiting redemption, 0 assigned, 0 returned")
    ).to_be_visible()
    engineering = page.locator(f"#group-{_group_id(live_store, 'ACME-ENG')}")
    expect(engineering.get_by_role("link", name="Engineering")).to_be_visible()
    assert page.get_by_role("link", name="Sales").count() == 0

    node.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert page.locator("table.capacity-table").get_by_role(
        "row", name=re.compile("^PY101")
    ).inner_text().split()[-7:] == ["3", "3", "0", "0", "0", "0", "0"]
    download = page.request.get(page.url + "/capacity.csv")
    assert download.status == 200
    assert f"{group_id},{name},PY101," in download.text()
    assert download.text().splitlines()[-1].startswith(f"{group_id},{name},TOTAL,,3,3,")


def test_agent_assigns_a_seat_instantly_and_capacity_changes(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 2)
    learner = _learner(live_store)
    sign_in(page, live_store, AGENT_EMAIL)
    _seats_of(page, live_store, group_id)

    row = page.locator(f"#seat-{seat_ids[0]}")
    row.get_by_text("Assign…").click()
    row.get_by_label("Learner email").fill(learner)
    screenshot(page, "agent-seats")
    row.get_by_role("button", name="Assign now").click()

    expect(page.get_by_text(f"The seat is assigned to {learner}.")).to_be_visible()
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("assigned", exact=True)).to_be_visible()
    page.goto(f"/stores/{live_store.slug}/agent")
    expect(
        page.locator(f"#group-{group_id}").get_by_role(
            "img", name="1 available, 0 awaiting redemption, 1 assigned, 0 returned"
        )
    ).to_be_visible()


def test_agent_emails_a_redemption_link_and_the_mail_arrives(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 1)
    address = f"invitee-{uuid.uuid4().hex[:10]}@example.com"
    sign_in(page, live_store, AGENT_EMAIL)
    _seats_of(page, live_store, group_id)

    row = page.locator(f"#seat-{seat_ids[0]}")
    row.get_by_text("Assign…").click()
    row.get_by_label("Learner email").fill(address)
    row.get_by_role("button", name="Email a redemption link").click()

    expect(page.get_by_text(f"A redemption link is on its way to {address}.")).to_be_visible()
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("awaiting")).to_be_visible()
    mails = live_store.mails_to(address)
    assert len(mails) == 1
    assert "/redeem/" in live_store.link_in(mails[0])

    page.locator(f"#seat-{seat_ids[0]}").get_by_role("button", name="Resend link").click()
    expect(page.get_by_text("A fresh link is on its way")).to_be_visible()
    again = live_store.mails_to(address, at_least=2)
    assert len(again) == 2
    assert live_store.link_in(again[1]) != live_store.link_in(again[0])


def test_cancelling_a_link_returns_the_seat_to_available(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 1)
    assignments.email_redemption_link(
        live_store.database,
        _user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        seat_ids[0],
        email=f"maybe-{uuid.uuid4().hex[:8]}@example.com",
        base_url=live_store.base_url,
    )
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    _seats_of(page, live_store, group_id)

    page.locator(f"#seat-{seat_ids[0]}").get_by_role("button", name="Cancel link").click()

    expect(page.get_by_text("The link is cancelled; the seat is available again.")).to_be_visible()
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("available")).to_be_visible()


def test_an_agent_cannot_unassign_and_sees_why(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 1)
    assignments.assign_seat(
        live_store.database,
        _user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        seat_ids[0],
        email=_learner(live_store),
    )
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    _seats_of(page, live_store, group_id)

    row = page.locator(f"#seat-{seat_ids[0]}")
    row.get_by_text("Unassign…").click()
    row.get_by_role("button", name="Unassign").click()

    expect(page.get_by_role("status")).to_have_text(
        "Agents cannot unassign seats in this store: file a return request instead."
    )
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("assigned", exact=True)).to_be_visible()


def test_bulk_dry_run_shows_a_row_problem_then_applying_assigns(
    page, live_store: LiveStore
) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 2)
    first, second = (f"bulk-{uuid.uuid4().hex[:8]}@example.com" for _ in range(2))
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    page.goto(f"/stores/{live_store.slug}/agent/bulk")

    page.get_by_label("Product").select_option("PY101")
    page.get_by_label("Seats of").select_option(group_id)
    page.get_by_label("…or paste rows").fill(f"{first}\nnot-an-address\n")
    page.get_by_role("button", name="Check rows (dry run)").click()

    expect(page.get_by_role("heading", name="1 of 2 rows have a problem")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("not-an-address")).get_by_text(
            "This is not a valid email address."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Apply"))).to_have_count(0)

    page.get_by_label("…or paste rows").fill(f"email,mode\n{first},email\n{second},email\n")
    page.get_by_role("button", name="Check rows (dry run)").click()
    expect(page.get_by_role("heading", name="Dry run: all 2 rows can be assigned")).to_be_visible()
    screenshot(page, "agent-bulk")
    page.get_by_role("button", name="Apply: assign 2 seats").click()

    expect(page.get_by_text("Assigned 2 seats of PY101.")).to_be_visible()
    for seat_id in seat_ids:
        expect(page.locator(f"#seat-{seat_id}").get_by_text("awaiting")).to_be_visible()
    assert len(live_store.mails_to(second)) == 1


def test_bulk_assigning_more_rows_than_seats_says_capacity_exceeded(
    page, live_store: LiveStore
) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 1)
    sign_in(page, live_store, AGENT_EMAIL)
    page.goto(f"/stores/{live_store.slug}/agent/bulk")

    page.get_by_label("Product").select_option("PY101")
    page.get_by_label("Seats of").select_option(group_id)
    page.get_by_label("…or paste rows").fill(
        "\n".join(f"many-{uuid.uuid4().hex[:8]}@example.com" for _ in range(2))
    )
    page.get_by_role("button", name="Check rows (dry run)").click()

    alert = page.get_by_role("alert")
    assert "Not enough seats: nothing was assigned." in alert.inner_text()
    assert "2 rows need as many available PY101 seats; only 1 are left." in alert.inner_text()
    _seats_of(page, live_store, group_id)
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("available")).to_be_visible()


def test_agent_files_a_return_request_and_sees_it_listed(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 2)
    reason = f"Bought too many seats ({uuid.uuid4().hex[:6]})"
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    _seats_of(page, live_store, group_id)

    page.locator(f"#seat-{seat_ids[1]}").get_by_role("link", name="Return…").click()
    page.get_by_label("Yes, refund the seats' price").check()
    page.get_by_label("Reason").fill(reason)
    page.get_by_label("Comment").fill("Half the team moved.")
    page.get_by_role("button", name="File return request").click()

    expect(
        page.get_by_text("Return request filed for 1 seat; an admin decides it.")
    ).to_be_visible()
    listed = page.get_by_role("row", name=re.compile(re.escape(reason)))
    expect(listed.get_by_text("pending")).to_be_visible()
    expect(listed.get_by_text("waiting for an admin")).to_be_visible()
    _seats_of(page, live_store, group_id)
    expect(page.locator(f"#seat-{seat_ids[1]}").get_by_text("return pending")).to_be_visible()
    expect(page.locator(f"#seat-{seat_ids[0]}").get_by_text("available")).to_be_visible()


def test_a_whole_order_can_be_returned_from_a_seat_row(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 2)
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    _seats_of(page, live_store, group_id)

    page.locator(f"#seat-{seat_ids[0]}").get_by_role("link", name="Return…").click()
    page.get_by_label(re.compile("Every available or assigned seat of order")).check()
    page.get_by_label("Reason").fill("Wrong course")
    page.get_by_role("button", name="File return request").click()

    expect(page.get_by_text("Return request filed for 2 seats")).to_be_visible()


def test_an_agent_of_sales_gets_404_for_an_engineering_group(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, SALES_AGENT_EMAIL)

    engineering = _group_id(live_store, "ACME-ENG")
    answer = page.goto(f"/stores/{live_store.slug}/agent/groups/{engineering}")
    csv = page.request.get(f"/stores/{live_store.slug}/agent/groups/{engineering}/capacity.csv")

    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert csv.status == 404
    page.goto(f"/stores/{live_store.slug}/agent")
    expect(page.get_by_role("link", name="Sales")).to_be_visible()
    assert page.get_by_role("link", name="Engineering").count() == 0


def test_a_customer_without_groups_sees_how_to_get_one(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, _learner(live_store), "pw-long-enough")

    page.goto(f"/stores/{live_store.slug}/agent")

    expect(page.get_by_text("You manage no purchasing groups yet.")).to_be_visible()
    expect(page.get_by_text("An admin grants you a group")).to_be_visible()


def test_a_csv_file_is_checked_then_applied_with_instant_rows(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 2)
    learners = [_learner(live_store), _learner(live_store)]
    csv = "email,mode\n" + "".join(f"{email},instant\n" for email in learners)
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    page.goto(f"/stores/{live_store.slug}/agent/bulk")

    page.get_by_label("Product").select_option("PY101")
    page.get_by_label("Seats of").select_option(group_id)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "learners.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Check rows (dry run)").click()
    expect(page.get_by_role("heading", name="Dry run: all 2 rows can be assigned")).to_be_visible()
    page.get_by_role("button", name="Apply: assign 2 seats").click()

    expect(page.get_by_text("Assigned 2 seats of PY101.")).to_be_visible()
    for seat_id in seat_ids:
        expect(page.locator(f"#seat-{seat_id}").get_by_text("assigned", exact=True)).to_be_visible()


def test_selected_seats_are_returned_together(page, live_store: LiveStore) -> None:
    group_id, _, seat_ids = _team_with_seats(live_store, 3)
    sign_in(page, live_store, AGENT_EMAIL)
    _accept_confirmations(page)
    _seats_of(page, live_store, group_id)

    for seat_id in seat_ids[:2]:
        page.locator(f"#seat-{seat_id}").get_by_role("checkbox").check()
    page.get_by_role("button", name="Request a return for the selected seats").click()
    expect(page.get_by_label("2 chosen seats")).to_be_checked()
    page.get_by_label("Reason").fill("Learner left the company")
    page.get_by_role("button", name="File return request").click()

    expect(page.get_by_text("Return request filed for 2 seats")).to_be_visible()
    _seats_of(page, live_store, group_id)
    statuses = [page.locator(f"#seat-{seat_id} .badge").inner_text() for seat_id in seat_ids]
    assert statuses == ["return pending", "return pending", "available"]


def test_an_ungrouped_open_ended_seat_gets_a_course_and_a_group_when_assigned(
    page, live_store: LiveStore
) -> None:
    group_id, name, _ = _team_with_seats(live_store, 1)
    order = checkout.place_order(
        live_store.database,
        _user_id(live_store, AGENT_EMAIL),
        live_store.slug,
        lines=[checkout.LineRequest("ANY-COURSE", 1)],
        purchasing_group_id=None,
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    with live_store.database.read() as session:
        seat_id = session.scalar(select(Seat.id).where(Seat.order_id == order.id))
    learner = _learner(live_store)
    sign_in(page, live_store, AGENT_EMAIL)
    page.goto(f"/stores/{live_store.slug}/agent/seats?group=none&status=available")

    row = page.locator(f"#seat-{seat_id}")
    row.get_by_text("Assign…").click()
    row.get_by_label("Learner email").fill(learner)
    row.get_by_role("button", name="Assign now").click()
    expect(page.get_by_role("status")).to_contain_text("course")  # refused: no course chosen

    row = page.locator(f"#seat-{seat_id}")
    row.get_by_text("Assign…").click()
    row.get_by_label("Learner email").fill(learner)
    row.get_by_label("Course").select_option("SQL201")
    row.get_by_label("Owner group").select_option(group_id)
    row.get_by_role("button", name="Assign now").click()

    expect(page.get_by_text(f"The seat is assigned to {learner}.")).to_be_visible()
    _seats_of(page, live_store, group_id)
    assigned = page.locator(f"#seat-{seat_id}")
    expect(assigned.get_by_text("course SQL201")).to_be_visible()
    expect(assigned.get_by_text(name, exact=True)).to_be_visible()
