"""Planning hand-outs: who may receive a seat, and what each request becomes (rules 13-19).

A hand-out gives one seat to one learner: at once (``instant``), by an emailed redemption link
(``email``), or when the learner redeems that link (``redeem``). The same pure step decides a
single request and every row of a bulk assignment: the use case gathers the facts (the seat,
its course, the learner, the chosen owner group), ``decide`` applies the rules and answers a
``Handout`` or raises the refusal, and ``db/assignment_writer`` applies the plan with
set-based statements. A new rule on who may receive a seat goes in ``decide`` (or a function
it calls) and nowhere else; docs/architecture.md says more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from seatledger.domain.assignments import AssignmentStatus
from seatledger.domain.emails import normalize_email
from seatledger.domain.enrollments import choose_course
from seatledger.domain.errors import Conflict, DomainError, Invalid
from seatledger.domain.seats import SeatMove, SeatStatus, next_status


class Mode(StrEnum):
    INSTANT = "instant"  # an existing customer gets the seat and an enrollment at once
    EMAIL = "email"  # a redemption link goes to any address; the seat awaits it
    REDEEM = "redeem"  # the intended learner redeems a link that is out


REQUESTABLE_MODES = (Mode.INSTANT, Mode.EMAIL)  # what an assigner may ask for

_MOVES = {
    Mode.INSTANT: SeatMove.ASSIGN,
    Mode.EMAIL: SeatMove.SEND_LINK,
    Mode.REDEEM: SeatMove.REDEEM,
}


class SeatFacts(Protocol):
    """What the rules need to know of a seat (a seat row or a loaded seat has it all)."""

    @property
    def id(self) -> str: ...
    @property
    def store_id(self) -> str: ...
    @property
    def order_id(self) -> str: ...
    @property
    def product_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def owner_group_id(self) -> str | None: ...


@dataclass(frozen=True)
class SeatSnapshot:
    """A seat's facts held on their own (tests, and callers without a row at hand)."""

    id: str
    store_id: str
    order_id: str
    product_id: str
    status: str
    owner_group_id: str | None


@dataclass(frozen=True)
class CourseProduct:
    """A product as a course: what an enrollment is in."""

    id: str
    sku: str
    kind: str
    name: str


@dataclass(frozen=True)
class CourseFacts:
    """The seat's product, and the fixed products an open-ended one may become (rule 18)."""

    product: CourseProduct
    options: Mapping[str, CourseProduct] = field(default_factory=dict)

    @property
    def option_skus(self) -> list[str]:
        return sorted(self.options)

    def pick(self, chosen: str | None) -> CourseProduct | None:
        """The course chosen (or the seat's own); None while an open-ended seat has no choice."""
        sku = choose_course(self.product.kind, self.product.sku, self.option_skus, chosen)
        if sku is None:
            return None
        return self.product if sku == self.product.sku else self.options[sku]


@dataclass(frozen=True)
class LearnerFacts:
    """A customer of the store who may receive a seat, and the courses they hold live."""

    customer_id: str
    name: str | None = None
    live_course_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Request:
    """One hand-out asked for: this seat (or, in bulk, any available one), to this address."""

    seat: SeatFacts | None
    email: str
    mode: Mode
    course: CourseFacts
    course_sku: str | None = None
    learner: LearnerFacts | None = None  # the customer with ``email``, when there is one
    owner_group_id: str | None = None  # a new owner group picked in the same call (rule 5)
    message: str | None = None
    assignment_id: str | None = None  # redeem: the assignment whose link is redeemed
    token: str | None = None  # redeem: the link's token, as presented


@dataclass(slots=True)
class Handout:
    """What one request becomes: the seat's move and the records the writer makes."""

    seat: SeatFacts | None  # None until a bulk plan puts a seat to the row (``on``)
    move: SeatMove
    status: SeatStatus  # the seat's state afterwards
    new_owner_group_id: str | None  # an owner group chosen in the same call, if any
    email: str
    mode: Mode
    product: CourseProduct  # the seat's product
    course: CourseProduct | None  # None: an open-ended link; the learner chooses at redemption
    learner: LearnerFacts | None
    message: str | None
    assignment_id: str | None  # the existing assignment (redeem), or None for a new one
    link_expires_at: datetime | None = None
    token: str | None = None  # the link's secret (email); only its hash is stored

    @property
    def owner_group_id(self) -> str | None:
        """The seat's owner group afterwards (the assignment keeps a copy: rule 5)."""
        if self.new_owner_group_id is not None or self.seat is None:
            return self.new_owner_group_id
        return self.seat.owner_group_id

    def on(self, seat: SeatFacts) -> Handout:
        """This hand-out, given ``seat`` (bulk: the seats are taken once the rows are planned)."""
        self.seat = seat
        return self

    @property
    def assignment_status(self) -> AssignmentStatus:
        return AssignmentStatus.PENDING if self.mode is Mode.EMAIL else AssignmentStatus.REDEEMED

    @property
    def enrolls(self) -> bool:
        return self.mode is not Mode.EMAIL


def unknown_customer(address: str) -> Invalid:
    return Invalid(
        f"No customer with the email {address} is registered in this store; send a "
        "redemption link instead.",
        code="unknown_customer",
    )


def already_enrolled() -> Conflict:
    """Rule 17's refusal (also answered when the database's unique index catches a race)."""
    return Conflict(
        "This learner already has a live enrollment in this course.", code="already_enrolled"
    )


def ensure_not_enrolled(learner: LearnerFacts, course: CourseProduct) -> None:
    """Rule 17: a learner with a live enrollment in a course cannot be given another seat of it."""
    if course.id in learner.live_course_ids:
        raise already_enrolled()


def course_required(options: Iterable[str], *, by_learner: bool = False) -> Invalid:
    who = "your course" if by_learner else "the course for this seat"
    return Invalid(f"Choose {who}: one of {', '.join(options)}.", code="course_required")


def decide(
    request: Request,
    *,
    now: datetime,
    link_ttl: timedelta,
    new_token: Callable[[], str],
) -> Handout:
    """The rules of one hand-out (13-18), in order; raises the first refusal."""
    move = _MOVES[request.mode]
    seat = request.seat
    if seat is None:  # bulk: any available seat, taken once every row is planned
        status = next_status("(any available)", SeatStatus.AVAILABLE, move)
    else:
        status = next_status(seat.id, SeatStatus(seat.status), move)  # rule 13
    course = request.course.pick(request.course_sku)  # rule 18
    learner = request.learner
    if request.mode is not Mode.EMAIL:
        if learner is None:
            raise unknown_customer(request.email)  # rule 14
        if course is None:
            raise course_required(
                request.course.option_skus, by_learner=request.mode is Mode.REDEEM
            )
        ensure_not_enrolled(learner, course)  # rule 17
    link = request.mode is Mode.EMAIL
    return Handout(
        seat=seat,
        move=move,
        status=status,
        new_owner_group_id=request.owner_group_id,
        email=request.email,
        mode=request.mode,
        product=request.course.product,
        course=course,
        learner=learner,
        message=request.message,
        assignment_id=request.assignment_id,
        link_expires_at=now + link_ttl if link else None,
        token=new_token() if link else request.token,
    )


@dataclass
class Row:
    """One row of a bulk assignment: an address and a mode; the seat it got, or its problem."""

    email: str
    mode: str = Mode.EMAIL.value
    seat_id: str | None = None
    error: str | None = None
    message: str | None = None


def check_rows(rows: Sequence[Row]) -> None:
    """Rule 19's per-row checks that need no facts: a valid address and mode, no repeats.

    Each row's address is normalized in place; a problem is recorded as the row's ``error``.
    """
    seen: set[str] = set()
    for row in rows:
        try:
            row.email = normalize_email(row.email)
        except DomainError as error:
            row.error = error.code
            continue
        if row.mode not in REQUESTABLE_MODES:
            row.error = "invalid_mode"
        elif row.email in seen:
            row.error = "duplicate_row"
        seen.add(row.email)


def plan_rows(
    requests: Sequence[tuple[Row, Request]],
    *,
    now: datetime,
    link_ttl: timedelta,
    new_token: Callable[[], str],
) -> list[Handout]:
    """``decide`` for every row still without a problem; refusals become the rows' errors."""
    handouts = []
    for row, request in requests:
        try:
            handouts.append(decide(request, now=now, link_ttl=link_ttl, new_token=new_token))
        except DomainError as error:
            row.error = error.code
    return handouts
