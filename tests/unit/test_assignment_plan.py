"""The rules of one hand-out (rules 13-19), decided without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from seatledger.domain.assignment_plan import (
    CourseFacts,
    CourseProduct,
    LearnerFacts,
    Mode,
    Request,
    Row,
    SeatSnapshot,
    check_rows,
    decide,
    ensure_not_enrolled,
    plan_rows,
)
from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.errors import Conflict, DomainError
from seatledger.domain.seats import SeatMove, SeatStatus

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TTL = timedelta(days=30)
PY101 = CourseProduct("p-101", "PY101", "fixed", "Python 101")
PY201 = CourseProduct("p-201", "PY201", "fixed", "Python 201")
ANY_PY = CourseProduct("p-any", "ANYPY", "open_ended", "Any Python course")
FIXED = CourseFacts(PY101)
OPEN = CourseFacts(ANY_PY, {"PY101": PY101, "PY201": PY201})
ADA = LearnerFacts("c-ada", "Ada")


def seat(status: SeatStatus = SeatStatus.AVAILABLE, group: str | None = "g-1") -> SeatSnapshot:
    return SeatSnapshot("s-1", "store", "order", "p-101", status.value, group)


def request(**overrides: object) -> Request:
    values: dict[str, object] = {
        "seat": seat(),
        "email": "ada@example.com",
        "mode": Mode.INSTANT,
        "course": FIXED,
        "learner": ADA,
    }
    values.update(overrides)
    return Request(**values)  # type: ignore[arg-type]


def plan(req: Request):
    return decide(req, now=NOW, link_ttl=TTL, new_token=lambda: "secret-token")


def refusal(req: Request) -> str:
    with pytest.raises(DomainError) as raised:
        plan(req)
    return raised.value.code


def test_instant_assignment_of_an_available_seat_enrolls_the_learner():
    handout = plan(request())
    assert (handout.move, handout.status) == (SeatMove.ASSIGN, SeatStatus.ASSIGNED)
    assert handout.assignment_status is AssignmentStatus.REDEEMED
    assert handout.enrolls and handout.course == PY101 and handout.learner == ADA
    assert handout.token is None and handout.link_expires_at is None
    assert handout.owner_group_id == "g-1"


def test_a_link_needs_no_customer_and_expires_after_the_store_ttl():
    handout = plan(request(mode=Mode.EMAIL, learner=None, email="new@example.com"))
    assert (handout.move, handout.status) == (SeatMove.SEND_LINK, SeatStatus.AWAITING)
    assert handout.assignment_status is AssignmentStatus.PENDING and not handout.enrolls
    assert handout.token == "secret-token" and handout.link_expires_at == NOW + TTL


@pytest.mark.parametrize("status", [s for s in SeatStatus if s is not SeatStatus.AVAILABLE])
@pytest.mark.parametrize("mode", [Mode.INSTANT, Mode.EMAIL])
def test_only_available_seats_can_be_handed_out(status: SeatStatus, mode: Mode):
    assert refusal(request(seat=seat(status), mode=mode)) == "seat_not_available"


def test_redeeming_moves_an_awaiting_seat_to_assigned():
    handout = plan(request(seat=seat(SeatStatus.AWAITING), mode=Mode.REDEEM, token="t"))
    assert (handout.move, handout.status) == (SeatMove.REDEEM, SeatStatus.ASSIGNED)
    assert handout.token == "t" and handout.enrolls


def test_instant_assignment_needs_an_existing_customer():
    assert refusal(request(learner=None)) == "unknown_customer"


@pytest.mark.parametrize("mode", [Mode.INSTANT, Mode.REDEEM])
def test_a_learner_holding_the_course_live_cannot_get_another_seat_of_it(mode: Mode):
    enrolled = LearnerFacts("c-ada", "Ada", frozenset({PY101.id}))
    status = SeatStatus.AWAITING if mode is Mode.REDEEM else SeatStatus.AVAILABLE
    assert refusal(request(learner=enrolled, mode=mode, seat=seat(status))) == "already_enrolled"


def test_holding_another_course_live_does_not_refuse():
    learner = LearnerFacts("c-ada", "Ada", frozenset({PY201.id}))
    assert plan(request(learner=learner)).course == PY101


def test_the_enrolled_rule_is_one_function():
    ensure_not_enrolled(ADA, PY101)
    with pytest.raises(Conflict) as raised:
        ensure_not_enrolled(LearnerFacts("c", None, frozenset({PY101.id})), PY101)
    assert raised.value.code == "already_enrolled"


def test_an_open_ended_seat_becomes_the_chosen_course():
    assert plan(request(course=OPEN, course_sku="PY201")).course == PY201


def test_an_open_ended_seat_needs_a_choice_to_enroll_but_not_to_send_a_link():
    assert refusal(request(course=OPEN)) == "course_required"
    assert plan(request(course=OPEN, mode=Mode.EMAIL)).course is None


@pytest.mark.parametrize(("course", "sku"), [(OPEN, "NOPE"), (FIXED, "PY201")])
def test_a_course_that_is_not_the_seats_is_refused(course: CourseFacts, sku: str):
    assert refusal(request(course=course, course_sku=sku)) == "unknown_course"


def test_an_owner_group_chosen_in_the_same_call_becomes_the_seats():
    assert plan(request(owner_group_id="g-2")).owner_group_id == "g-2"
    ungrouped = plan(request(seat=seat(group=None)))
    assert ungrouped.owner_group_id is None


def test_a_bulk_row_is_planned_before_its_seat_is_taken():
    handout = plan(request(seat=None))
    assert handout.seat is None and handout.owner_group_id is None
    placed = handout.on(seat(group="g-7"))
    assert placed.seat is not None and placed.owner_group_id == "g-7"


def test_bulk_rows_are_checked_for_address_mode_and_repeats():
    rows = [
        Row("Ada@Example.com", "instant"),
        Row("not an address"),
        Row("bob@example.com", "carrier-pigeon"),
        Row("ada@example.com"),
    ]
    check_rows(rows)
    assert rows[0].email == "ada@example.com" and rows[0].error is None
    assert [row.error for row in rows[1:]] == ["invalid_email", "invalid_mode", "duplicate_row"]


def test_bulk_planning_records_each_refusal_on_its_row():
    rows = [Row("ada@example.com", "instant"), Row("eve@example.com", "instant")]
    requests = [(rows[0], request(seat=None)), (rows[1], request(seat=None, learner=None))]
    handouts = plan_rows(requests, now=NOW, link_ttl=TTL, new_token=lambda: "t")
    assert len(handouts) == 1 and handouts[0].email == "ada@example.com"
    assert [row.error for row in rows] == [None, "unknown_customer"]
