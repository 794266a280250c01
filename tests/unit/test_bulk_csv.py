"""Reading a bulk-assignment CSV lazily: the rows come out as before, and a file over the cap
is refused at the first row past it without another line being read."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from seatledger.bulk_csv import NoEmailColumn, read_rows
from seatledger.domain.errors import Invalid
from seatledger.services.assignment.bulk_assignment import MAX_ROWS


class CountedLines:
    """Endless CSV lines (a header, then learners), counting how many were taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        for line in itertools.chain(["email,mode\n"], self._learners()):
            self.taken += 1
            yield line

    @staticmethod
    def _learners() -> Iterator[str]:
        for number in itertools.count(1):
            yield f"learner{number}@example.com,instant\n"


def test_rows_keep_their_email_and_mode_and_email_is_the_default_mode() -> None:
    rows = read_rows([" Email , MODE\n", " a@example.com , instant\n", "b@example.com,\n"])

    assert [(row.email, row.mode) for row in rows] == [
        ("a@example.com", "instant"),
        ("b@example.com", "email"),
    ]


def test_a_file_without_an_email_column_is_refused() -> None:
    with pytest.raises(NoEmailColumn):
        read_rows(["name\n", "Sam\n"])


def test_a_file_over_the_cap_is_refused_at_the_first_row_past_it_reading_no_further() -> None:
    lines = CountedLines()

    with pytest.raises(Invalid) as refused:
        read_rows(lines, max_rows=5)

    assert refused.value.code == "too_many_rows"
    assert "Row 6 is over the cap of 5 rows" in refused.value.message
    assert lines.taken == 1 + 6  # the header and six learners, of an endless file


def test_the_cap_is_the_bulk_assignments_own() -> None:
    lines = CountedLines()

    with pytest.raises(Invalid) as refused:
        read_rows(lines)

    assert f"Row {MAX_ROWS + 1:,} is over the cap of {MAX_ROWS:,} rows" in refused.value.message
    assert lines.taken == 1 + MAX_ROWS + 1


def test_a_file_at_the_cap_is_read_whole() -> None:
    lines = ["email\n", *(f"p{n}@example.com\n" for n in range(5))]

    assert len(read_rows(lines, max_rows=5)) == 5
