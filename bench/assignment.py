"""Assignment speed.

1. Bulk assignment of 10,000 email rows in one request (HTTP, in-process ASGI): committed
   seats, assignments, audit events and queued mail. Goal: at least 5,000 seats per second
   on SQLite.
2. Single instant assignments through HTTP against a real ``seatledger serve`` process, with
   8 concurrent clients. Goal: median under 15 ms and p99 under 50 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from bench.common import (
    PASSWORD,
    describe,
    fresh_database,
    make_shop,
    percentile,
    postgres_available,
    timed,
)
from seatledger.app import create_app
from seatledger.cli import default_workers
from seatledger.config import Settings
from seatledger.db.base import new_ids, utcnow
from seatledger.db.engine import Database
from seatledger.db.models import Customer, Seat, User
from seatledger.domain.orders import PaymentMethod
from seatledger.services.people.passwords import hash_password
from seatledger.services.purchasing import checkout

ROWS = 10_000
WARM_UP = 100  # one small request first, as a live server would have had
CLIENTS = 8
# As `seatledger serve` runs by default: one process per core plus one (ADR 0017).
SERVER_PROCESSES = int(os.environ.get("BENCH_SERVER_PROCESSES", default_workers()))
PER_CLIENT = 100
WARM_UP_PER_CLIENT = 10  # untimed, as a live server's processes would have had


def buy(database: Database, shop, quantity: int) -> None:  # type: ignore[no-untyped-def]
    checkout.place_order(
        database,
        shop.agent_user_id,
        shop.slug,
        lines=[checkout.LineRequest(shop.skus[0], quantity)],
        purchasing_group_id=shop.group_id,
        payment_method=PaymentMethod.TEST_CARD,
        card_number="4242424242424242",
    )


def token_for(client: httpx.Client | TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def bench_bulk(backend: str, repeats: int) -> None:
    with fresh_database(backend) as database:
        shop = make_shop(database)
        buy(database, shop, ROWS * repeats + WARM_UP)
        client = TestClient(
            create_app(Settings(database_url=database.url, secret_key="bench"), database=database)
        )
        headers = token_for(client, "agent@example.com")
        url = f"/api/v1/stores/{shop.slug}/seats/bulk-assign"

        def request(count: int, tag: str) -> None:
            rows = [{"email": f"{tag}-{n}@example.com", "mode": "email"} for n in range(count)]
            body = {"sku": shop.skus[0], "owner_group_id": shop.group_id, "rows": rows}
            response = client.post(url, json=body, headers=headers)
            assert response.status_code == 200 and response.json()["applied"], response.text[:300]

        request(WARM_UP, "warm")  # compiled statements, templates and caches, as on a live server
        samples = [timed(lambda r=r: request(ROWS, f"run{r}"), 1)[0] for r in range(repeats)]
        median = statistics.median(samples)
        print(
            f"bulk assignment of {ROWS:,} email rows on {backend:<10} {describe(samples)}; "
            f"{ROWS / median:,.0f} seats/s at the median (committed, mail queued)"
        )


def make_learners(database: Database, store_slug: str, count: int) -> list[str]:
    """``count`` customers inserted in bulk (signing up one by one would dominate the set-up)."""
    from seatledger.db.models import Store

    now = utcnow()
    password_hash = hash_password(PASSWORD)
    emails = [f"learner{n}@example.com" for n in range(count)]
    with database.write() as session:
        store_id = session.scalar(select(Store.id).where(Store.slug == store_slug))
        user_ids, customer_ids = new_ids(count), new_ids(count)
        session.execute(
            insert(User.__table__),
            [
                {
                    "id": uid,
                    "email": e,
                    "name": "Learner",
                    "password_hash": password_hash,
                    "is_owner": False,
                    "created_at": now,
                }
                for uid, e in zip(user_ids, emails, strict=True)
            ],
        )
        session.execute(
            insert(Customer.__table__),
            [
                {
                    "id": cid,
                    "store_id": store_id,
                    "user_id": uid,
                    "name": "Learner",
                    "created_at": now,
                }
                for cid, uid in zip(customer_ids, user_ids, strict=True)
            ],
        )
    return emails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_single(backend: str, *, delivering_mail: bool = False) -> None:
    """8 closed-loop clients against real server processes. The goal's boundary is the
    request: committed, mail queued (as for bulk), so by default the server runs without its
    background workers; ``delivering_mail`` runs the full ``seatledger serve`` with its mail
    worker handing every notice to a real SMTP server meanwhile, on the same 2 cores."""
    total = CLIENTS * (WARM_UP_PER_CLIENT + PER_CLIENT)
    with fresh_database(backend) as database:
        shop = make_shop(database)
        buy(database, shop, total)
        learners = make_learners(database, shop.slug, total)
        with database.read() as session:
            seats = list(session.scalars(select(Seat.id).order_by(Seat.id)))
        port, smtp_port = free_port(), free_port()
        # A real SMTP server (aiosmtpd, discarding) in its own process, so the server's mail
        # worker delivers the assignment notices as it would live, while the clock runs.
        mail_server = subprocess.Popen(
            [
                *(sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"),
                *("-l", f"127.0.0.1:{smtp_port}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env = {
            **os.environ,
            "SEATLEDGER_DATABASE_URL": database.url,
            "SEATLEDGER_SECRET_KEY": "bench",
            "SEATLEDGER_SMTP_HOST": "127.0.0.1",
            "SEATLEDGER_SMTP_PORT": str(smtp_port),
        }
        if delivering_mail:
            command = ["-m", "seatledger.cli", "serve", "--port", str(port)]
        else:
            command = ["-m", "uvicorn", "--factory", "seatledger.app:create_app"]
            command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
        server = subprocess.Popen(
            [sys.executable, *command, "--workers", str(SERVER_PROCESSES)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{base}/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            samples: list[float] = []
            lock = threading.Lock()
            # Every client signs in first (argon2id: about 0.2 s of CPU each) and makes a few
            # untimed assignments (each server process compiles its statements once), then all
            # start together with the clock: the figures are of assignments, not of sign-ins.
            started: list[float] = []
            ready = threading.Barrier(CLIENTS, action=lambda: started.append(time.perf_counter()))

            def client_loop(index: int) -> None:
                with httpx.Client(base_url=base, timeout=30) as client:
                    headers = token_for(client, "agent@example.com")
                    first = index * (WARM_UP_PER_CLIENT + PER_CLIENT)

                    def assign(k: int) -> float:
                        start = time.perf_counter()
                        response = client.post(
                            f"/api/v1/stores/{shop.slug}/seats/{seats[k]}/assign",
                            json={"email": learners[k]},
                            headers=headers,
                        )
                        took = time.perf_counter() - start
                        assert response.status_code == 200, response.text
                        return took

                    for k in range(first, first + WARM_UP_PER_CLIENT):
                        assign(k)
                    ready.wait(timeout=120)  # a client that failed to sign in breaks it
                    start_at = first + WARM_UP_PER_CLIENT
                    mine = [assign(k) for k in range(start_at, start_at + PER_CLIENT)]
                    with lock:
                        samples.extend(mine)

            threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started[0]
        finally:
            server.terminate()
            server.wait(timeout=10)
            mail_server.terminate()
            mail_server.wait(timeout=10)
        ms = [s * 1000 for s in samples]
        print(
            f"instant assignment over HTTP on {backend:<10} {CLIENTS} clients x {PER_CLIENT}, "
            f"{SERVER_PROCESSES} server processes"
            f"{', delivering mail meanwhile' if delivering_mail else ''}: "
            f"median {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
            f"max {max(ms):.1f} ms; {len(ms) / wall:,.0f} assignments/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        if backend == "postgresql" and not postgres_available():
            print("postgresql: unreachable, skipped")
            continue
        bench_bulk(backend, args.repeats)
        bench_single(backend)
        bench_single(backend, delivering_mail=True)


if __name__ == "__main__":
    main()
