"""``seatledger bulk-assign`` and ``seatledger expire`` on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from seatledger.cli import app
from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.db.models import Assignment, Seat
from seatledger.domain.orders import PaymentMethod
from seatledger.domain.products import ProductKind
from seatledger.services.organization import groups
from seatledger.services.people import accounts, customers
from seatledger.services.purchasing import checkout
from seatledger.services.storefront import catalog, stores

runner = CliRunner()
PASSWORD = "cli-password"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SEATLEDGER_DATABASE_URL", url)
    database = Database(url)
    upgrade(database)
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
    stores.create_store(database, owner.id, slug="acme", name="Acme")
    catalog.create_product(
        database,
        owner.id,
        "acme",
        sku="PY",
        name="Py",
        price="5.00",
        kind=ProductKind.FIXED,
    )
    group = groups.create_group(database, owner.id, "acme", name="G").id
    agent = customers.sign_up(
        database, "acme", email="agent@example.com", name="A", password=PASSWORD
    )
    groups.grant_agent(database, owner.id, "acme", group, agent.id)
    customers.sign_up(database, "acme", email="known@example.com", name="K", password=PASSWORD)
    checkout.place_order(
        database,
        agent.user_id,
        "acme",
        lines=[checkout.LineRequest("PY", 3)],
        purchasing_group_id=group,
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )
    return {"url": url, "group": group, "dir": str(tmp_path)}


def statuses(url: str) -> dict[str, int]:
    with Database(url).read() as session:
        return dict(session.execute(select(Seat.status, func.count()).group_by(Seat.status)).all())


def invoke(shop: dict[str, str], csv_text: str, *extra: str):  # type: ignore[no-untyped-def]
    path = Path(shop["dir"]) / "learners.csv"
    path.write_text(csv_text)
    args = [
        "bulk-assign",
        str(path),
        "--store",
        "acme",
        "--as",
        "agent@example.com",
        "--sku",
        "PY",
        "--group",
        shop["group"],
    ]
    return runner.invoke(app, [*args, *extra])


def test_bulk_assign_from_csv_applies_every_row(shop: dict[str, str]) -> None:
    result = invoke(shop, "email,mode\nknown@example.com,instant\nnew@example.com,email\n")

    assert result.exit_code == 0, result.output
    assert "Assigned 2 seats" in result.output
    assert statuses(shop["url"]) == {"assigned": 1, "awaiting": 1, "available": 1}


def test_bulk_assign_lists_row_problems_and_applies_nothing(shop: dict[str, str]) -> None:
    result = invoke(shop, "email,mode\nghost@example.com,instant\nfine@example.com,email\n")

    assert result.exit_code == 1
    assert "ghost@example.com: unknown_customer" in result.output
    assert statuses(shop["url"]) == {"available": 3}


def test_bulk_assign_dry_run_changes_nothing(shop: dict[str, str]) -> None:
    result = invoke(shop, "email\na@example.com\nb@example.com\n", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "all 2 rows can be assigned" in result.output
    assert statuses(shop["url"]) == {"available": 3}


def test_bulk_assign_refuses_more_rows_than_seats(shop: dict[str, str]) -> None:
    result = invoke(shop, "email\n" + "".join(f"p{i}@example.com\n" for i in range(4)))

    assert result.exit_code == 2
    assert "capacity_exceeded" in result.output


def test_csv_without_an_email_column_is_refused(shop: dict[str, str]) -> None:
    result = invoke(shop, "name\nSam\n")

    assert result.exit_code == 2
    assert "email" in result.output


def test_expire_frees_seats_of_stale_links(shop: dict[str, str]) -> None:
    invoke(shop, "email\nlate@example.com\n")
    with Database(shop["url"]).write() as session:
        session.execute(update(Assignment).values(link_expires_at=utcnow() - timedelta(minutes=1)))

    first = runner.invoke(app, ["expire"])
    again = runner.invoke(app, ["expire"])

    assert first.exit_code == 0, first.output
    assert "Expired 1 links and 0 seats" in first.output
    assert "Expired 0 links and 0 seats" in again.output
    assert statuses(shop["url"]) == {"available": 3}


def test_a_file_over_the_row_cap_is_refused_at_the_first_row_past_it(
    shop: dict[str, str],
) -> None:
    """The bytes after the cap are not UTF-8: reading the whole file would fail on them
    instead of refusing the file."""
    from seatledger.services.assignment.bulk_assignment import MAX_ROWS

    path = Path(shop["dir"]) / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"email\n")
        handle.writelines(f"p{n}@example.com\n".encode() for n in range(MAX_ROWS + 2_000))
        handle.write(b"\xff\xfe not text \xff\n" * 100_000)
    args = ["bulk-assign", str(path), "--store", "acme", "--as", "agent@example.com", "--sku", "PY"]

    result = runner.invoke(app, args)

    assert result.exit_code == 2, result.output
    assert "too_many_rows" in result.output
    assert f"Row {MAX_ROWS + 1:,} is over the cap of {MAX_ROWS:,}" in result.output
    assert statuses(shop["url"]) == {"available": 3}
