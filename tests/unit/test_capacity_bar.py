"""The capacity bar's one folding of seven seat states into four parts (domain/capacity.py),
used by the agent portal and the admin console alike (ADR 0016)."""

from __future__ import annotations

from seatledger.domain.capacity import CapacityLine, bar_segments
from seatledger.domain.seats import SeatStatus


def test_the_capacity_bar_puts_every_purchased_seat_in_one_of_four_parts() -> None:
    line = CapacityLine(product_id="p", sku="PY101")
    for status, count in zip(SeatStatus, [5, 4, 3, 2, 1, 6], strict=True):
        line.counts[status] = count

    bar = bar_segments(line.counts)

    assert bar == {"available": 5, "awaiting": 4, "assigned": 3, "returned": 2 + 1 + 6}
    assert sum(bar.values()) == line.purchased


def test_the_capacity_bar_reads_plain_counts_by_state_name() -> None:
    counts = {"available": 5, "awaiting": 2, "assigned": 3, "return_pending": 1, "refunded": 4}

    assert bar_segments(counts) == {"available": 5, "awaiting": 2, "assigned": 3, "returned": 5}
    assert bar_segments({}) == {"available": 0, "awaiting": 0, "assigned": 0, "returned": 0}
