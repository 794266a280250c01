"""Unit tests of the return-request state table (no database).

Every (state, decision) pair is tried: the allowed ones land where rule 23 (docs/rules.md)
says, every other one is refused with the code the API has always answered.
"""

from __future__ import annotations

import itertools

import pytest

from seatledger.domain.errors import Conflict
from seatledger.domain.returns import (
    DECIDED,
    TRANSITIONS,
    ReturnDecision,
    ReturnRequestStatus,
    decision_for,
    from_states,
    next_status,
)

Pending, Approved, Denied = (
    ReturnRequestStatus.PENDING,
    ReturnRequestStatus.APPROVED,
    ReturnRequestStatus.DENIED,
)

# The rule, written out: only a pending request is decided, and only once.
ALLOWED = {
    (Pending, ReturnDecision.REFUND): Approved,
    (Pending, ReturnDecision.RECLAIM): Approved,
    (Pending, ReturnDecision.DENY): Denied,
}
EVERY_PAIR = list(itertools.product(ReturnRequestStatus, ReturnDecision))


def test_the_table_is_the_rule() -> None:
    assert TRANSITIONS == ALLOWED


@pytest.mark.parametrize(("state", "decision"), EVERY_PAIR)
def test_every_decision_in_every_state(
    state: ReturnRequestStatus, decision: ReturnDecision
) -> None:
    if (state, decision) in ALLOWED:
        assert next_status("r1", state, decision) is ALLOWED[(state, decision)]
    else:
        with pytest.raises(Conflict) as refused:
            next_status("r1", state, decision)
        assert refused.value.code == "request_decided"
        assert refused.value.message == "Return request r1 is already decided."


@pytest.mark.parametrize("decision", list(ReturnDecision))
def test_only_a_pending_request_may_be_decided(decision: ReturnDecision) -> None:
    assert from_states(decision) == {Pending}


def test_decided_states_are_the_ones_no_decision_leaves() -> None:
    assert {state for state, _ in TRANSITIONS} | DECIDED == set(ReturnRequestStatus)
    assert not {state for state, _ in TRANSITIONS} & DECIDED


@pytest.mark.parametrize(
    ("approve", "refund", "decision"),
    [
        (True, True, ReturnDecision.REFUND),
        (True, False, ReturnDecision.RECLAIM),
        (False, True, ReturnDecision.DENY),
        (False, False, ReturnDecision.DENY),
    ],
)
def test_an_admins_answer_makes_one_decision(
    approve: bool, refund: bool, decision: ReturnDecision
) -> None:
    assert decision_for(approve=approve, refund=refund) is decision


def test_states_and_decisions_are_the_words_stored() -> None:
    assert [s.value for s in ReturnRequestStatus] == ["pending", "approved", "denied"]
    assert [d.value for d in ReturnDecision] == ["refund", "reclaim", "deny"]
