"""Capacity audit at scale: a store of 1,000,000 seats in 1,000 groups.

Ten top-level groups each head a subtree of 100 groups (1 + 9 children + 90 grandchildren)
holding 1,000 seats per group, so a top-level subtree holds 100,000 seats. Seats spread over
five products and all six states. The audit of a top-level group with
``include_descendants=true`` is timed through HTTP (in-process) and through the service.
Goal (issue 3): median under 50 ms on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from fastapi.testclient import TestClient
from rich.progress import Progress
from sqlalchemy import select

from bench.common import PASSWORD, describe, fresh_database, make_shop, postgres_available, timed
from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db import seat_counts
from seatledger.db.base import new_ids, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Order, OrderLine, Product, Store
from seatledger.domain.seats import SeatStatus
from seatledger.services.organization import capacity, groups

TOP_LEVEL = 10
CHILDREN = 9
GRANDCHILDREN = 10
SEATS_PER_GROUP = 1_000
PRODUCTS = 5
STATES = [s.value for s in SeatStatus]


def build_tree(database: Database, shop: Any) -> list[str]:
    """1,000 groups through the service (so the closure table is the real one); top ids first."""
    top_ids, every = [], []
    with Progress(transient=True) as progress:
        task = progress.add_task(
            "groups", total=TOP_LEVEL * (1 + CHILDREN + CHILDREN * GRANDCHILDREN)
        )
        for t in range(TOP_LEVEL):
            top = groups.create_group(database, shop.owner_user_id, shop.slug, name=f"Org {t}").id
            top_ids.append(top)
            every.append(top)
            progress.advance(task)
            for c in range(CHILDREN):
                child = groups.create_group(
                    database, shop.owner_user_id, shop.slug, name=f"Org {t}.{c}", parent_id=top
                ).id
                every.append(child)
                progress.advance(task)
                for g in range(GRANDCHILDREN):
                    every.append(
                        groups.create_group(
                            database,
                            shop.owner_user_id,
                            shop.slug,
                            name=f"Org {t}.{c}.{g}",
                            parent_id=child,
                        ).id
                    )
                    progress.advance(task)
    return top_ids + [g for g in every if g not in set(top_ids)]


def load_seats(database: Database, shop: Any, group_ids: list[str]) -> None:
    """1,000 seats per group, one order per group, in bulk (COPY on PostgreSQL)."""
    now = utcnow()
    columns = [
        "id",
        "store_id",
        "order_id",
        "order_line_id",
        "product_id",
        "buyer_id",
        "owner_group_id",
        "price_minor",
        "status",
        "created_at",
        "updated_at",
    ]
    with database.write() as session:
        store_id = session.scalar(select(Store.id).where(Store.slug == shop.slug))
        product_ids = list(session.scalars(select(Product.id).where(Product.store_id == store_id)))
        orders, lines = [], []
        for number, group_id in enumerate(group_ids, start=1):
            order_id = new_ids(1)[0]
            orders.append(
                {
                    "id": order_id,
                    "store_id": store_id,
                    "number": 10_000 + number,
                    "buyer_id": shop.agent_customer_id,
                    "placed_by": shop.agent_customer_id,
                    "purchasing_group_id": group_id,
                    "status": "paid",
                    "payment_status": "paid",
                    "payment_method": "invoice",
                    "currency": "USD",
                    "total_minor": 14_900 * SEATS_PER_GROUP,
                    "refunded_minor": 0,
                    "created_at": now,
                    "paid_at": now,
                }
            )
            for line_number, product_id in enumerate(product_ids, start=1):
                lines.append(
                    {
                        "id": new_ids(1)[0],
                        "order_id": order_id,
                        "line_number": line_number,
                        "product_id": product_id,
                        "sku": f"COURSE-{line_number - 1:02d}",
                        "quantity": SEATS_PER_GROUP // len(product_ids),
                        "unit_price_minor": 14_900,
                    }
                )
        session.execute(Order.__table__.insert(), orders)
        session.execute(OrderLine.__table__.insert(), lines)
    lines_by_order: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        lines_by_order.setdefault(line["order_id"], []).append(line)

    def rows_for(order: dict[str, Any]) -> list[tuple[Any, ...]]:
        rows = []
        ids = new_ids(SEATS_PER_GROUP)
        order_lines = lines_by_order[order["id"]]
        for n, seat_id in enumerate(ids):
            line = order_lines[n % len(order_lines)]
            rows.append(
                (
                    seat_id,
                    store_id,
                    order["id"],
                    line["id"],
                    line["product_id"],
                    shop.agent_customer_id,
                    order["purchasing_group_id"],
                    14_900,
                    STATES[n % len(STATES)],
                    now,
                    now,
                )
            )
        return rows

    placeholders = ", ".join("?" * len(columns))
    insert_sql = f"INSERT INTO seats ({', '.join(columns)}) VALUES ({placeholders})"
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with Progress(transient=True) as progress:
            task = progress.add_task("seats", total=len(orders) * SEATS_PER_GROUP)
            for order in orders:
                rows = rows_for(order)
                if database.is_sqlite:
                    stamp = now.replace(tzinfo=None).isoformat(sep=" ")
                    rows = [(*r[:9], stamp, stamp) for r in rows]
                    cursor.execute("BEGIN")
                    cursor.executemany(
                        insert_sql,
                        rows,
                    )
                    cursor.execute("COMMIT")
                else:
                    with cursor.copy(f"COPY seats ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    raw.commit()
                progress.advance(task, SEATS_PER_GROUP)
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    with database.write() as session:  # the maintained counters, from a recount of the load
        seat_counts.rebuild(session, store_id)


def run(backend: str, repeats: int) -> None:
    with fresh_database(backend) as database:
        started = time.perf_counter()
        shop = make_shop(database, products=PRODUCTS)
        group_ids = build_tree(database, shop)
        load_seats(database, shop, group_ids)
        loaded = time.perf_counter() - started
        top = group_ids[0]
        report = capacity.group_capacity(
            database, shop.owner_user_id, shop.slug, top, include_descendants=True
        )
        assert report.totals.purchased == SEATS_PER_GROUP * (
            1 + CHILDREN + CHILDREN * GRANDCHILDREN
        )

        client = TestClient(
            create_app(Settings(database_url=database.url, secret_key="bench"), database=database)
        )
        token = client.post(
            "/api/v1/auth/token", json={"email": "owner@example.com", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        url = f"/api/v1/stores/{shop.slug}/groups/{top}/capacity?include_descendants=true"

        def over_http() -> None:
            assert client.get(url, headers=headers).status_code == 200

        def in_service() -> None:
            capacity.group_capacity(
                database, shop.owner_user_id, shop.slug, top, include_descendants=True
            )

        over_http()
        http = timed(over_http, repeats)
        service = timed(in_service, repeats)
        single = timed(
            lambda: capacity.group_capacity(database, shop.owner_user_id, shop.slug, group_ids[-1]),
            repeats,
        )
        print(
            f"{backend}: loaded 1,000 groups and {len(group_ids) * SEATS_PER_GROUP:,} seats "
            f"in {loaded:.0f} s"
        )
        print(f"  capacity of a 100,000-seat subtree over HTTP: {describe(http)}")
        print(f"  capacity of a 100,000-seat subtree, service:  {describe(service)}")
        print(f"  capacity of one 1,000-seat group, service:    {describe(single)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        if backend == "postgresql" and not postgres_available():
            print("postgresql: unreachable, skipped")
            continue
        run(backend, args.repeats)


if __name__ == "__main__":
    main()
