"""Shared set-up for the benchmarks: databases, a store, timing helpers."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.domain.products import ProductKind
from seatledger.services.organization import groups
from seatledger.services.people import accounts, customers
from seatledger.services.storefront import catalog, stores

POSTGRES_ADMIN_URL = os.environ.get(
    "SEATLEDGER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "benchmark-password"


@contextmanager
def fresh_database(backend: str) -> Iterator[Database]:
    """A new, migrated database on ``backend`` ("sqlite" or "postgresql"), removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            database = Database(f"sqlite:///{folder}/bench.db")
            upgrade(database)
            yield database
            database.dispose()
        return
    name = f"seatledger_bench_{uuid.uuid4().hex[:8]}"
    admin = (
        make_url(POSTGRES_ADMIN_URL)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database = Database(
        make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    )
    try:
        upgrade(database)
        yield database
    finally:
        database.dispose()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Shop:
    slug: str
    owner_user_id: str
    agent_user_id: str
    agent_customer_id: str
    group_id: str
    skus: list[str]


def make_shop(database: Database, *, products: int = 1) -> Shop:
    """A store with ``products`` fixed products, one group and an agent of it."""
    owner = accounts.create_owner(database, email="owner@example.com", password=PASSWORD)
    stores.create_store(database, owner.id, slug="bench", name="Bench")
    skus = [f"COURSE-{n:02d}" for n in range(products)]
    for sku in skus:
        catalog.create_product(
            database,
            owner.id,
            "bench",
            sku=sku,
            name=sku,
            price="149.00",
            kind=ProductKind.FIXED,
        )
    group = groups.create_group(database, owner.id, "bench", name="Top")
    agent = customers.sign_up(
        database, "bench", email="agent@example.com", name="Agent", password=PASSWORD
    )
    groups.grant_agent(database, owner.id, "bench", group.id, agent.id)
    return Shop("bench", owner.id, agent.user_id, agent.id, group.id, skus)


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    """Seconds taken by each of ``repeats`` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"min {min(ms):.1f} ms, max {max(ms):.1f} ms over {len(ms)} runs"
    )


def postgres_available() -> bool:
    admin = (
        make_url(POSTGRES_ADMIN_URL)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    try:
        with psycopg.connect(admin, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False
