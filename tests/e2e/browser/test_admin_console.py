"""The admin console (overview, customers, groups, ungrouped seats, audit, settings) in a
real browser against the served demo store. Each test makes its own groups, customers and
orders, so no test depends on what another one changed."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from sqlalchemy import select

from seatledger.db.models import PurchasingGroup, Seat, User
from seatledger.demo import ADMIN_EMAIL, AGENT_EMAIL, OWNER_EMAIL
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.permissions import Permission
from seatledger.domain.store_settings import StoreSettingsPatch
from seatledger.services.people import admins, customers
from seatledger.services.purchasing import checkout
from seatledger.services.storefront import stores
from tests.e2e.browser.conftest import LiveStore, screenshot, sign_in


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _owner_id(live_store: LiveStore) -> str:
    with live_store.database.read() as session:
        owner = session.scalar(select(User.id).where(User.email == OWNER_EMAIL))
    assert owner is not None
    return owner


def _new_customer(live_store: LiveStore, *permissions: Permission) -> customers.CustomerView:
    email = f"{uuid.uuid4().hex[:10]}@admin-console.example.com"
    customer = customers.sign_up(
        live_store.database,
        live_store.slug,
        email=email,
        name="Casey Customer",
        password=live_store.password,
    )
    if permissions:
        admins.set_permissions(
            live_store.database,
            _owner_id(live_store),
            live_store.slug,
            customer.id,
            list(permissions),
        )
    return customer


def _groupless_order(live_store: LiveStore, quantity: int) -> tuple[str, list[str]]:
    """A paid order with no purchasing group (the demo store allows it): its id and seats."""
    buyer = _new_customer(live_store)
    order = checkout.place_order(
        live_store.database,
        buyer.user_id,
        live_store.slug,
        lines=[checkout.LineRequest("SQL201", quantity)],
        purchasing_group_id=None,
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    with live_store.database.read() as session:
        seat_ids = list(
            session.scalars(select(Seat.id).where(Seat.order_id == order.id).order_by(Seat.id))
        )
    return order.id, seat_ids


def _create_group(page, live_store: LiveStore, name: str, parent_id: str = "") -> str:  # type: ignore[no-untyped-def]
    page.goto(f"/stores/{live_store.slug}/admin/groups")
    form = page.locator("#new-group")
    form.get_by_label("Name", exact=True).fill(name)
    if parent_id:
        form.get_by_label("Parent group").select_option(value=parent_id)
    form.get_by_role("button", name="Create group").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Group “{name}” created.").is_visible()
    match = re.search(r"/admin/groups/([0-9a-f]+)$", page.url)
    assert match, page.url
    return match.group(1)


def _flash(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("p.flash").first.inner_text()


def test_admin_sees_the_group_tree_with_capacity(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    page.get_by_role("link", name="Admin console").click()
    page.get_by_role("navigation", name="Admin console").get_by_role("link", name="Groups").click()

    engineering = page.get_by_role("link", name="Engineering", exact=True).locator(
        "xpath=ancestor::li[1]"
    )
    bar = engineering.locator(".capacity[role=img]").first
    assert re.fullmatch(
        r"\d+ available, \d+ awaiting redemption, \d+ assigned, \d+ returned",
        bar.get_attribute("aria-label") or "",
    )
    platform = engineering.locator(
        ".group-node", has=page.get_by_role("link", name="Platform team")
    )
    assert platform.count() == 1  # nested under Engineering
    screenshot(page, "admin-groups")


def test_admin_creates_a_group_moves_it_and_a_cycle_is_refused(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    parent_name, child_name = _unique("Alpha"), _unique("Beta")
    parent = _create_group(page, live_store, parent_name)
    child = _create_group(page, live_store, child_name)

    # A second tab moves the child under the parent while the first still shows the old tree.
    page.goto(f"/stores/{live_store.slug}/admin/groups/{parent}")
    other = page.context.new_page()
    other.goto(f"/stores/{live_store.slug}/admin/groups/{child}")
    other.get_by_label("Move under").select_option(value=parent)
    other.get_by_role("button", name="Move group").click()
    other.wait_for_load_state()
    assert _flash(other) == "Group moved."
    assert other.get_by_text(f"under {parent_name}").is_visible()

    page.get_by_label("Move under").select_option(value=child)
    page.get_by_role("button", name="Move group").click()
    page.wait_for_load_state()

    assert _flash(page) == "A group cannot be moved under itself or under one of its own subgroups."
    page.goto(f"/stores/{live_store.slug}/admin/groups")
    parent_node = page.locator(f'.group-node[data-group-id="{parent}"]')
    assert parent_node.locator(f'.group-node[data-group-id="{child}"]').count() == 1
    assert (
        page.locator(
            f'.group-node[data-group-id="{child}"] .group-node[data-group-id="{parent}"]'
        ).count()
        == 0
    )


def test_a_bad_group_code_is_refused_with_a_sentence_and_a_group_is_renamed(
    page, live_store: LiveStore
) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    name = _unique("Omega")
    page.goto(f"/stores/{live_store.slug}/admin/groups")
    form = page.locator("#new-group")
    form.get_by_label("Name", exact=True).fill(name)
    form.locator("input[name=code]").fill("has space")
    form.get_by_role("button", name="Create group").click()
    page.wait_for_load_state()

    assert form.get_by_role("alert").inner_text() == (
        "'has space' is not a group code: use letters, digits, '.', '_' or '-', "
        "starting with a letter or digit."
    )
    assert form.get_by_label("Name", exact=True).input_value() == name  # what was typed stays
    assert page.get_by_role("link", name=name).count() == 0

    group = _create_group(page, live_store, name)
    renamed = _unique("Sigma")
    page.get_by_label("Name", exact=True).fill(renamed)
    page.get_by_role("button", name="Save name and code").click()
    page.wait_for_load_state()

    assert _flash(page) == "Group saved."
    assert page.get_by_role("heading", level=1).inner_text() == renamed
    assert page.url.endswith(f"/admin/groups/{group}")


def test_admin_deactivates_a_group_after_confirming(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    group = _create_group(page, live_store, _unique("Gamma"))
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))

    page.get_by_role("button", name="Deactivate group").click()
    page.wait_for_load_state()

    assert questions and questions[0].startswith("Deactivate Gamma")
    assert _flash(page).startswith("Group deactivated")
    assert page.get_by_role("button", name="Reactivate group").is_visible()
    page.goto(f"/stores/{live_store.slug}/admin/groups")
    assert "inactive" in (
        page.locator(f'.group-node[data-group-id="{group}"]').get_attribute("class") or ""
    )


def test_admin_grants_an_agent_by_email_and_revokes_it(page, live_store: LiveStore) -> None:
    customer = _new_customer(live_store)
    sign_in(page, live_store, ADMIN_EMAIL)
    name = _unique("Delta")
    group = _create_group(page, live_store, name)

    page.get_by_label("Customer email").fill("nobody-here@example.com")
    page.get_by_role("button", name="Grant agent role").click()
    page.wait_for_load_state()
    assert "nobody-here@example.com is registered in this store" in _flash(page)

    page.get_by_label("Customer email").fill(customer.email.upper())
    page.get_by_role("button", name="Grant agent role").click()
    page.wait_for_load_state()
    assert _flash(page) == f"{customer.email} is now an agent of this group and its subgroups."
    assert page.locator(".agent-list").get_by_text(customer.email).is_visible()

    page.goto(f"/stores/{live_store.slug}/admin/customers?email={customer.email}")
    row = page.get_by_role("row", name=re.compile(re.escape(customer.email)))
    assert row.get_by_role("link", name=name).is_visible()
    assert row.get_by_text("granted here").is_visible()

    page.goto(f"/stores/{live_store.slug}/admin/groups/{group}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Revoke {customer.email}").click()
    page.wait_for_load_state()
    assert _flash(page) == "Agent role revoked."
    assert page.get_by_text("No agents yet.").is_visible()


def test_a_store_manager_changes_a_customers_admin_permissions(page, live_store: LiveStore) -> None:
    customer = _new_customer(live_store)
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/customers")
    page.get_by_label("Email").fill(customer.email)
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()

    row = page.get_by_role("row", name=re.compile(re.escape(customer.email)))
    row.locator("summary").click()  # opens the permissions editor
    row.get_by_label("audit.view").check()
    row.get_by_label("seats.view").check()
    row.get_by_role("button", name="Save permissions").click()
    page.wait_for_load_state()

    assert _flash(page) == f"Admin permissions of {customer.email}: audit.view, seats.view."
    assert "email=" in page.url  # back on the same search
    held = {
        a.customer_id: a.permissions
        for a in admins.list_admins(live_store.database, _owner_id(live_store), live_store.slug)
    }
    assert held[customer.id] == ["audit.view", "seats.view"]


def test_a_groupless_purchase_gets_its_owner_group_from_the_admin(
    page, live_store: LiveStore
) -> None:
    order_id, seat_ids = _groupless_order(live_store, quantity=2)
    sign_in(page, live_store, ADMIN_EMAIL)
    group = _create_group(page, live_store, _unique("Epsilon"))
    assert page.get_by_text("No seats yet.").is_visible()

    page.goto(f"/stores/{live_store.slug}/admin/seats?order_id={order_id}")
    assert page.locator("tr[data-seat-id]").count() == 2
    screenshot(page, "admin-ungrouped-seats")
    row = page.locator(f'tr[data-seat-id="{seat_ids[0]}"]')
    row.get_by_label(f"Owner group for seat {seat_ids[0]}").select_option(value=group)
    row.get_by_role("button", name="Set owner group").click()
    page.wait_for_load_state()

    assert _flash(page) == f"Seat {seat_ids[0]} (SQL201) now belongs to its owner group."
    assert page.url.endswith(f"/admin/seats?order_id={order_id}")
    assert [r.get_attribute("data-seat-id") for r in page.locator("tr[data-seat-id]").all()] == [
        seat_ids[1]
    ]

    page.goto(f"/stores/{live_store.slug}/admin/groups/{group}")
    bar = page.locator(".capacity[role=img]").first
    assert (
        bar.get_attribute("aria-label")
        == "1 available, 0 awaiting redemption, 0 assigned, 0 returned"
    )
    item = page.get_by_role("row", name=re.compile("SQL for Analysts"))
    assert item.locator('td[data-label="Seats"]').inner_text() == "1"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.splitlines()[0].startswith(
        "group_id,group_name,sku,product_id,purchased,available"
    )
    assert ",SQL201," in csv_text


def test_every_seat_of_a_groupless_order_gets_the_owner_group_at_once(
    page, live_store: LiveStore
) -> None:
    order_id, _ = _groupless_order(live_store, quantity=3)
    sign_in(page, live_store, ADMIN_EMAIL)
    group = _create_group(page, live_store, _unique("Kappa"))

    page.goto(f"/stores/{live_store.slug}/admin/seats?order_id={order_id}")
    page.get_by_label("Owner group for every available seat of this order").select_option(
        value=group
    )
    page.get_by_role("button", name="Set owner group of all").click()
    page.wait_for_load_state()

    assert _flash(page) == "3 seats now belong to the group."
    assert page.get_by_text("No ungrouped seats match these filters.").is_visible()
    page.goto(f"/stores/{live_store.slug}/admin/groups/{group}")
    assert page.locator(".capacity[role=img]").first.get_attribute("aria-label") == (
        "3 available, 0 awaiting redemption, 0 assigned, 0 returned"
    )


def test_every_seat_filter_shows_a_helpful_empty_state(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/seats?order_id=nosuchorder")

    assert page.get_by_text("No ungrouped seats match these filters.").is_visible()


def test_the_audit_trail_filters_by_seat(page, live_store: LiveStore) -> None:
    order_id, seat_ids = _groupless_order(live_store, quantity=2)
    sign_in(page, live_store, ADMIN_EMAIL)
    group = _create_group(page, live_store, _unique("Lambda"))
    page.goto(f"/stores/{live_store.slug}/admin/seats?order_id={order_id}")
    row = page.locator(f'tr[data-seat-id="{seat_ids[1]}"]')
    row.get_by_label(f"Owner group for seat {seat_ids[1]}").select_option(value=group)
    row.get_by_role("button", name="Set owner group").click()
    page.wait_for_load_state()

    page.get_by_role("navigation", name="Admin console").get_by_role(
        "link", name="Audit trail"
    ).click()
    page.get_by_label("Seat id").fill(seat_ids[1])
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()

    rows = page.locator(".audit-table tbody tr")
    assert rows.count() >= 1
    for row in rows.all():  # every event shown is about this seat
        assert row.get_by_role("link", name="seat", exact=True).get_attribute("href") == (
            f"?seat_id={seat_ids[1]}"
        )
    owner_set = rows.filter(has_text="seat.owner_group_set")
    assert owner_set.count() == 1
    assert group in owner_set.locator('td[data-label="Change"]').inner_text()
    assert owner_set.locator('td[data-label="Actor"]').inner_text() == ADMIN_EMAIL
    assert f"seat_id={seat_ids[1]}" in page.url
    screenshot(page, "admin-audit")

    page.get_by_label("Since").fill("last tuesday")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == (
        "since: 'last tuesday' is not an ISO 8601 date or date-time."
    )


def test_settings_are_saved_and_a_bad_value_is_refused_with_a_sentence(
    page, live_store: LiveStore
) -> None:
    sign_in(page, live_store, ADMIN_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin/settings")
    window = page.get_by_label("Return window (days after payment)")
    before = window.input_value()
    try:
        window.fill("31")
        page.get_by_role("button", name="Save settings").click()
        page.wait_for_load_state()
        assert _flash(page) == "Settings saved."
        assert page.get_by_label("Return window (days after payment)").input_value() == "31"

        page.get_by_label("Currency").fill("dollars")
        page.get_by_label("Return window (days after payment)").fill("lots")
        page.get_by_role("button", name="Save settings").click()
        page.wait_for_load_state()

        assert page.get_by_role("alert").inner_text() == (
            "Some settings need a fix: see the notes beside them."
        )
        assert page.locator("#p-return_window_days").inner_text() == "'lots' is not a whole number."
        assert page.get_by_label("Currency").input_value() == "dollars"  # what was typed stays
        page.get_by_label("Return window (days after payment)").fill("31")
        page.get_by_role("button", name="Save settings").click()
        page.wait_for_load_state()
        assert page.locator("#p-currency").inner_text() == (
            "Use a three-letter currency code in capitals, such as USD."
        )
        store = stores.get_store(live_store.database, _owner_id(live_store), live_store.slug)
        assert stores.settings_of(store).currency == "USD"
        assert stores.settings_of(store).return_window_days == 31
    finally:
        stores.update_store(
            live_store.database,
            _owner_id(live_store),
            live_store.slug,
            settings=StoreSettingsPatch(return_window_days=int(before)),
        )


def test_an_admin_without_groups_manage_sees_no_create_button(page, live_store: LiveStore) -> None:
    viewer = _new_customer(live_store, Permission.GROUPS_VIEW, Permission.SEATS_VIEW)
    sign_in(page, live_store, viewer.email)
    page.goto(f"/stores/{live_store.slug}/admin/groups")

    assert page.get_by_role("link", name="Engineering", exact=True).is_visible()
    assert page.get_by_role("button", name="Create group").count() == 0
    assert page.get_by_role("link", name="Add subgroup").count() == 0
    page.get_by_role("link", name="Engineering", exact=True).click()
    assert page.get_by_role("button", name="Grant agent role").count() == 0
    assert page.get_by_role("button", name="Move group").count() == 0
    assert page.get_by_role("button", name=re.compile("^Revoke")).count() == 0

    page.goto(f"/stores/{live_store.slug}/admin/settings")
    assert page.get_by_text("changing them needs the 'store.manage' permission").is_visible()
    assert page.get_by_label("Currency").is_disabled()
    assert page.get_by_role("button", name="Save settings").count() == 0


def test_a_customer_without_admin_permissions_is_turned_away(page, live_store: LiveStore) -> None:
    sign_in(page, live_store, AGENT_EMAIL)
    page.goto(f"/stores/{live_store.slug}/admin")

    assert page.get_by_text("The admin console is for admins of this store.").is_visible()


def test_a_group_created_by_a_forged_form_is_refused_without_groups_manage(
    live_store: LiveStore,
) -> None:
    viewer = _new_customer(live_store, Permission.GROUPS_VIEW)
    with httpx.Client(base_url=live_store.base_url) as client:
        form = client.get(f"/stores/{live_store.slug}/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        client.post(
            f"/stores/{live_store.slug}/sign-in",
            data={
                "email": viewer.email,
                "password": live_store.password,
                "csrf_token": token.group(1),
            },
        )
        groups_page = client.get(f"/stores/{live_store.slug}/admin/groups").text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', groups_page)
        assert csrf
        answer = client.post(
            f"/stores/{live_store.slug}/admin/groups",
            data={"name": "Forged", "csrf_token": csrf.group(1)},
        )

    assert answer.status_code == 403
    assert "This needs the &#39;groups.manage&#39; permission in this store." in answer.text
    with live_store.database.read() as session:
        assert (
            session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.name == "Forged"))
            is None
        )
