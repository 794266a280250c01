"""Small pieces the agent portal's pages share: the address emailed links point to, and
reading bulk-assignment rows from CSV text."""

from __future__ import annotations

import csv
import io

from fastapi import Request

from seatledger.services.assignment.bulk_assignment import MODES, BulkRow


def base_url(request: Request) -> str:
    """The public address emailed links point to (``SEATLEDGER_BASE_URL``)."""
    return str(request.app.state.settings.base_url)


# The sentences for the problem codes bulk assignment reports per row.
ROW_PROBLEMS = {
    "invalid_email": "This is not a valid email address.",
    "invalid_mode": "The mode must be 'email' (send a redemption link) or 'instant'.",
    "duplicate_row": "This learner is already on an earlier row.",
    "unknown_customer": "Instant assignment needs a registered customer; send a link instead.",
    "already_enrolled": "This learner already has a live enrollment in the course.",
    "course_required": "Open-ended seats need a course: send a link so the learner picks one.",
}


class RowsUnreadable(ValueError):
    """The pasted or uploaded text is not a list of learners."""


def read_rows(text: str, default_mode: str) -> list[BulkRow]:
    """Rows from the ``seatledger bulk-assign`` CSV format (a header with ``email`` and an
    optional ``mode``), or from plain lines of ``email[,mode]`` without a header."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        raise RowsUnreadable("Paste some rows or choose a CSV file: one learner per line.")
    first = [cell.strip().lower() for cell in next(csv.reader([lines[0]]))]
    has_header = "email" in first
    if not has_header and any(cell in ("mode", "name") for cell in first):
        raise RowsUnreadable("The CSV needs a header row with an 'email' column.")
    columns = first if has_header else ["email", "mode"]
    rows = []
    for record in csv.reader(io.StringIO("\n".join(lines[1:] if has_header else lines))):
        values = dict(zip(columns, (cell.strip() for cell in record), strict=False))
        email = values.get("email", "")
        if not email and not any(values.values()):
            continue
        rows.append(BulkRow(email=email, mode=(values.get("mode") or default_mode).lower()))
    if not rows:
        raise RowsUnreadable("The CSV has a header but no learners under it.")
    return rows


def write_rows(rows: list[BulkRow]) -> str:
    """The rows back as CSV, to carry from the dry run to "Apply" in a hidden field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "mode"])
    for row in rows:
        writer.writerow([row.email, row.mode])
    return out.getvalue()


__all__ = [
    "MODES",
    "ROW_PROBLEMS",
    "RowsUnreadable",
    "base_url",
    "read_rows",
    "write_rows",
]
