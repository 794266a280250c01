"""One checkout of a 10,000-seat line, from HTTP request to committed seats.

Goal (issue 3): under 1 s on SQLite. Prints median and spread over several runs, seats per
second, and the peak Python memory of one checkout.
"""

from __future__ import annotations

import argparse
import statistics
import tracemalloc

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bench.common import PASSWORD, describe, fresh_database, make_shop, postgres_available, timed
from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.models import Seat

SEATS = 10_000


def run(backend: str, repeats: int) -> None:
    with fresh_database(backend) as database:
        shop = make_shop(database)
        client = TestClient(
            create_app(Settings(database_url=database.url, secret_key="bench"), database=database)
        )
        token = client.post(
            "/api/v1/auth/token", json={"email": "agent@example.com", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        body = {
            "lines": [{"sku": shop.skus[0], "quantity": SEATS}],
            "purchasing_group_id": shop.group_id,
            "payment": {"method": "test_card", "card_number": "4242424242424242"},
        }

        def checkout() -> None:
            response = client.post("/api/v1/stores/bench/orders", json=body, headers=headers)
            assert response.status_code == 201, response.text

        checkout()  # warm-up: imports, prepared statements, first pages of the file
        samples = timed(checkout, repeats)
        tracemalloc.start()
        checkout()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        with database.read() as session:
            total = session.scalar(select(func.count()).select_from(Seat))
        assert total == SEATS * (repeats + 2)
        median = statistics.median(samples)
        print(
            f"checkout of {SEATS:,} seats on {backend:<10} {describe(samples)}; "
            f"{SEATS / median:,.0f} seats/s; peak Python memory {peak / 2**20:.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgresql" and not postgres_available():
            print("postgresql: unreachable, skipped")
            continue
        run(backend, args.repeats)


if __name__ == "__main__":
    main()
