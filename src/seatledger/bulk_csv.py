"""The rows of a bulk-assignment CSV file, read lazily: a file over the row cap is refused at
the first row past it, without reading the rest (docs/adr/0023-security-headers.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from seatledger.domain.errors import Invalid
from seatledger.services.assignment.bulk_assignment import MAX_ROWS, BulkRow


class NoEmailColumn(ValueError):
    """The first row names no ``email`` column."""

    def __init__(self) -> None:
        super().__init__("The CSV needs a header row with an 'email' column.")


def read_rows(lines: Iterable[str], *, max_rows: int = MAX_ROWS) -> list[BulkRow]:
    """The learners of a CSV with an ``email`` column and an optional ``mode`` column.

    ``lines`` is consumed one line at a time (an open file is read as it goes); row
    ``max_rows + 1`` raises ``too_many_rows`` before another line is read.
    """
    reader = csv.DictReader(iter(lines))
    if not reader.fieldnames or "email" not in [f.strip().lower() for f in reader.fieldnames]:
        raise NoEmailColumn()
    rows = []
    for number, record in enumerate(reader, start=1):
        if number > max_rows:
            raise Invalid(
                f"Row {number:,} is over the cap of {max_rows:,} rows per bulk assignment; "
                "nothing was read past it. Split the file.",
                code="too_many_rows",
            )
        values = {k.strip().lower(): (v or "").strip() for k, v in record.items() if k}
        rows.append(BulkRow(email=values["email"], mode=values.get("mode") or "email"))
    return rows
