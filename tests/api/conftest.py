"""HTTP-level fixtures: an app on the test database and builders with sensible defaults."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db import seat_counts
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, OutboxMessage, Seat
from seatledger.services.people import accounts

PASSWORD = "correct-horse-battery"
STORE = "acme"

_numbers = itertools.count(1)


@dataclass
class Person:
    """A signed-in customer of the test store (or the owner, with no customer id)."""

    email: str
    token: str
    id: str | None = None
    permissions: list[str] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class World:
    """Builders for a store with people and groups; every call goes through the API."""

    def __init__(self, client: TestClient, database: Database) -> None:
        self.client = client
        self.database = database
        accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
        self.owner = Person(email="owner@example.com", token=self.token_for("owner@example.com"))
        self.store = self.ok(
            self.client.post(
                "/api/v1/stores",
                json={"slug": STORE, "name": "Acme Training"},
                headers=self.owner.headers,
            )
        )

    def url(self, path: str) -> str:
        return f"/api/v1/stores/{STORE}{path}"

    @staticmethod
    def ok(response: Any, status: int | None = None) -> Any:
        expected = status or (201 if response.request.method in ("POST",) else 200)
        assert response.status_code == expected, response.text
        return response.json() if response.content else None

    def token_for(self, email: str, password: str = PASSWORD) -> str:
        response = self.client.post(
            "/api/v1/auth/token", json={"email": email, "password": password}
        )
        return str(self.ok(response)["token"])

    def customer(
        self,
        email: str | None = None,
        *,
        permissions: list[str] | tuple[str, ...] = (),
        agent_of: tuple[str, ...] = (),
    ) -> Person:
        email = email or f"person{next(_numbers)}@example.com"
        created = self.ok(
            self.client.post(
                self.url("/customers"),
                json={"email": email, "name": "Pat Person", "password": PASSWORD},
            )
        )
        person = Person(email=created["email"], token=self.token_for(email), id=created["id"])
        if permissions:
            self.ok(
                self.client.put(
                    self.url(f"/admins/{person.id}"),
                    json={"permissions": list(permissions)},
                    headers=self.owner.headers,
                )
            )
            person.permissions = list(permissions)
        for group_id in agent_of:
            self.grant(group_id, person)
        return person

    def group(
        self, name: str = "Group", *, parent: str | None = None, code: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "parent_id": parent}
        if code:
            body["code"] = code
        return dict(
            self.ok(self.client.post(self.url("/groups"), json=body, headers=self.owner.headers))
        )

    def grant(self, group_id: str, person: Person) -> None:
        self.ok(
            self.client.put(
                self.url(f"/groups/{group_id}/agents/{person.id}"), headers=self.owner.headers
            )
        )

    def settings(self, **changes: Any) -> None:
        self.ok(
            self.client.patch(self.url(""), json={"settings": changes}, headers=self.owner.headers)
        )

    def product(self, sku: str = "PY101", *, price: str = "149.00", **extra: Any) -> dict[str, Any]:
        body = {"sku": sku, "name": f"Course {sku}", "price": price, **extra}
        return dict(
            self.ok(self.client.post(self.url("/products"), json=body, headers=self.owner.headers))
        )

    def checkout(
        self,
        buyer: Person,
        group_id: str | None,
        *,
        sku: str = "PY101",
        quantity: int = 3,
        method: str = "test_card",
        card: str | None = "4242424242424242",
        key: str | None = None,
        **extra: Any,
    ) -> Any:
        """POST an order; returns the response (not asserted)."""
        payment: dict[str, Any] = {"method": method}
        if method == "test_card":
            payment["card_number"] = card
        body = {
            "lines": [{"sku": sku, "quantity": quantity}],
            "purchasing_group_id": group_id,
            "payment": payment,
            **extra,
        }
        headers = {**buyer.headers, **({"Idempotency-Key": key} if key else {})}
        return self.client.post(self.url("/orders"), json=body, headers=headers)

    def order(self, buyer: Person, group_id: str | None, **options: Any) -> dict[str, Any]:
        return dict(self.ok(self.checkout(buyer, group_id, **options)))

    def seats(self, person: Person, **filters: Any) -> list[dict[str, Any]]:
        response = self.client.get(
            self.url("/seats"), params={"limit": 500, **filters}, headers=person.headers
        )
        return list(self.ok(response)["items"])

    def force_status(self, seat_id: str, status: str) -> None:
        """Put a seat in a state the API cannot reach yet, keeping its counters in step."""
        with self.database.write() as session:
            seat = session.get(Seat, seat_id)
            assert seat is not None
            seat_counts.apply(
                session,
                seat_counts.moved(
                    seat.product_id,
                    group=seat.owner_group_id,
                    status=seat.status,
                    to_group=seat.owner_group_id,
                    to_status=status,
                ),
            )
            session.execute(update(Seat).where(Seat.id == seat_id).values(status=status))

    def seat(self, person: Person, seat_id: str) -> dict[str, Any]:
        return dict(self.ok(self.client.get(self.url(f"/seats/{seat_id}"), headers=person.headers)))

    def act(
        self, person: Person, seat_id: str, action: str, body: dict[str, Any] | None = None
    ) -> Any:
        """POST /seats/{id}/{action}; returns the response (not asserted)."""
        return self.client.post(
            self.url(f"/seats/{seat_id}/{action}"), json=body or {}, headers=person.headers
        )

    def mails_to(self, email: str) -> list[OutboxMessage]:
        with self.database.read() as session:
            return list(
                session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.to_address == email)
                    .order_by(OutboxMessage.id)
                )
            )

    def link_token(self, email: str) -> str:
        """The token of the newest redemption link mailed to ``email``."""
        links = [m for m in self.mails_to(email) if m.template == "redemption_link"]
        match = re.search(r"/redeem/([A-Za-z0-9_-]+)", links[-1].text_body)
        assert match, links[-1].text_body
        return match.group(1)

    def audit_count(self) -> int:
        with self.database.read() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    settings = Settings(database_url=database.url, secret_key="test-secret")
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return World(client, database)


def error_code(response: Any) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    return str(body["error"]["code"])
