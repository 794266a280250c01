"""The agent portal's pages over HTTP (no browser): CSRF, 404 for other groups, refusals
re-rendered with the service's sentence, and the bulk-row reader and capacity mapping."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.db.models import PurchasingGroup, Seat, User
from seatledger.demo import (
    AGENT_EMAIL,
    DEMO_PASSWORD,
    DEMO_STORE,
    OWNER_EMAIL,
    SALES_AGENT_EMAIL,
    load_demo,
)
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.store_settings import StoreSettingsPatch
from seatledger.services.assignment import assignments
from seatledger.services.organization import groups
from seatledger.services.purchasing import checkout
from seatledger.services.storefront import stores
from seatledger.web.agent_support import RowsUnreadable, read_rows, write_rows

AGENT = f"/stores/{DEMO_STORE}/agent"


@dataclass
class Demo:
    database: Database
    client: TestClient

    def user(self, email: str) -> str:
        with self.database.read() as session:
            return str(session.scalar(select(User.id).where(User.email == email)))

    def group(self, code: str) -> str:
        with self.database.read() as session:
            return str(
                session.scalar(select(PurchasingGroup.id).where(PurchasingGroup.code == code))
            )

    def team_seats(self, count: int) -> tuple[str, list[str]]:
        """A fresh subgroup of Engineering with ``count`` paid PY101 seats."""
        code = f"T-{uuid.uuid4().hex[:8]}"
        group = groups.create_group(
            self.database,
            self.user(OWNER_EMAIL),
            DEMO_STORE,
            name=code,
            code=code,
            parent_id=self.group("ACME-ENG"),
        )
        order = checkout.place_order(
            self.database,
            self.user(AGENT_EMAIL),
            DEMO_STORE,
            lines=[checkout.LineRequest("PY101", count)],
            purchasing_group_id=group.id,
            payment_method=PaymentMethod.TEST_CARD,
            card_number="4242424242424242",
        )
        with self.database.read() as session:
            ids = session.scalars(select(Seat.id).where(Seat.order_id == order.id))
            return group.id, sorted(ids)

    def status(self, seat_id: str) -> str:
        with self.database.read() as session:
            return str(session.scalar(select(Seat.status).where(Seat.id == seat_id)))

    def sign_in(self, email: str) -> str:
        """Sign the client in; the CSRF token of the new session."""
        self.client.cookies.clear()
        self.client.post(
            f"/stores/{DEMO_STORE}/sign-in",
            data={
                "email": email,
                "password": DEMO_PASSWORD,
                "csrf_token": self.csrf(f"/stores/{DEMO_STORE}/sign-in"),
            },
        )
        return self.csrf(AGENT)

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf-token" content="([^"]+)"', self.client.get(path).text)
        assert found
        return found.group(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path: Path = tmp_path_factory.mktemp("agent-pages") / "store.db"
    url = f"sqlite:///{path}"
    database = Database(url)
    upgrade(database)
    load_demo(database)
    app = create_app(Settings(database_url=url, secret_key="agent-pages"), database=database)
    with TestClient(app, follow_redirects=False) as client:
        yield Demo(database, client)
    database.dispose()


def test_agent_pages_need_sign_in(demo: Demo) -> None:
    demo.client.cookies.clear()

    answer = demo.client.get(AGENT + "/seats")

    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"/stores/{DEMO_STORE}/sign-in?next=")


def test_agent_forms_without_the_csrf_token_are_refused(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    demo.sign_in(AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/seats/{seat_ids[0]}/link", data={"email": "someone@example.com"}
    )

    assert answer.status_code == 403 and "csrf_failed" in answer.text
    assert demo.status(seat_ids[0]) == "available"


def test_agent_pages_stay_out_of_the_openapi_document(demo: Demo) -> None:
    paths = demo.client.get("/openapi.json").json()["paths"]

    assert not [path for path in paths if "/agent" in path and "/agents" not in path]


def test_an_agent_of_sales_cannot_see_an_engineering_group_or_its_csv(demo: Demo) -> None:
    demo.sign_in(SALES_AGENT_EMAIL)
    engineering = demo.group("ACME-ENG")

    page = demo.client.get(f"{AGENT}/groups/{engineering}")
    csv = demo.client.get(f"{AGENT}/groups/{engineering}/capacity.csv")

    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert csv.status_code == 404


def test_an_agent_cannot_act_on_another_groups_seat(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    token = demo.sign_in(SALES_AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/seats/{seat_ids[0]}/link",
        data={"email": "someone@example.com", "csrf_token": token},
    )

    assert answer.status_code == 404
    assert demo.status(seat_ids[0]) == "available"


def test_the_group_csv_is_the_capacity_report(demo: Demo) -> None:
    group_id, _ = demo.team_seats(2)
    demo.sign_in(AGENT_EMAIL)

    answer = demo.client.get(f"{AGENT}/groups/{group_id}/capacity.csv?subgroups=true")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    lines = answer.text.splitlines()
    assert lines[0].startswith("group_id,group_name,sku,product_id,purchased,available")
    assert lines[-1].split(",")[2:] == ["TOTAL", "", "2", "2", "0", "0", "0", "0", "0"]


def test_a_refused_return_request_is_shown_again_with_the_sentence(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    assignments.email_redemption_link(
        demo.database,
        demo.user(AGENT_EMAIL),
        DEMO_STORE,
        seat_ids[0],
        email="waiting@example.com",
        base_url="http://127.0.0.1:8000",
    )
    token = demo.sign_in(AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/returns",
        data={"seat_ids": seat_ids, "refund": "no", "reason": "Too many", "csrf_token": token},
    )

    assert answer.status_code == 409
    assert "is awaiting; it cannot request return now." in answer.text
    assert 'value="Too many"' in answer.text
    assert demo.status(seat_ids[0]) == "awaiting"


def test_unassigning_works_where_the_store_lets_agents_do_it(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    assignments.assign_seat(
        demo.database, demo.user(AGENT_EMAIL), DEMO_STORE, seat_ids[0], email=AGENT_EMAIL
    )
    owner = demo.user(OWNER_EMAIL)
    stores.update_store(
        demo.database, owner, DEMO_STORE, settings=StoreSettingsPatch(agents_may_unassign=True)
    )
    try:
        token = demo.sign_in(AGENT_EMAIL)
        answer = demo.client.post(
            f"{AGENT}/seats/{seat_ids[0]}/unassign",
            data={"outcome": "drop", "next": f"{AGENT}/seats", "csrf_token": token},
        )
    finally:
        stores.update_store(
            demo.database, owner, DEMO_STORE, settings=StoreSettingsPatch(agents_may_unassign=False)
        )

    assert answer.status_code == 303 and answer.headers["location"] == f"{AGENT}/seats"
    assert demo.status(seat_ids[0]) == "available"


def test_applying_rows_that_became_invalid_applies_none(demo: Demo) -> None:
    group_id, seat_ids = demo.team_seats(2)
    token = demo.sign_in(AGENT_EMAIL)
    rows = "email,mode\nfine@example.com,email\nnobody-registered@example.com,instant\n"

    answer = demo.client.post(
        f"{AGENT}/bulk/apply",
        data={"sku": "PY101", "group": group_id, "rows": rows, "csrf_token": token},
    )

    assert answer.status_code == 422
    assert "Instant assignment needs a registered customer" in answer.text
    assert [demo.status(seat_id) for seat_id in seat_ids] == ["available", "available"]


def test_a_redirect_after_a_form_stays_on_this_site(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    token = demo.sign_in(AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/seats/{seat_ids[0]}/cancel-link",
        data={"next": "https://elsewhere.example.com/", "csrf_token": token},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{AGENT}/seats"


def test_rows_are_read_from_the_cli_csv_or_plain_lines() -> None:
    with_header = read_rows("Email,Mode\r\na@example.com,instant\n\nb@example.com,\n", "email")
    plain = read_rows("a@example.com\nb@example.com,instant\n", "instant")

    assert [(r.email, r.mode) for r in with_header] == [
        ("a@example.com", "instant"),
        ("b@example.com", "email"),
    ]
    assert [(r.email, r.mode) for r in plain] == [
        ("a@example.com", "instant"),
        ("b@example.com", "instant"),
    ]
    assert [(r.email, r.mode) for r in read_rows(write_rows(plain), "email")] == [
        (r.email, r.mode) for r in plain
    ]


@pytest.mark.parametrize("text", ["", "  \n", "email,mode\n", "name,mode\nx,y\n"])
def test_unreadable_rows_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(RowsUnreadable):
        read_rows(text, "email")


def test_the_seat_list_pages_keep_the_filters(demo: Demo) -> None:
    group_id, seat_ids = demo.team_seats(30)
    demo.sign_in(AGENT_EMAIL)

    first = demo.client.get(f"{AGENT}/seats", params={"group": group_id, "status": "available"})
    link = re.search(r'<a href="\?([^"]*cursor=[^"]+)">Next page</a>', first.text)
    assert link
    second = demo.client.get(f"{AGENT}/seats?" + link.group(1).replace("&amp;", "&"))

    on_first = re.findall(r'<tr id="seat-([^"]+)">', first.text)
    on_second = re.findall(r'<tr id="seat-([^"]+)">', second.text)
    assert on_first + on_second == seat_ids
    assert len(on_first) == 25
    assert "First page" in second.text and "Next page" not in second.text


def test_an_unknown_learner_is_refused_with_the_services_sentence(demo: Demo) -> None:
    group_id, seat_ids = demo.team_seats(1)
    token = demo.sign_in(AGENT_EMAIL)
    back_to = f"{AGENT}/seats?group={group_id}"

    answer = demo.client.post(
        f"{AGENT}/seats/{seat_ids[0]}/assign",
        data={"email": "not-registered@example.com", "next": back_to, "csrf_token": token},
    )
    page = demo.client.get(answer.headers["location"])

    assert answer.status_code == 303 and answer.headers["location"] == back_to
    assert 'class="flash error"' in page.text and "not-registered@example.com" in page.text
    assert demo.status(seat_ids[0]) == "available"


def test_an_uploaded_csv_is_checked_and_shown_for_editing(demo: Demo) -> None:
    group_id, seat_ids = demo.team_seats(1)
    token = demo.sign_in(AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/bulk",
        data={"sku": "PY101", "group": group_id, "csrf_token": token},
        files={
            "csv_file": ("learners.csv", b"\xef\xbb\xbfEmail\r\nUp@Example.com\r\n", "text/csv")
        },
    )

    assert answer.status_code == 200
    assert "Dry run: all 1 rows can be assigned" in answer.text
    assert 'spellcheck="false">email,mode\nUp@Example.com,email\n</textarea>' in answer.text
    assert demo.status(seat_ids[0]) == "available"


def test_bulk_assigning_another_groups_seats_is_refused(demo: Demo) -> None:
    token = demo.sign_in(SALES_AGENT_EMAIL)

    answer = demo.client.post(
        f"{AGENT}/bulk",
        data={
            "sku": "PY101",
            "group": demo.group("ACME-ENG"),
            "rows_text": "someone@example.com",
            "csrf_token": token,
        },
    )

    assert answer.status_code == 403
    assert "You can only assign seats of groups you are agent of." in answer.text


def test_own_return_requests_can_be_shown_by_status(demo: Demo) -> None:
    _, seat_ids = demo.team_seats(1)
    reason = f"Spare seat {uuid.uuid4().hex[:6]}"
    token = demo.sign_in(AGENT_EMAIL)
    filed = demo.client.post(
        f"{AGENT}/returns",
        data={"seat_ids": seat_ids, "refund": "yes", "reason": reason, "csrf_token": token},
    )

    pending = demo.client.get(f"{AGENT}/returns?status=pending")
    approved = demo.client.get(f"{AGENT}/returns?status=approved")

    assert filed.status_code == 303 and demo.status(seat_ids[0]) == "return_pending"
    assert reason in pending.text
    assert reason not in approved.text
