from __future__ import annotations

import pytest

from seatledger.domain import errors
from seatledger.error_codes import status_of


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadRequest(), 400),
        (errors.Unauthenticated(), 401),
        (errors.PaymentFailed(), 402),
        (errors.PermissionDenied(), 403),
        (errors.NotFound(), 404),
        (errors.Conflict(code="group_cycle"), 409),
        (errors.Invalid(code="group_required"), 422),
    ],
)
def test_each_kind_of_refusal_has_one_status(error: errors.DomainError, status: int) -> None:
    assert status_of(error) == status


def test_not_found_wording_is_the_same_for_missing_and_invisible() -> None:
    error = errors.not_found("purchasing group", "g1")

    assert error.code == "purchasing_group_not_found"
    assert error.message == "No purchasing group with id 'g1' exists here."
