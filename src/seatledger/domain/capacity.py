"""Capacity of a group: seats per product and state. Remaining capacity = available."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from seatledger.domain.seats import SeatStatus

STATES = tuple(SeatStatus)


@dataclass
class CapacityLine:
    """Counts of one product's seats; ``purchased`` is every seat ever bought."""

    product_id: str | None
    sku: str | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def purchased(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, int | str | None]:
        return {
            "product_id": self.product_id,
            "sku": self.sku,
            "purchased": self.purchased,
            **{state.value: self.counts[state] for state in STATES},
        }


def summarize(rows: Iterable[tuple[str, str, str, int]]) -> tuple[list[CapacityLine], CapacityLine]:
    """Fold (product_id, sku, status, count) rows into per-product lines and their totals."""
    lines: dict[str, CapacityLine] = {}
    totals = CapacityLine(product_id=None, sku=None)
    for product_id, sku, status, count in rows:
        line = lines.setdefault(product_id, CapacityLine(product_id, sku))
        line.counts[SeatStatus(status)] += count
        totals.counts[SeatStatus(status)] += count
    return list(lines.values()), totals


# The capacity bar of the pages folds the seat states into four segments (ADR 0016):
# returned counts every seat on its way out of the pool or gone, so the four add up to
# what was purchased.
BAR_SEGMENTS: dict[str, tuple[SeatStatus, ...]] = {
    "available": (SeatStatus.AVAILABLE,),
    "awaiting": (SeatStatus.AWAITING,),
    "assigned": (SeatStatus.ASSIGNED,),
    "returned": (SeatStatus.RETURN_PENDING, SeatStatus.REFUNDED, SeatStatus.EXPIRED),
}


def bar_segments(counts: Mapping[str, int]) -> dict[str, int]:
    """Seat counts by state folded into the capacity bar's four segments."""
    return {
        segment: sum(counts.get(state, 0) for state in states)
        for segment, states in BAR_SEGMENTS.items()
    }
