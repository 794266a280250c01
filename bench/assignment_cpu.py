"""What one assignment costs in process, counted rather than timed against the wall clock.

CPU time (``time.process_time``) and SQL statements per call of the use cases, so that a
change to the assignment path can be compared before and after even on a busy box (the
wall-clock benchmarks in ``assignment.py`` need a quiet one):

1. single instant assignment (``assign_seat``), and a single emailed link;
2. bulk assignment of 10,000 email rows and of 2,000 instant rows.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from bench.assignment import buy, make_learners
from bench.common import fresh_database, make_shop, postgres_available
from seatledger.db.engine import Database
from seatledger.db.models import Seat


def _module(*names: str):  # type: ignore[no-untyped-def]
    """The use-case module, wherever this checkout keeps it (to measure older code too)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(names[0])


assignments = _module(
    "seatledger.services.assignment.assignments", "seatledger.services.assignments"
)
bulk = _module(
    "seatledger.services.assignment.bulk_assignment", "seatledger.services.bulk_assignment"
)


@contextmanager
def counting(database: Database) -> Iterator[list[int]]:
    count = [0]

    def on_execute(*_args: object) -> None:
        count[0] += 1

    event.listen(database.engine, "before_cursor_execute", on_execute)
    try:
        yield count
    finally:
        event.remove(database.engine, "before_cursor_execute", on_execute)


def cpu(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def bench_single(backend: str, calls: int) -> None:
    with fresh_database(backend) as database:
        shop = make_shop(database)
        buy(database, shop, 2 * calls + 20)
        learners = make_learners(database, shop.slug, calls + 10)
        with database.read() as session:
            seats = list(session.scalars(select(Seat.id).order_by(Seat.id)))
        caller = shop.agent_user_id

        def assign(n: int) -> None:
            assignments.assign_seat(database, caller, shop.slug, seats[n], email=learners[n])

        def link(n: int) -> None:
            assignments.email_redemption_link(
                database,
                caller,
                shop.slug,
                seats[n],
                email=f"new{n}@example.com",
                base_url="http://bench",
            )

        for n in range(10):  # warm-up: compiled statements and templates
            assign(n)
        with counting(database) as count:
            assign(10)
        statements = count[0]
        samples = [cpu(lambda n=n: assign(n)) for n in range(11, calls + 10)]
        links = [cpu(lambda n=n: link(n)) for n in range(calls + 10, 2 * calls + 10)]
        print(
            f"{backend:<10} instant assignment: {statements} statements, CPU median "
            f"{statistics.median(samples) * 1000:.2f} ms over {len(samples)} calls; "
            f"emailed link: CPU median {statistics.median(links) * 1000:.2f} ms"
        )


def bench_bulk(backend: str, rows: int, mode: str) -> None:
    with fresh_database(backend) as database:
        shop = make_shop(database)
        buy(database, shop, rows + 10)
        emails = make_learners(database, shop.slug, rows) if mode == "instant" else []

        def run(count: int, tag: str) -> None:
            batch = [
                bulk.BulkRow(email=emails[n] if emails else f"{tag}{n}@example.com", mode=mode)
                for n in range(count)
            ]
            result = bulk.bulk_assign(
                database,
                shop.agent_user_id,
                shop.slug,
                sku=shop.skus[0],
                owner_group_id=shop.group_id,
                rows=batch,
                base_url="http://bench",
            )
            assert result.applied

        if mode != "instant":
            run(10, "warm")
        with counting(database) as count:
            spent = cpu(lambda: run(rows, "run"))
        print(
            f"{backend:<10} bulk assignment of {rows:,} {mode} rows: {count[0]} statements, "
            f"CPU {spent * 1000:,.0f} ms ({rows / spent:,.0f} rows per CPU second)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--calls", type=int, default=200)
    arguments = parser.parse_args()
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    for backend in backends:
        if backend == "postgresql" and not postgres_available():
            print("postgresql: not reachable, skipped")
            continue
        bench_single(backend, arguments.calls)
        bench_bulk(backend, 10_000, "email")
        bench_bulk(backend, 2_000, "instant")


if __name__ == "__main__":
    main()
